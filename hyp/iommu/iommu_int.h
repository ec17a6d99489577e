/* hyp/iommu's shared state: the SMMU's streams and their owners, between boot-time attach
 * (iommu.c) and runtime device assignment (iommu_dt.c). */
#pragma once

#include "core/console.h"
#include "core/spinlock.h"
#include "hal/smmu.h"
#include "iommu/iommu.h"

#define NO_OWNER DOMID_INVALID
#define POLL_HZ  100 /* fault reports at most 10 ms late while any stream is attached */

struct iommu_state {
	bool present;
	bool failed; /* an SMMU is there but did not come up: its devices must not be given out */
	int node;    /* its host tree node, as dt_sids name it */
	uint32_t evtq_intid, gerror_intid;
	bool wired; /* faults arrive on the event queue's SPI; else they are polled */
	domid_t owner[HAL_SMMU_MAX_SIDS];
	uint64_t faults[DOMAIN_MAX];
	uint64_t faults_unowned;
	unsigned live;   /* streams attached */
	const void *fdt; /* the host tree and device list runtime assignment names devices in */
	const struct dt_devices *devs;
	domid_t assigned[DT_DEV_MAX]; /* each device's runtime (assign_device) owner */
};

extern struct iommu_state iommu_st;
extern spinlock_t iommu_lock;

/* Attaches @r's streams (clipped to the table) to @d, counting new ones in @n; under iommu_lock.
 * -XEN_EBUSY at a stream another domain holds, or the HAL's; what it attached stays for the caller. */
int iommu_attach_range(struct domain *d, const char *name, const struct dt_sids *r, unsigned *n);
/* After @n new streams: the fault poll runs if faults have no SPI. */
void iommu_arm_poll(unsigned n);
