/* The static 1:1 policy for partitioned systems: each vCPU owns a pCPU (within its affinity) for
 * as long as it runs; a vCPU that finds none free waits for one, first come first served. */
#include "core/spinlock.h"
#include "hal/cpu.h"
#include "hal/platform.h"
#include "sched/sched_int.h"

#define MAX_WAITING (DOMAIN_MAX * DOMAIN_MAX_VCPUS)

static spinlock_t lock = SPINLOCK_INIT;
static struct vcpu *owner[PLAT_MAX_CPUS];
static struct vcpu *waiting[MAX_WAITING];
static unsigned nwaiting;

void null_reset(void)
{
	__builtin_memset(owner, 0, sizeof(owner));
	nwaiting = 0;
}

static int place(struct vcpu *v, unsigned hint)
{
	if (hint < sched_pcpus() && !owner[hint] && sched_allowed(v, hint))
		return (int)hint;
	for (unsigned i = 0; i < sched_pcpus(); i++)
		if (!owner[i] && sched_allowed(v, i))
			return (int)i;
	return -1;
}

int null_add(struct vcpu *v, unsigned hint)
{
	spin_lock(&lock);
	int cpu = place(v, hint);
	if (cpu >= 0)
		owner[cpu] = v;
	else if (nwaiting < MAX_WAITING)
		waiting[nwaiting++] = v;
	spin_unlock(&lock);
	if (cpu >= 0)
		sched_enqueue(v, (unsigned)cpu);
	return cpu;
}

static bool any(const struct vcpu *v, unsigned thief)
{
	(void)v;
	(void)thief;
	return true;
}

struct vcpu *null_pick(unsigned pcpu) { return sched_dequeue(pcpu, any, pcpu); }

/* The pCPU @v owned goes to the longest-waiting vCPU that may run there. */
void null_release(struct vcpu *v)
{
	struct vcpu *next = NULL;
	unsigned cpu = v->pcpu;

	spin_lock(&lock);
	for (unsigned i = 0; i < nwaiting; i++)
		if (waiting[i] == v) {
			waiting[i] = waiting[--nwaiting];
			spin_unlock(&lock);
			return;
		}
	if (cpu < PLAT_MAX_CPUS && owner[cpu] == v) {
		owner[cpu] = NULL;
		for (unsigned i = 0; i < nwaiting && !next; i++)
			if (sched_allowed(waiting[i], cpu)) {
				next = waiting[i];
				for (unsigned j = i; j + 1 < nwaiting; j++)
					waiting[j] = waiting[j + 1];
				nwaiting--;
				owner[cpu] = next;
			}
	}
	spin_unlock(&lock);
	if (next) {
		sched_enqueue(next, cpu);
		hal_cpu_kick(cpu);
	}
}
