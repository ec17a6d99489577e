/* The generic timer's registers and outputs. Nothing is stored that can be derived: ISTATUS and
 * TVAL are computed from CVAL and the counter whenever read, the output levels after every change. */
#include "timer.h"

#include <string.h>

#define CTL_WRITABLE (TIMER_CTL_ENABLE | TIMER_CTL_IMASK)

void timer_init(struct timer *t, unsigned ncpus, uint32_t freq, const struct timer_ops *ops)
{
	memset(t, 0, sizeof(*t));
	if (ops)
		t->ops = *ops;
	t->freq = freq;
	t->ncpus = ncpus < TIMER_MAX_CPUS ? ncpus : TIMER_MAX_CPUS;
}

/* The counter timer @id compares against. */
static uint64_t count(const struct timer *t, unsigned cpu, enum timer_id id)
{
	return id == TIMER_VIRT ? t->now - t->cpu[cpu].cntvoff : t->now;
}

/* The timer condition (D11.2.4): the counter has reached CVAL, compared unsigned on 64 bits. */
static bool condition(const struct timer *t, unsigned cpu, enum timer_id id)
{
	return count(t, cpu, id) >= t->cpu[cpu].cval[id];
}

/* ISTATUS: the condition while enabled. A disabled timer's ISTATUS is UNKNOWN in the architecture;
 * the model reads it as 0, as QEMU does, so nothing depends on a value no hardware promises. */
static bool istatus(const struct timer *t, unsigned cpu, enum timer_id id)
{
	return (t->cpu[cpu].ctl[id] & TIMER_CTL_ENABLE) && condition(t, cpu, id);
}

static bool level(const struct timer *t, unsigned cpu, enum timer_id id)
{
	return istatus(t, cpu, id) && !(t->cpu[cpu].ctl[id] & TIMER_CTL_IMASK);
}

static void update(struct timer *t, unsigned cpu)
{
	for (unsigned id = 0; id < TIMER_COUNT; id++) {
		bool l = level(t, cpu, id);
		if (l == t->cpu[cpu].level[id])
			continue;
		t->cpu[cpu].level[id] = l;
		if (t->ops.irq)
			t->ops.irq(t->ops.opaque, cpu, id, l);
	}
}

bool timer_advance(struct timer *t, uint64_t now)
{
	if (now < t->now)
		return false;
	t->now = now;
	for (unsigned c = 0; c < t->ncpus; c++)
		update(t, c);
	return true;
}

uint64_t timer_cntpct(const struct timer *t) { return t->now; }

uint64_t timer_cntvct(const struct timer *t, unsigned cpu) { return cpu < t->ncpus ? count(t, cpu, TIMER_VIRT) : 0; }

uint32_t timer_cntfrq(const struct timer *t) { return t->freq; }

uint64_t timer_cntvoff(const struct timer *t, unsigned cpu) { return cpu < t->ncpus ? t->cpu[cpu].cntvoff : 0; }

void timer_set_cntvoff(struct timer *t, unsigned cpu, uint64_t off)
{
	if (cpu >= t->ncpus)
		return;
	t->cpu[cpu].cntvoff = off;
	update(t, cpu);
}

uint64_t timer_read(const struct timer *t, unsigned cpu, enum timer_id id, enum timer_reg r)
{
	if (cpu >= t->ncpus || (unsigned)id >= TIMER_COUNT)
		return 0;
	const struct timer_cpu *c = &t->cpu[cpu];
	switch (r) {
	case TIMER_REG_CTL: return c->ctl[id] | (istatus(t, cpu, id) ? TIMER_CTL_ISTATUS : 0);
	case TIMER_REG_CVAL: return c->cval[id];
	case TIMER_REG_TVAL: return (uint32_t)(c->cval[id] - count(t, cpu, id));
	}
	return 0;
}

void timer_write(struct timer *t, unsigned cpu, enum timer_id id, enum timer_reg r, uint64_t val)
{
	if (cpu >= t->ncpus || (unsigned)id >= TIMER_COUNT)
		return;
	struct timer_cpu *c = &t->cpu[cpu];
	switch (r) {
	case TIMER_REG_CTL: c->ctl[id] = (uint32_t)val & CTL_WRITABLE; break;
	case TIMER_REG_CVAL: c->cval[id] = val; break;
	/* TimerValue is signed 32 bits: CVAL = counter + SignExtend(val[31:0]). */
	case TIMER_REG_TVAL: c->cval[id] = count(t, cpu, id) + (uint64_t)(int64_t)(int32_t)(uint32_t)val; break;
	default: return;
	}
	update(t, cpu);
}

bool timer_output(const struct timer *t, unsigned cpu, enum timer_id id)
{
	return cpu < t->ncpus && (unsigned)id < TIMER_COUNT && t->cpu[cpu].level[id];
}

uint64_t timer_cpu_deadline(const struct timer *t, unsigned cpu)
{
	uint64_t best = UINT64_MAX;

	if (cpu >= t->ncpus)
		return best;
	for (unsigned id = 0; id < TIMER_COUNT; id++) {
		const struct timer_cpu *c = &t->cpu[cpu];
		if ((c->ctl[id] & CTL_WRITABLE) != TIMER_CTL_ENABLE || condition(t, cpu, id))
			continue;
		/* The counter is below CVAL by delta; it gets there that many ticks from now (a deadline
		 * past the end of time is never reached). */
		uint64_t delta = c->cval[id] - count(t, cpu, id);
		uint64_t at = t->now + delta < t->now ? UINT64_MAX : t->now + delta;
		best = at < best ? at : best;
	}
	return best;
}

uint64_t timer_next_deadline(const struct timer *t)
{
	uint64_t best = UINT64_MAX;

	for (unsigned c = 0; c < t->ncpus; c++) {
		uint64_t d = timer_cpu_deadline(t, c);
		best = d < best ? d : best;
	}
	return best;
}
