#include "sched/sched.h"

#include "core/panic.h"
#include "hal/platform.h"

struct runq {
	spinlock_t lock;
	struct vcpu *head, *tail;
};

static struct runq runqs[PLAT_MAX_CPUS];

static void enqueue(struct runq *q, struct vcpu *v)
{
	v->rq_next = NULL;
	if (q->tail)
		q->tail->rq_next = v;
	else
		q->head = v;
	q->tail = v;
}

static bool runnable(const struct vcpu *v)
{
	return v->dom->state == DOMAIN_RUNNING && __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNABLE;
}

void sched_add(struct vcpu *v, unsigned pcpu)
{
	ASSERT(pcpu < PLAT_MAX_CPUS);
	v->pcpu = pcpu;
	spin_lock(&runqs[pcpu].lock);
	enqueue(&runqs[pcpu], v);
	spin_unlock(&runqs[pcpu].lock);
}

struct vcpu *sched_pick(unsigned pcpu)
{
	struct runq *q = &runqs[pcpu];

	for (;;) {
		spin_lock(&q->lock);
		struct vcpu *v = q->head;
		if (v) {
			q->head = v->rq_next;
			if (!q->head)
				q->tail = NULL;
		}
		spin_unlock(&q->lock);
		if (!v || runnable(v))
			return v;
		domain_vcpu_retire(v);
	}
}

void sched_put(struct vcpu *v)
{
	if (!runnable(v)) {
		domain_vcpu_retire(v);
		return;
	}
	spin_lock(&runqs[v->pcpu].lock);
	enqueue(&runqs[v->pcpu], v);
	spin_unlock(&runqs[v->pcpu].lock);
}
