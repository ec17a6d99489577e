/* Helpers shared by the GIC model's tests: a GIC of either version on four CPUs, register accessors
 * that assert the access is accepted, and a record of the line-change callback. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "models/gic/gic.h"

#define T_NCPUS 4u
#define T_NSPIS 64u

/* MPIDRs of the test CPUs: Aff1 0 and 1, Aff0 0 and 1 (CPU n = Aff1 n/2, Aff0 n%2). */
uint64_t t_mpidr(unsigned cpu);

extern unsigned t_changes[T_NCPUS]; /* lines_changed calls per CPU since creation */

struct gic *t_gic(enum gic_version v);

uint32_t t_rd(struct gic *g, enum gic_frame f, unsigned cpu, uint64_t off);
void t_wr(struct gic *g, enum gic_frame f, unsigned cpu, uint64_t off, uint32_t val);
uint64_t t_rd64(struct gic *g, enum gic_frame f, unsigned cpu, uint64_t off);
uint64_t t_sr(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg r);
void t_sw(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg r, uint64_t val);

/* Brings CPU @cpu's v3 redistributor and CPU interface up as a hypervisor does: awake, both groups
 * enabled, PMR open; and the distributor's groups on. */
void t_v3_up(struct gic *g, unsigned cpu);
/* Configures INTID @intid (private to @cpu, or an SPI) enabled, in @group, at @prio. v3 routes SPIs
 * to @cpu. */
void t_v3_irq(struct gic *g, unsigned cpu, unsigned intid, unsigned group, uint8_t prio);

int t_teardown(void **state);
