/* Software timers: per-pCPU queues of deadlines over the one EL2 hypervisor timer each pCPU has
 * (hal_timer_arm); when its PPI fires the due callbacks run on that pCPU, in deadline order. */
#pragma once

#include "hal/types.h"

struct swtimer {
	uint64_t deadline; /* system counter ticks */
	void (*fn)(void *data);
	void *data;
	struct swtimer *next;
	int cpu;    /* the queue it waits on, -1 if none */
	int firing; /* the pCPU running fn right now, -1 if none */
};

/* A timer that waits on no queue yet. */
void swtimer_init(struct swtimer *t, void (*fn)(void *data), void *data);

/* (Re)arms @t to fire at @deadline on this pCPU, wherever it waited before. A deadline already
 * past fires at the next swtimer_expire. Callable from a timer's own callback. */
void swtimer_set(struct swtimer *t, uint64_t deadline);

/* Disarms @t; once it returns, @t's callback is not running (unless the caller is that callback)
 * and will not run, so @t may be freed. */
void swtimer_cancel(struct swtimer *t);

/* True while @t waits on a queue. */
bool swtimer_armed(const struct swtimer *t);

/* The hypervisor timer's interrupt on this pCPU: runs every expired callback, then arms the
 * hardware timer for the earliest one left (or disarms it). */
void swtimer_expire(void);

/* Forgets every queue (boot, tests). */
void swtimer_reset(void);
