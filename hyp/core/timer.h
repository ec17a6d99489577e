/* Software timers: per-pCPU queues of deadlines over the one EL2 hypervisor timer each pCPU has
 * (hal_timer_arm); when its PPI fires the due callbacks run on that pCPU, in deadline order. */
#pragma once

#include "hal/types.h"

struct timer {
	uint64_t deadline; /* system counter ticks */
	void (*fn)(void *data);
	void *data;
	struct timer *next;
	int cpu;    /* the queue it waits on, -1 if none */
	int firing; /* the pCPU running fn right now, -1 if none */
};

/* A timer that waits on no queue yet. */
void timer_init(struct timer *t, void (*fn)(void *data), void *data);

/* (Re)arms @t to fire at @deadline on this pCPU, wherever it waited before. A deadline already
 * past fires at the next timer_expire. Callable from a timer's own callback. */
void timer_set(struct timer *t, uint64_t deadline);

/* Disarms @t; once it returns, @t's callback is not running (unless the caller is that callback)
 * and will not run, so @t may be freed. */
void timer_cancel(struct timer *t);

/* True while @t waits on a queue. */
bool timer_armed(const struct timer *t);

/* The hypervisor timer's interrupt on this pCPU: runs every expired callback, then arms the
 * hardware timer for the earliest one left (or disarms it). */
void timer_expire(void);

/* Forgets every queue (boot, tests). */
void timer_reset(void);
