#include "sched/sched.h"

#include "core/panic.h"
#include "core/swtimer.h"
#include "hal/cpu.h"
#include "hal/platform.h"
#include "hal/timer.h"
#include "public/errno.h"
#include "sched/sched_int.h"

struct runq {
	spinlock_t lock;
	struct vcpu *head, *tail;
	unsigned boosted; /* queued vCPUs with boost set: the running one should make way */
	bool idle;        /* found nothing to run (credit): a vCPU that would wait elsewhere comes here */
};

static struct runq runqs[PLAT_MAX_CPUS];
static enum sched_kind kind = SCHED_CREDIT;
static unsigned pcpus = 1;
uint64_t sched_slice_ns = SCHED_SLICE_DEFAULT_NS, sched_period_ns = SCHED_PERIOD_DEFAULT_NS;
uint64_t sched_ratelimit_ns = SCHED_RATELIMIT_DEFAULT_NS;
/* Per pCPU: fires when the running vCPU's rate limit is over, so that a woken vCPU it held off
 * gets the pCPU then and not at the next slice. */
static struct swtimer recheck[PLAT_MAX_CPUS];

/* Its interrupt is the point: the vCPU exits and the exit looks at the queue again. */
static void recheck_fire(void *data) { (void)data; }

int sched_set_ratelimit(uint64_t ns)
{
	if (ns > sched_slice_ns)
		return -XEN_EINVAL;
	sched_ratelimit_ns = ns;
	return 0;
}

int sched_set_timing(uint64_t slice_ns, uint64_t period_ns)
{
	if (slice_ns < 10000 || slice_ns > period_ns)
		return -XEN_EINVAL;
	sched_slice_ns = slice_ns;
	sched_period_ns = period_ns;
	if (sched_ratelimit_ns > slice_ns)
		sched_ratelimit_ns = slice_ns;
	return 0;
}

void sched_init(enum sched_kind k, unsigned npcpus)
{
	kind = k;
	pcpus = npcpus && npcpus <= PLAT_MAX_CPUS ? npcpus : 1;
	sched_slice_ns = SCHED_SLICE_DEFAULT_NS;
	sched_period_ns = SCHED_PERIOD_DEFAULT_NS;
	sched_ratelimit_ns = SCHED_RATELIMIT_DEFAULT_NS;
	__builtin_memset(runqs, 0, sizeof(runqs));
	credit_reset();
	null_reset();
}

enum sched_kind sched_kind(void) { return kind; }
unsigned sched_pcpus(void) { return pcpus; }

uint64_t sched_now(void)
{
	uint64_t t = hal_counter_now(), f = hal_counter_freq();
	return t / f * 1000000000ull + t % f * 1000000000ull / f;
}

bool sched_allowed(const struct vcpu *v, unsigned pcpu)
{
	return pcpu < pcpus && (!v->sched.affinity || (v->sched.affinity >> pcpu & 1));
}

static bool runnable(const struct vcpu *v)
{
	return v->dom->state == DOMAIN_RUNNING && __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNABLE;
}

static void retire(struct vcpu *v)
{
	if (kind == SCHED_NULL)
		null_release(v);
	else
		credit_forget(v);
	domain_vcpu_retire(v);
}

int sched_set_params(struct vcpu *v, uint32_t weight, uint32_t cap)
{
	if (weight == 0 || weight > 65535 || cap > 100)
		return -XEN_EINVAL;
	v->sched.weight = weight;
	v->sched.cap = cap;
	return 0;
}

int sched_set_affinity(struct vcpu *v, uint64_t mask)
{
	uint64_t online = pcpus >= 64 ? ~0ull : (1ull << pcpus) - 1;

	if (mask && !(mask & online))
		return -XEN_EINVAL;
	v->sched.affinity = mask;
	return 0;
}

static bool idle(unsigned pcpu) { return __atomic_load_n(&runqs[pcpu].idle, __ATOMIC_RELAXED); }

unsigned sched_place(const struct vcpu *v, unsigned pref)
{
	unsigned cpu = pref;

	/* An idle pCPU first, @pref among them: a vCPU queued behind a busy one while another idles
	 * waits for a slice, and Linux's stop_machine() pays that at every step (both vCPUs must ack). */
	if (sched_allowed(v, pref) && idle(pref))
		return pref;
	for (unsigned i = 0; i < pcpus; i++)
		if (sched_allowed(v, i) && idle(i))
			return i;
	for (unsigned i = 0; !sched_allowed(v, cpu) && i < pcpus; i++)
		cpu = i;
	return cpu;
}

/* Xen credit's tickle: @v, queued on @pcpu where it @waits, wakes an idle pCPU it may run on, which
 * takes it over (credit_pick steals). The fence pairs with sched_pick's: either that pCPU's last
 * look at the queues sees @v, or this sees it idle. */
static void tickle(const struct vcpu *v, unsigned pcpu, bool waits)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned i = 0; waits && kind == SCHED_CREDIT && i < pcpus; i++)
		if (i != pcpu && idle(i) && sched_allowed(v, i)) {
			hal_cpu_kick(i);
			return;
		}
}

bool sched_enqueue(struct vcpu *v, unsigned pcpu)
{
	struct runq *q = &runqs[pcpu];
	bool behind;

	v->pcpu = pcpu;
	v->rq_next = NULL;
	spin_lock(&q->lock);
	behind = q->tail != NULL;
	if (q->tail)
		q->tail->rq_next = v;
	else
		q->head = v;
	q->tail = v;
	spin_unlock(&q->lock);
	return behind;
}

void sched_enqueue_tickle(struct vcpu *v, unsigned pcpu)
{
	bool behind = sched_enqueue(v, pcpu);
	tickle(v, pcpu, behind || !idle(pcpu));
}

/* Takes the first queued vCPU @want accepts, or retires dead ones it meets; NULL if none. */
struct vcpu *sched_dequeue(unsigned pcpu, bool (*want)(const struct vcpu *v, unsigned thief), unsigned thief)
{
	struct runq *q = &runqs[pcpu];

	for (;;) {
		struct vcpu *prev = NULL, *v;
		spin_lock(&q->lock);
		/* Paused domains' vCPUs stay queued, passed over, until they are unpaused. */
		for (v = q->head; v && runnable(v) && (domain_paused(v->dom) || !want(v, thief)); v = v->rq_next)
			prev = v;
		if (v) {
			if (prev)
				prev->rq_next = v->rq_next;
			else
				q->head = v->rq_next;
			if (q->tail == v)
				q->tail = prev;
			if (v->sched.boost) {
				v->sched.boost = false;
				__atomic_store_n(&q->boosted, q->boosted - 1, __ATOMIC_RELAXED);
			}
		}
		spin_unlock(&q->lock);
		if (!v || runnable(v))
			return v;
		retire(v);
	}
}

int sched_add(struct vcpu *v, unsigned hint)
{
	if (!v->sched.weight)
		v->sched.weight = SCHED_WEIGHT_DEFAULT;
	return kind == SCHED_NULL ? null_add(v, hint) : credit_add(v, hint);
}

struct vcpu *sched_pick(unsigned pcpu)
{
	ASSERT(pcpu < PLAT_MAX_CPUS);
	if (kind == SCHED_NULL) {
		struct vcpu *v = null_pick(pcpu);
		if (v)
			v->sched.picked_at = sched_now();
		return v;
	}
	struct vcpu *v = credit_pick(pcpu);
	if (!v) {
		/* Idle from here, then one more look: a vCPU queued meanwhile is seen now, or its
		 * queuer sees this pCPU idle and kicks it (tickle's fence). */
		__atomic_store_n(&runqs[pcpu].idle, true, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		v = credit_pick(pcpu);
	}
	if (v) {
		__atomic_store_n(&runqs[pcpu].idle, false, __ATOMIC_RELAXED);
		v->sched.picked_at = sched_now();
	}
	return v;
}

/* The rest of sched_should_preempt, out of line: the IRQ exit of a vCPU alone on its pCPU (every
 * timer and SGI delivery) pays for the queue check only. */
static __attribute__((noinline)) bool preempt_queued(struct vcpu *v, unsigned pcpu)
{
	uint64_t ran = sched_now() - v->sched.picked_at;
	if (ran >= sched_slice_ns)
		return true;
	if (!__atomic_load_n(&runqs[pcpu].boosted, __ATOMIC_RELAXED))
		return false;
	if (ran >= sched_ratelimit_ns)
		return true;
	if (!recheck[pcpu].fn)
		swtimer_init(&recheck[pcpu], recheck_fire, NULL);
	uint64_t f = hal_counter_freq(), left = sched_ratelimit_ns - ran;
	swtimer_set(&recheck[pcpu], hal_counter_now() + left / 1000000000ull * f +
					(left % 1000000000ull * f + 999999999ull) / 1000000000ull);
	return false;
}

bool sched_should_preempt(struct vcpu *v, unsigned pcpu)
{
	/* The queue check first: on a pCPU of its own a vCPU is never preempted, and the counter is
	 * not even read. A vCPU woken with credit (its interrupt arrived) does not wait for the slice,
	 * only for the running one's rate limit; the recheck timer ends that wait. */
	return __atomic_load_n(&runqs[pcpu].head, __ATOMIC_RELAXED) && preempt_queued(v, pcpu);
}

void sched_put(struct vcpu *v)
{
	uint32_t blocking = SCHED_BLOCKING;

	if (kind == SCHED_CREDIT)
		credit_charge(v, sched_now() - v->sched.picked_at);
	if (!runnable(v)) {
		__atomic_store_n(&v->sched.wait, SCHED_AWAKE, __ATOMIC_RELEASE);
		retire(v);
		return;
	}
	/* Asleep: off every queue; under the null policy it keeps its pCPU for when it wakes. */
	if (__atomic_compare_exchange_n(&v->sched.wait, &blocking, SCHED_ASLEEP, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return;
	/* Preempted (or yielding): back on its pCPU; if it must wait there, an idle pCPU takes it. */
	tickle(v, v->pcpu, sched_enqueue(v, v->pcpu));
}

void sched_block(struct vcpu *v)
{
	__atomic_store_n(&v->sched.wait, SCHED_BLOCKING, __ATOMIC_RELAXED);
	/* Against the waker's "interrupt pending, then look at wait": one of us sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int sched_wake(struct vcpu *v)
{
	if (!sched_sleeping(v))
		return -1;
	if (__atomic_exchange_n(&v->sched.wait, SCHED_AWAKE, __ATOMIC_ACQ_REL) != SCHED_ASLEEP)
		return -1;
	/* The null policy's own pCPU; under credit an idle one, else where it slept (within its
	 * affinity, which may have changed meanwhile). */
	unsigned cpu = kind == SCHED_CREDIT ? sched_place(v, v->pcpu) : v->pcpu;
	if (kind == SCHED_CREDIT && v->sched.credit > 0 && !v->sched.parked) {
		/* Xen credit's boost: first in the queue, and the running vCPU makes way at its next
		 * exit (the kick), so an interrupt does not wait a slice. Only with credit left: a
		 * vCPU that blocks and wakes all the time still gets no more than its share. */
		struct runq *q = &runqs[cpu];
		v->pcpu = cpu;
		spin_lock(&q->lock);
		v->sched.boost = true;
		v->rq_next = q->head;
		q->head = v;
		if (!q->tail)
			q->tail = v;
		__atomic_store_n(&q->boosted, q->boosted + 1, __ATOMIC_RELAXED);
		spin_unlock(&q->lock);
		tickle(v, cpu, !idle(cpu));
		return (int)cpu;
	}
	sched_enqueue_tickle(v, cpu);
	return (int)cpu;
}
