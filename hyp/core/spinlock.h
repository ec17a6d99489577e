/* Ticket spinlocks for the core, fair across CPUs.
 * Waiters call hal_cpu_relax() so the sim's single host thread runs the lock holder. */
#pragma once

#include "hal/cpu.h"

typedef struct {
	uint32_t next;
	uint32_t owner;
} spinlock_t;

#define SPINLOCK_INIT                                                                                                  \
	{                                                                                                              \
		0, 0                                                                                                   \
	}

static inline void spin_lock(spinlock_t *l)
{
	uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		hal_cpu_relax();
}

static inline void spin_unlock(spinlock_t *l) { __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE); }
