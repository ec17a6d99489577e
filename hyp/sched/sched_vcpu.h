/* A vCPU's scheduling parameters and accounting, kept inside struct vcpu.
 * Separate from sched.h so domain.h can embed it without the scheduler's API. */
#pragma once

#include "hal/types.h"

#define SCHED_WEIGHT_DEFAULT 256

/* A vCPU's sleep in WFI: blocking while its pCPU still holds it, asleep once given back. */
enum sched_wait { SCHED_AWAKE, SCHED_BLOCKING, SCHED_ASLEEP };

struct sched_vcpu {
	uint32_t weight;   /* share relative to the other vCPUs (Xen credit's default 256) */
	uint32_t cap;      /* percent of one pCPU per period; 0: uncapped */
	uint64_t affinity; /* pCPUs it may run on, bit per logical pCPU; 0: any */
	int64_t credit;    /* ns it may still run this period before it counts as over */
	uint64_t consumed; /* ns run this period, for the cap */
	uint64_t picked_at;
	uint32_t wait; /* enum sched_wait, changed atomically */
	bool boost;    /* woken with credit left: queued first, and preempts a running vCPU */
	bool parked;   /* over its cap until the next period */
	bool active;   /* known to the credit accounting */
};
