/* Random sequences of inputs and register accesses against the model's outputs: after every step each
 * CPU's IRQ and vIRQ lines must be what its own registers say (the highest-priority pending interrupt
 * beats the priority mask and the running priority), and lines_changed must have fired whenever one
 * moved. Catches stale lines from the model's incremental recomputation. */
#include "gic_testlib.h"

#include <stdlib.h>

#define STEPS 20000

static uint32_t rng = 12345;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

static uint8_t prio_of(struct gic *g, unsigned cpu, unsigned intid)
{
	uint64_t v = 0;

	if (intid < 32)
		assert_int_equal(gic_mmio_read(g, GIC_FRAME_GICR_SGI, cpu, 0x400 + intid, 1, &v), GIC_OK);
	else
		assert_int_equal(gic_mmio_read(g, GIC_FRAME_GICD, 0, 0x400 + intid, 1, &v), GIC_OK);
	return (uint8_t)v;
}

/* The highest-priority pending interrupt CPU @cpu should see, worked out from the distributor's and
 * redistributor's registers alone (all interrupts are Group 1 here): the model's own selection is
 * what is under test. */
static unsigned ref_hppi(struct gic *g, unsigned cpu)
{
	uint32_t priv_on = t_rd(g, GIC_FRAME_GICR_SGI, cpu, 0x100), priv_pend = t_rd(g, GIC_FRAME_GICR_SGI, cpu, 0x200);
	uint32_t priv_act = t_rd(g, GIC_FRAME_GICR_SGI, cpu, 0x300);
	uint32_t spi_on = t_rd(g, GIC_FRAME_GICD, 0, 0x104), spi_pend = t_rd(g, GIC_FRAME_GICD, 0, 0x204);
	uint32_t spi_act = t_rd(g, GIC_FRAME_GICD, 0, 0x304);
	unsigned best = 1023, best_prio = 0x100;

	if ((t_rd(g, GIC_FRAME_GICR_RD, cpu, 0x14) & 2) || !t_sr(g, cpu, 2, GIC_ICC_IGRPEN1_EL1) ||
	    !(t_rd(g, GIC_FRAME_GICD, 0, 0) & 2))
		return 1023;
	for (unsigned id = 0; id < 40; id++) {
		bool on = id < 32 ? priv_on >> id & 1 : spi_on >> (id - 32) & 1;
		bool pend = id < 32 ? priv_pend >> id & 1 : spi_pend >> (id - 32) & 1;
		bool act = id < 32 ? priv_act >> id & 1 : spi_act >> (id - 32) & 1;
		uint8_t p = prio_of(g, cpu, id);

		if (!on || !pend || act || p >= best_prio)
			continue;
		if (id >= 32) {
			uint64_t r = t_rd64(g, GIC_FRAME_GICD, 0, 0x6000 + 8 * id);

			if (!(r & (1ull << 31)) && r != (t_mpidr(cpu) & 0xffffff))
				continue;
		}
		best = id;
		best_prio = p;
	}
	return best;
}

/* BPR1 at its minimum: a priority is its own group priority. */
static bool expected_irq(struct gic *g, unsigned cpu)
{
	unsigned id = ref_hppi(g, cpu);
	uint8_t p;

	assert_int_equal(t_sr(g, cpu, 2, GIC_ICC_HPPIR1_EL1), id);
	if (id == 1023)
		return false;
	p = prio_of(g, cpu, id);
	return p < t_sr(g, cpu, 2, GIC_ICC_PMR_EL1) && p < t_sr(g, cpu, 2, GIC_ICC_RPR_EL1);
}

static bool expected_virq(struct gic *g, unsigned cpu)
{
	uint64_t id = t_sr(g, cpu, 1, GIC_ICC_HPPIR1_EL1);
	uint8_t p = 0xff;

	if (id == 1023 || !(t_sr(g, cpu, 2, GIC_ICH_HCR_EL2) & 1))
		return false;
	for (unsigned n = 0; n < 4; n++) {
		uint64_t lr = t_sr(g, cpu, 2, GIC_ICH_LR_EL2(n));

		if ((lr >> 62) == 1 && (lr & 0xffffffff) == id && (uint8_t)(lr >> 48) < p)
			p = (uint8_t)(lr >> 48);
	}
	return p < t_sr(g, cpu, 1, GIC_ICC_PMR_EL1) && p < t_sr(g, cpu, 1, GIC_ICC_RPR_EL1);
}

static void step(struct gic *g)
{
	unsigned cpu = rnd(T_NCPUS);
	unsigned spi = 32 + rnd(8);
	unsigned ppi = 16 + rnd(16);

	switch (rnd(20)) {
	case 0: gic_set_line(g, cpu, spi, rnd(2)); break;
	case 1: gic_set_line(g, cpu, ppi, rnd(2)); break;
	case 2: gic_pulse(g, cpu, spi); break;
	case 3: t_sr(g, cpu, 2, GIC_ICC_IAR1_EL1); break;
	case 4: t_sw(g, cpu, 2, GIC_ICC_EOIR1_EL1, rnd(2) ? spi : ppi); break;
	case 5: t_sw(g, cpu, 2, GIC_ICC_PMR_EL1, rnd(256)); break;
	case 6: t_wr(g, GIC_FRAME_GICD, 0, rnd(2) ? 0x104 : 0x184, 1u << (spi - 32)); break;
	case 7:
		assert_int_equal(gic_mmio_write(g, GIC_FRAME_GICD, 0, 0x6000 + 8 * spi, 8,
						rnd(4) ? (t_mpidr(cpu) & 0xffffff) : 1ull << 31),
				 GIC_OK);
		break;
	case 8: t_sw(g, cpu, 2, GIC_ICC_SGI1R_EL1, (uint64_t)rnd(16) << 24 | rnd(2) << 16 | (1 + rnd(3))); break;
	case 9:
		t_sw(g, cpu, 2, GIC_ICH_LR_EL2(rnd(4)),
		     (uint64_t)rnd(3) << 62 | 1ull << 60 | (uint64_t)(rnd(32) << 3) << 48 | (40 + rnd(4)) |
			 (rnd(4) ? 0 : 1ull << 41));
		break;
	case 10: t_sr(g, cpu, 1, GIC_ICC_IAR1_EL1); break;
	case 11: t_sw(g, cpu, 1, GIC_ICC_EOIR1_EL1, 40 + rnd(4)); break;
	case 12: t_sw(g, cpu, 2, GIC_ICH_HCR_EL2, rnd(8) ? 1 | (rnd(16) << 1) : 0); break;
	case 13: t_sw(g, cpu, 2, GIC_ICC_IGRPEN1_EL1, rnd(8) != 0); break;
	case 14: t_wr(g, GIC_FRAME_GICD, 0, rnd(2) ? 0x204 : 0x284, 1u << (spi - 32)); break;
	case 15: t_wr(g, GIC_FRAME_GICD, 0, rnd(2) ? 0x304 : 0x384, 1u << (spi - 32)); break;
	case 16: t_wr(g, GIC_FRAME_GICD, 0, 0xc08, rnd(0x10000) & 0xaaaa); break;
	case 17:
		assert_int_equal(gic_mmio_write(g, rnd(2) ? GIC_FRAME_GICD : GIC_FRAME_GICR_SGI, cpu,
						0x400 + (rnd(2) ? spi : ppi), 1, rnd(32) << 3),
				 GIC_OK);
		break;
	case 18: t_wr(g, GIC_FRAME_GICR_SGI, cpu, rnd(2) ? 0x100 : 0x180, 1u << rnd(32)); break;
	case 19: t_wr(g, GIC_FRAME_GICR_RD, cpu, 0x14, rnd(16) ? 0 : 2); break;
	}
}

static void test_lines_always_match_the_registers_and_every_change_is_reported(void **state)
{
	struct gic *g = t_gic(GIC_V3);
	bool irq[T_NCPUS] = { false }, virq[T_NCPUS] = { false };
	unsigned seen[T_NCPUS] = { 0 };

	(void)state;
	for (unsigned c = 0; c < T_NCPUS; c++) {
		t_v3_up(g, c);
		for (unsigned i = 0; i < 32; i++)
			t_v3_irq(g, c, i, 1, (uint8_t)(rnd(32) << 3));
		t_sw(g, c, 2, GIC_ICH_VMCR_EL2, 0xffu << 24 | 2);
		gic_set_virtual(g, c, true);
	}
	for (unsigned i = 32; i < 40; i++)
		t_v3_irq(g, rnd(T_NCPUS), i, 1, (uint8_t)(rnd(32) << 3));
	t_wr(g, GIC_FRAME_GICD, 0, 0xc08, 0xa0a0); /* some SPIs edge-triggered */
	for (unsigned c = 0; c < T_NCPUS; c++)
		seen[c] = t_changes[c], irq[c] = gic_irq_line(g, c), virq[c] = gic_virq_line(g, c);
	for (unsigned s = 0; s < STEPS; s++) {
		step(g);
		for (unsigned c = 0; c < T_NCPUS; c++) {
			bool i = gic_irq_line(g, c), v = gic_virq_line(g, c);

			if (i != expected_irq(g, c) || v != expected_virq(g, c))
				fail_msg("step %u cpu %u: irq %d virq %d", s, c, i, v);
			if ((i != irq[c] || v != virq[c]) && t_changes[c] == seen[c])
				fail_msg("step %u cpu %u: a line moved without lines_changed", s, c);
			irq[c] = i, virq[c] = v, seen[c] = t_changes[c];
		}
	}
	gic_destroy(g);
}

/* --- GICv2: the same check over banked registers, ITARGETSR masks and per-source SGIs --- */

static unsigned ref_hppi_v2(struct gic *g, unsigned cpu)
{
	uint32_t on[2], pend[2], act[2];
	unsigned best = 1023, best_prio = 0x100;

	if (!(t_rd(g, GIC_FRAME_GICD, cpu, 0) & 1) || !(t_rd(g, GIC_FRAME_GICC, cpu, 0) & 1))
		return 1023;
	for (unsigned r = 0; r < 2; r++) {
		on[r] = t_rd(g, GIC_FRAME_GICD, cpu, 0x100 + 4 * r);
		pend[r] = t_rd(g, GIC_FRAME_GICD, cpu, 0x200 + 4 * r);
		act[r] = t_rd(g, GIC_FRAME_GICD, cpu, 0x300 + 4 * r);
	}
	for (unsigned id = 0; id < 64; id++) {
		uint64_t p = 0, tgt = 0;

		if (!(on[id / 32] >> (id % 32) & 1) || !(pend[id / 32] >> (id % 32) & 1) ||
		    (act[id / 32] >> (id % 32) & 1))
			continue;
		assert_int_equal(gic_mmio_read(g, GIC_FRAME_GICD, cpu, 0x400 + id, 1, &p), GIC_OK);
		assert_int_equal(gic_mmio_read(g, GIC_FRAME_GICD, cpu, 0x800 + id, 1, &tgt), GIC_OK);
		if (p >= best_prio || !(tgt & (1u << cpu)))
			continue;
		best = id;
		best_prio = (unsigned)p;
	}
	return best;
}

static void step_v2(struct gic *g)
{
	unsigned cpu = rnd(T_NCPUS);
	unsigned spi = 32 + rnd(8);
	unsigned ppi = 16 + rnd(16);
	uint32_t iar;

	switch (rnd(12)) {
	case 0: gic_set_line(g, cpu, spi, rnd(2)); break;
	case 1: gic_set_line(g, cpu, ppi, rnd(2)); break;
	case 2: gic_pulse(g, cpu, spi); break;
	case 3:
		iar = t_rd(g, GIC_FRAME_GICC, cpu, 0x0c);
		if (rnd(4))
			t_wr(g, GIC_FRAME_GICC, cpu, 0x10, iar);
		break;
	case 4: t_wr(g, GIC_FRAME_GICC, cpu, 0x10, rnd(64) | rnd(4) << 10); break;
	case 5: t_wr(g, GIC_FRAME_GICC, cpu, 0x04, rnd(256)); break;
	case 6: t_wr(g, GIC_FRAME_GICD, cpu, 0x100 + 4 * rnd(2) + 0x80 * rnd(2), 1u << rnd(32)); break;
	case 7: assert_int_equal(gic_mmio_write(g, GIC_FRAME_GICD, cpu, 0x800 + spi, 1, rnd(16)), GIC_OK); break;
	case 8: t_wr(g, GIC_FRAME_GICD, cpu, 0xf00, rnd(3) << 24 | rnd(16) << 16 | rnd(16)); break;
	case 9: t_wr(g, GIC_FRAME_GICD, cpu, 0x200 + 4 * rnd(2) + 0x80 * rnd(2), 1u << rnd(32)); break;
	case 10: t_wr(g, GIC_FRAME_GICD, cpu, 0x300 + 4 * rnd(2) + 0x80 * rnd(2), 1u << rnd(32)); break;
	case 11: t_wr(g, GIC_FRAME_GICD, cpu, 0xf10 + 0x10 * rnd(2) + 4 * rnd(4), rnd(16) << (8 * rnd(4))); break;
	}
}

static void test_v2_lines_always_match_the_registers(void **state)
{
	struct gic *g = t_gic(GIC_V2);
	bool irq[T_NCPUS] = { false };
	unsigned seen[T_NCPUS] = { 0 };

	(void)state;
	t_wr(g, GIC_FRAME_GICD, 0, 0, 1);
	for (unsigned c = 0; c < T_NCPUS; c++) {
		t_wr(g, GIC_FRAME_GICC, c, 0x00, 1);
		t_wr(g, GIC_FRAME_GICC, c, 0x04, 0xff);
		for (unsigned i = 0; i < 32; i++)
			assert_int_equal(gic_mmio_write(g, GIC_FRAME_GICD, c, 0x400 + i, 1, rnd(32) << 3), GIC_OK);
		t_wr(g, GIC_FRAME_GICD, c, 0x100, 0xffffffff);
	}
	for (unsigned i = 32; i < 40; i++) {
		assert_int_equal(gic_mmio_write(g, GIC_FRAME_GICD, 0, 0x400 + i, 1, rnd(32) << 3), GIC_OK);
		assert_int_equal(gic_mmio_write(g, GIC_FRAME_GICD, 0, 0x800 + i, 1, 1 + rnd(15)), GIC_OK);
	}
	t_wr(g, GIC_FRAME_GICD, 0, 0x104, 0xff);
	t_wr(g, GIC_FRAME_GICD, 0, 0xc08, 0xa0a0);
	for (unsigned s = 0; s < STEPS; s++) {
		step_v2(g);
		for (unsigned c = 0; c < T_NCPUS; c++) {
			bool i = gic_irq_line(g, c);
			unsigned id = ref_hppi_v2(g, c);
			bool want = false;

			assert_int_equal(t_rd(g, GIC_FRAME_GICC, c, 0x18) & 0x3ff, id);
			if (id != 1023) {
				uint64_t p = 0;

				assert_int_equal(gic_mmio_read(g, GIC_FRAME_GICD, c, 0x400 + id, 1, &p), GIC_OK);
				want = p < t_rd(g, GIC_FRAME_GICC, c, 0x04) && p < t_rd(g, GIC_FRAME_GICC, c, 0x14);
			}
			if (i != want)
				fail_msg("v2 step %u cpu %u: irq %d", s, c, i);
			if (i != irq[c] && t_changes[c] == seen[c])
				fail_msg("v2 step %u cpu %u: a line moved without lines_changed", s, c);
			irq[c] = i, seen[c] = t_changes[c];
		}
	}
	gic_destroy(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_always_match_the_registers_and_every_change_is_reported),
		cmocka_unit_test(test_v2_lines_always_match_the_registers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
