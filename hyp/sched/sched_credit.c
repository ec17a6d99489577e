/* The fair-share policy: every period each active vCPU is credited its weight's share of the
 * pCPUs (at most a period's worth, at most its cap); vCPUs with credit run before those without,
 * capped ones that used their share wait for the next period, and an idle pCPU steals work. */
#include "core/spinlock.h"
#include "public/errno.h"
#include "sched/sched_int.h"

#define MAX_ACTIVE (DOMAIN_MAX * DOMAIN_MAX_VCPUS)

static spinlock_t lock = SPINLOCK_INIT;
static struct vcpu *active[MAX_ACTIVE];
static unsigned nactive;
static uint64_t next_refill;

void credit_reset(void)
{
	nactive = 0;
	next_refill = 0;
}

static uint64_t cap_ns(const struct vcpu *v) { return sched_period_ns * v->sched.cap / 100; }

static void refill(uint64_t now)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < nactive; i++)
		total += active[i]->sched.weight;
	for (unsigned i = 0; i < nactive && total; i++) {
		struct sched_vcpu *s = &active[i]->sched;
		int64_t share = (int64_t)(sched_period_ns * sched_pcpus() * s->weight / total);
		if (s->cap && share > (int64_t)cap_ns(active[i]))
			share = (int64_t)cap_ns(active[i]);
		/* No banking: an idle period does not buy a burst later. */
		s->credit = s->credit + share > (int64_t)sched_period_ns ? (int64_t)sched_period_ns : s->credit + share;
		s->consumed = 0;
		s->parked = false;
	}
	next_refill = now + sched_period_ns;
}

static void maybe_refill(void)
{
	uint64_t now = sched_now();

	if (now < __atomic_load_n(&next_refill, __ATOMIC_RELAXED))
		return;
	spin_lock(&lock);
	if (now >= next_refill)
		refill(now);
	spin_unlock(&lock);
}

int credit_add(struct vcpu *v, unsigned hint)
{
	spin_lock(&lock);
	if (!v->sched.active && nactive < MAX_ACTIVE) {
		active[nactive++] = v;
		v->sched.active = true;
		/* A slice to start with, so a vCPU just brought up is not last until the next refill. */
		v->sched.credit = (int64_t)sched_slice_ns;
	}
	spin_unlock(&lock);
	unsigned cpu = sched_place(v, hint);
	sched_enqueue_tickle(v, cpu);
	return (int)cpu;
}

void credit_forget(struct vcpu *v)
{
	spin_lock(&lock);
	for (unsigned i = 0; i < nactive; i++)
		if (active[i] == v) {
			active[i] = active[--nactive];
			break;
		}
	v->sched.active = false;
	spin_unlock(&lock);
}

void credit_charge(struct vcpu *v, uint64_t ran_ns)
{
	spin_lock(&lock);
	v->sched.credit -= (int64_t)ran_ns;
	v->sched.consumed += ran_ns;
	if (v->sched.cap && v->sched.consumed >= cap_ns(v))
		v->sched.parked = true;
	spin_unlock(&lock);
}

static bool under(const struct vcpu *v, unsigned thief)
{
	return !v->sched.parked && v->sched.credit > 0 && sched_allowed(v, thief);
}

static bool eligible(const struct vcpu *v, unsigned thief) { return !v->sched.parked && sched_allowed(v, thief); }

struct vcpu *credit_pick(unsigned pcpu)
{
	maybe_refill();
	struct vcpu *v = sched_dequeue(pcpu, under, pcpu);
	/* Another pCPU's vCPU that still has credit beats a local one that has none. */
	for (unsigned i = 1; !v && i < sched_pcpus(); i++)
		v = sched_dequeue((pcpu + i) % sched_pcpus(), under, pcpu);
	/* Then anything that may run, here first: an idle pCPU takes work over from a busy one. */
	for (unsigned i = 0; !v && i < sched_pcpus(); i++)
		v = sched_dequeue((pcpu + i) % sched_pcpus(), eligible, pcpu);
	if (v)
		v->pcpu = pcpu;
	return v;
}
