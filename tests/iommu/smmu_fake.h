/* The iommu tests' machine: a recording fake of include/hal/smmu.h (and the frame allocator and
 * irq_own it needs), a host tree with an SMMUv3 and devices behind it, three domains. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "dt/dt.h"
#include "dt/dt_dev.h"
#include "dom/domain.h"
#include "hal/smmu.h"

#define MAX_CALLS 1024
#define SPI(n)    ((n) + 32u)

struct smmu_fake {
	int probe_rc, attach_rc, attach_fail_at;
	struct hal_smmu_desc desc;
	unsigned probes, attaches, detaches;
	struct {
		uint32_t sid;
		uint16_t vmid;
		paddr_t root;
		uint64_t vtcr;
	} attach[MAX_CALLS];
	uint32_t detach[MAX_CALLS];
	uint16_t flushed_vmid[MAX_CALLS];
	unsigned flushes;
	struct hal_smmu_fault faults[8];
	unsigned nfaults, lost;
	uint64_t now, timer;
	uint8_t mem[4096 << HAL_SMMU_MEM_ORDER];
	int frame_rc;
	unsigned frames_out;
	int own_rc;
	unsigned owns;
	uint32_t own_intid;
	bool own_edge;
	void (*own_fn)(uint32_t);
};
extern struct smmu_fake h;

/* The host tree: /smmuv3@9050000 (devs.dev[0], the hypervisor's), /iommu@0, /dev0../dev3. */
extern uint8_t fdt[4096];
extern int smmu_node, other_iommu_node;
extern struct dt_devices devs;
extern struct domain dom0, domu1, domu2;

/* A device at /dev0 owned by @owner (@domu) with streams [@sid, @sid + @count) behind the SMMU. */
struct dt_dev *add_dev(enum dt_owner owner, unsigned domu, uint32_t sid, uint32_t count);
void init_domain(struct domain *d, domid_t id);
/* CMocka setup: everything above fresh, the iommu reset. */
int setup(void **state);
