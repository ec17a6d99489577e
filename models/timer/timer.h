/* A model of the Arm generic timer (ARM DDI 0487, chapter D11): the system counter on the embedder's
 * virtual time and, per CPU, the EL1 physical, EL1 virtual and EL2 hypervisor timers with their PPIs. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define TIMER_MAX_CPUS 16u

/* CNT*_CTL bits (the same in CNTP_CTL_EL0, CNTV_CTL_EL0 and CNTHP_CTL_EL2). */
#define TIMER_CTL_ENABLE  (1u << 0)
#define TIMER_CTL_IMASK   (1u << 1)
#define TIMER_CTL_ISTATUS (1u << 2) /* read-only: the timer condition holds */

enum timer_id {
	TIMER_PHYS, /* EL1 physical: CNTP_*_EL0, compares CNTPCT */
	TIMER_VIRT, /* EL1 virtual: CNTV_*_EL0, compares CNTVCT = CNTPCT - CNTVOFF_EL2 */
	TIMER_HYP,  /* EL2 hypervisor: CNTHP_*_EL2, compares CNTPCT */
	TIMER_COUNT,
};

enum timer_reg {
	TIMER_REG_CTL,
	TIMER_REG_CVAL,
	TIMER_REG_TVAL, /* a 32-bit signed view of CVAL relative to the timer's counter */
};

/* The timer outputs, each a level-sensitive PPI: called when one changes level (ENABLE && ISTATUS &&
 * !IMASK). Optional. */
struct timer_ops {
	void (*irq)(void *opaque, unsigned cpu, enum timer_id id, bool level);
	void *opaque;
};

struct timer_cpu {
	uint32_t ctl[TIMER_COUNT]; /* ENABLE and IMASK as written; ISTATUS is computed on read */
	uint64_t cval[TIMER_COUNT];
	uint64_t cntvoff;
	bool level[TIMER_COUNT];
};

/* All state is the model's own; callers use the functions below. */
struct timer {
	struct timer_ops ops;
	uint32_t freq; /* CNTFRQ_EL0 */
	uint64_t now;  /* CNTPCT */
	unsigned ncpus;
	struct timer_cpu cpu[TIMER_MAX_CPUS];
};

/* Reset: counter at 0, every timer disabled with CVAL 0, CNTVOFF 0. @ncpus is clamped to
 * TIMER_MAX_CPUS. */
void timer_init(struct timer *t, unsigned ncpus, uint32_t freq, const struct timer_ops *ops);

/* The system counter reaches @now (the embedder's virtual time, in counter ticks) and every output
 * follows. The counter never goes back: an earlier @now is refused (false) and changes nothing. */
bool timer_advance(struct timer *t, uint64_t now);

uint64_t timer_cntpct(const struct timer *t);
uint64_t timer_cntvct(const struct timer *t, unsigned cpu);
uint32_t timer_cntfrq(const struct timer *t);

/* CNTVOFF_EL2 of @cpu: moves its virtual counter, hence its virtual timer's condition. */
uint64_t timer_cntvoff(const struct timer *t, unsigned cpu);
void timer_set_cntvoff(struct timer *t, unsigned cpu, uint64_t off);

/* A register of timer @id of @cpu, as MRS/MSR see it (TVAL: bits [31:0], zero-extended). A @cpu past
 * the model's reads 0 and ignores writes. */
uint64_t timer_read(const struct timer *t, unsigned cpu, enum timer_id id, enum timer_reg r);
void timer_write(struct timer *t, unsigned cpu, enum timer_id id, enum timer_reg r, uint64_t val);

/* The timer's output (its PPI's level). */
bool timer_output(const struct timer *t, unsigned cpu, enum timer_id id);

/* The counter value at which the next output of @cpu (of any CPU, for timer_next_deadline) will
 * rise if nothing is written meanwhile: the earliest deadline of an enabled, unmasked timer whose
 * condition does not hold yet. UINT64_MAX for none. Lets the embedder jump time to it. */
uint64_t timer_cpu_deadline(const struct timer *t, unsigned cpu);
uint64_t timer_next_deadline(const struct timer *t);
