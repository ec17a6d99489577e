/* Which vCPU a pCPU runs next, chosen at boot (`sched=credit|null`): a weighted fair-share
 * scheduler with caps and affinity, or a 1:1 static one for partitioned systems. */
#pragma once

#include "dom/domain.h"

enum sched_kind { SCHED_CREDIT, SCHED_NULL };

#define SCHED_PERIOD_DEFAULT_NS    30000000ull /* credit is handed out per period */
#define SCHED_SLICE_DEFAULT_NS     10000000ull /* how long a vCPU runs while others wait */
#define SCHED_RATELIMIT_DEFAULT_NS 30000ull    /* Xen: 1 ms beside 30 ms slices; see sched_ratelimit_ns */

/* Resets the scheduler; timing back to the defaults. */
void sched_init(enum sched_kind kind, unsigned npcpus);

/* Slice and accounting period (`sched_slice_us=`, `sched_period_us=`): the slice at least 10 µs
 * and at most the period. -XEN_EINVAL otherwise, leaving the timing as it was. */
int sched_set_timing(uint64_t slice_ns, uint64_t period_ns);
extern uint64_t sched_slice_ns, sched_period_ns;

/* How long a vCPU runs before a woken one may take its pCPU (`sched_ratelimit_us=`, Xen's option):
 * without it a vCPU that wakes often (a busy store client) preempts a compute-bound one at every
 * wake-up. At most the slice: -XEN_EINVAL otherwise. A waker held off runs when the limit is
 * over (a timer looks again then), not a slice later. */
int sched_set_ratelimit(uint64_t ns);
extern uint64_t sched_ratelimit_ns;
enum sched_kind sched_kind(void);

/* The pCPUs it runs vCPUs on (those online at boot). */
unsigned sched_pcpus(void);

/* Weight (1..65535) and cap (0..100 percent of one pCPU; 0 uncapped). -XEN_EINVAL otherwise. */
int sched_set_params(struct vcpu *v, uint32_t weight, uint32_t cap);

/* Restricts @v to the pCPUs in @mask (bit per logical pCPU); -XEN_EINVAL if none is online.
 * Takes effect the next time @v is queued. */
int sched_set_affinity(struct vcpu *v, uint64_t mask);

/* Queues @v, claimed and reset, preferring pCPU @hint (credit: an idle pCPU before a busy @hint).
 * With the null scheduler a vCPU that finds no free pCPU waits until one is. Returns the pCPU it was
 * queued on (to kick), or -1 if waiting. */
int sched_add(struct vcpu *v, unsigned hint);

/* The next vCPU for this pCPU, taken off its queue; NULL if none may run now. vCPUs that were
 * asked to stop, or whose domain is shutting down, are retired here instead of returned. */
struct vcpu *sched_pick(unsigned pcpu);

/* True once @v (running on @pcpu) has used its slice while another vCPU waits there, or its rate
 * limit while a woken one does (before that, a timer is set for when it is over). */
bool sched_should_preempt(struct vcpu *v, unsigned pcpu);

/* Gives @v (just run) back, charging what it ran; retires it as sched_pick would. A vCPU that
 * blocked is not queued again until sched_wake. */
void sched_put(struct vcpu *v);

/* Called by the pCPU running @v (WFI) before it looks at @v's interrupts one last time: from here
 * a sched_wake cancels the sleep, so a wake-up between that look and sched_put is not lost. */
void sched_block(struct vcpu *v);

/* Ends @v's sleep, from any pCPU: a vCPU already given back is queued again (credit: where it slept
 * if that pCPU idles, else on an idle one, else where it slept). Returns the pCPU it was queued on
 * (to kick), or -1 if it was not asleep (running, queued, or still on its pCPU). */
int sched_wake(struct vcpu *v);

/* sched_wake's first look, inline for the injection path (the target is usually awake): true if
 * @v blocked or sleeps. The fence pairs with sched_block's against a lost wake-up. */
static inline bool sched_sleeping(const struct vcpu *v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&v->sched.wait, __ATOMIC_RELAXED) != SCHED_AWAKE;
}

/* True if @v blocked and has not been woken: its pCPU should give it back. */
static inline bool sched_blocked(const struct vcpu *v)
{
	return __atomic_load_n(&v->sched.wait, __ATOMIC_ACQUIRE) == SCHED_BLOCKING;
}
