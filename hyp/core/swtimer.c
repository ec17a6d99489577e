#include "core/swtimer.h"

#include "core/spinlock.h"
#include "hal/cpu.h"
#include "hal/platform.h"
#include "hal/timer.h"

struct swtimer_queue {
	spinlock_t lock;
	struct swtimer *head; /* sorted by deadline, earliest first */
	uint64_t armed;       /* what the hardware timer holds */
};

static struct swtimer_queue queues[PLAT_MAX_CPUS];

void swtimer_reset(void)
{
	__builtin_memset(queues, 0, sizeof(queues));
	for (unsigned i = 0; i < PLAT_MAX_CPUS; i++)
		queues[i].armed = UINT64_MAX;
}

void swtimer_init(struct swtimer *t, void (*fn)(void *data), void *data)
{
	*t = (struct swtimer){ .fn = fn, .data = data, .cpu = -1, .firing = -1 };
}

bool swtimer_armed(const struct swtimer *t) { return __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE) >= 0; }

/* The head's deadline, or none, into this pCPU's hardware timer when it changed. Queue lock held. */
static void program(struct swtimer_queue *q)
{
	uint64_t want = q->head ? q->head->deadline : UINT64_MAX;

	if (want != q->armed) {
		q->armed = want;
		hal_timer_arm(want);
	}
}

/* Takes @t off whatever queue holds it. */
static void unlink(struct swtimer *t)
{
	for (;;) {
		int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
		if (cpu < 0)
			return;
		struct swtimer_queue *q = &queues[cpu];
		spin_lock(&q->lock);
		if (t->cpu == cpu) {
			struct swtimer **pp = &q->head;
			while (*pp && *pp != t)
				pp = &(*pp)->next;
			if (*pp) /* not there if the queues were reset (tests) */
				*pp = t->next;
			__atomic_store_n(&t->cpu, -1, __ATOMIC_RELEASE);
			/* Another pCPU's hardware timer may still fire for it: that expiry just finds nothing. */
			spin_unlock(&q->lock);
			return;
		}
		spin_unlock(&q->lock); /* it moved meanwhile: look again */
	}
}

void swtimer_set(struct swtimer *t, uint64_t deadline)
{
	unsigned cpu = hal_cpu_id();
	struct swtimer_queue *q = &queues[cpu];

	unlink(t);
	spin_lock(&q->lock);
	struct swtimer **pp = &q->head;
	while (*pp && (*pp)->deadline <= deadline)
		pp = &(*pp)->next;
	t->deadline = deadline;
	t->next = *pp;
	*pp = t;
	__atomic_store_n(&t->cpu, (int)cpu, __ATOMIC_RELEASE);
	program(q);
	spin_unlock(&q->lock);
}

void swtimer_cancel(struct swtimer *t)
{
	unlink(t);
	int self = (int)hal_cpu_id(), f;
	while ((f = __atomic_load_n(&t->firing, __ATOMIC_ACQUIRE)) >= 0 && f != self)
		hal_cpu_relax();
}

void swtimer_expire(void)
{
	unsigned cpu = hal_cpu_id();
	struct swtimer_queue *q = &queues[cpu];

	spin_lock(&q->lock);
	for (struct swtimer *t; (t = q->head) && t->deadline <= hal_counter_now();) {
		q->head = t->next;
		__atomic_store_n(&t->cpu, -1, __ATOMIC_RELEASE);
		__atomic_store_n(&t->firing, (int)cpu, __ATOMIC_RELEASE);
		/* Unlocked: the callback may set timers, this one included, or wake vCPUs. */
		spin_unlock(&q->lock);
		t->fn(t->data);
		__atomic_store_n(&t->firing, -1, __ATOMIC_RELEASE);
		spin_lock(&q->lock);
	}
	program(q);
	spin_unlock(&q->lock);
}
