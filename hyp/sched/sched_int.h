/* What the two policies share with the scheduler's queues: one FIFO run queue per pCPU, the
 * clock, and the affinity test. Not for use outside hyp/sched. */
#pragma once

#include "sched/sched.h"

uint64_t sched_now(void);
bool sched_allowed(const struct vcpu *v, unsigned pcpu);
/* Queues @v last on @pcpu; true if another vCPU is queued ahead of it. */
bool sched_enqueue(struct vcpu *v, unsigned pcpu);
/* The same, and if @v must wait there an idle pCPU is kicked to take it (credit). */
void sched_enqueue_tickle(struct vcpu *v, unsigned pcpu);
/* Where @v should be queued: @pref if idle, else another idle pCPU, else @pref; within affinity. */
unsigned sched_place(const struct vcpu *v, unsigned pref);
/* @want is asked about each queued vCPU on behalf of pCPU @thief (which may be @pcpu itself). */
struct vcpu *sched_dequeue(unsigned pcpu, bool (*want)(const struct vcpu *v, unsigned thief), unsigned thief);

void credit_reset(void);
void null_reset(void);

int credit_add(struct vcpu *v, unsigned hint);
struct vcpu *credit_pick(unsigned pcpu);
void credit_charge(struct vcpu *v, uint64_t ran_ns);
void credit_forget(struct vcpu *v);

int null_add(struct vcpu *v, unsigned hint);
struct vcpu *null_pick(unsigned pcpu);
void null_release(struct vcpu *v);
