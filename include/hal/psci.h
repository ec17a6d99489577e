/* PSCI calls to the firmware below EL2 (the conduit from the host tree's /psci node).
 * Function IDs and return codes are PSCI 1.1's (ARM DEN 0022). */
#pragma once

#include "hal/types.h"
#include "public/errno.h"

#define PSCI_VERSION          0x84000000u
#define PSCI_CPU_OFF          0x84000002u
#define PSCI_CPU_ON_64        0xc4000003u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
#define PSCI_SYSTEM_OFF       0x84000008u
#define PSCI_SYSTEM_RESET     0x84000009u

#define PSCI_RET_SUCCESS            0
#define PSCI_RET_NOT_SUPPORTED      (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED             (-3)
#define PSCI_RET_ALREADY_ON         (-4)
#define PSCI_RET_ON_PENDING         (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_NOT_PRESENT        (-7)
#define PSCI_RET_DISABLED           (-8)
#define PSCI_RET_INVALID_ADDRESS    (-9)

int64_t hal_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/* A PSCI return code as the negative Xen errno the core works with, the same in every HAL. */
static inline int hal_psci_errno(int64_t ret)
{
	switch (ret) {
	case PSCI_RET_SUCCESS: return 0;
	case PSCI_RET_NOT_SUPPORTED: return -XEN_ENOTSUP;
	case PSCI_RET_INVALID_PARAMETERS: return -XEN_EINVAL;
	case PSCI_RET_DENIED: return -XEN_EPERM;
	case PSCI_RET_ALREADY_ON: return -XEN_EEXIST;
	case PSCI_RET_ON_PENDING: return -XEN_EBUSY;
	case PSCI_RET_NOT_PRESENT: return -XEN_ENODEV;
	case PSCI_RET_DISABLED: return -XEN_ENXIO;
	case PSCI_RET_INVALID_ADDRESS: return -XEN_EFAULT;
	default: return -XEN_EIO;
	}
}
