/* The v3 physical CPU interface over the interrupt state machine: state transitions, priority masking,
 * preemption, binary points, EOImode and the ICC_* registers themselves (IHI 0069, chapters 4 and 12.2). */
#include "gic_testlib.h"

#define D   GIC_FRAME_GICD
#define SGI GIC_FRAME_GICR_SGI

static int setup(void **state)
{
	struct gic *g = t_gic(GIC_V3);

	for (unsigned c = 0; c < T_NCPUS; c++)
		t_v3_up(g, c);
	*state = g;
	return 0;
}

static uint64_t iar1(struct gic *g, unsigned cpu) { return t_sr(g, cpu, 2, GIC_ICC_IAR1_EL1); }

static void eoi1(struct gic *g, unsigned cpu, uint64_t intid) { t_sw(g, cpu, 2, GIC_ICC_EOIR1_EL1, intid); }

/* --- state transitions --- */

static void test_edge_spi_goes_pending_active_inactive(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 1, 0x80);
	t_wr(g, D, 0, 0xc08, 2u << 16); /* INTID 40 edge */
	assert_false(gic_irq_line(g, 0));
	gic_pulse(g, 0, 40);
	assert_true(gic_irq_is_pending(g, 0, 40));
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 40);
	assert_false(gic_irq_is_pending(g, 0, 40));
	assert_true(gic_irq_is_active(g, 0, 40));
	assert_false(gic_irq_line(g, 0));
	eoi1(g, 0, 40);
	assert_false(gic_irq_is_active(g, 0, 40));
	assert_int_equal(iar1(g, 0), 1023);
}

static void test_edge_while_active_becomes_active_and_pending_then_pending(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 1, 0x80);
	t_wr(g, D, 0, 0xc08, 2u << 16);
	gic_pulse(g, 0, 40);
	assert_int_equal(iar1(g, 0), 40);
	gic_pulse(g, 0, 40);
	assert_true(gic_irq_is_active(g, 0, 40));
	assert_true(gic_irq_is_pending(g, 0, 40));
	assert_false(gic_irq_line(g, 0)); /* an active interrupt is not signalled again */
	eoi1(g, 0, 40);
	assert_false(gic_irq_is_active(g, 0, 40));
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 40);
}

static void test_level_spi_held_high_repends_on_deactivation(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 41, 1, 0x80);
	gic_set_line(g, 0, 41, true);
	assert_int_equal(iar1(g, 0), 41);
	assert_true(gic_irq_is_active(g, 0, 41));
	assert_true(gic_irq_is_pending(g, 0, 41)); /* active and pending while the line is high */
	eoi1(g, 0, 41);
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 41);
	gic_set_line(g, 0, 41, false);
	assert_false(gic_irq_is_pending(g, 0, 41));
	eoi1(g, 0, 41);
	assert_false(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 1023);
}

static void test_level_spi_lowered_before_eoi_ends_inactive(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 41, 1, 0x80);
	gic_set_line(g, 0, 41, true);
	assert_int_equal(iar1(g, 0), 41);
	gic_set_line(g, 0, 41, false);
	eoi1(g, 0, 41);
	assert_false(gic_irq_is_active(g, 0, 41));
	assert_false(gic_irq_is_pending(g, 0, 41));
}

static void test_level_pulse_without_latch_leaves_nothing_pending(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 42, 1, 0x80);
	gic_pulse(g, 0, 42);
	assert_false(gic_irq_is_pending(g, 0, 42));
	assert_int_equal(iar1(g, 0), 1023);
}

static void test_ispendr_on_level_interrupt_is_cleared_by_acknowledge(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 42, 1, 0x80);
	t_wr(g, D, 0, 0x204, 1u << 10);
	assert_int_equal(iar1(g, 0), 42);
	assert_false(gic_irq_is_pending(g, 0, 42));
	eoi1(g, 0, 42);
	assert_int_equal(iar1(g, 0), 1023);
}

static void test_disabled_or_group_disabled_interrupts_are_not_signalled(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 43, 1, 0x80);
	t_wr(g, D, 0, 0x184, 1u << 11);
	gic_set_line(g, 0, 43, true);
	assert_true(gic_irq_is_pending(g, 0, 43));
	assert_false(gic_irq_line(g, 0));
	t_wr(g, D, 0, 0x104, 1u << 11);
	assert_true(gic_irq_line(g, 0));
	t_wr(g, D, 0, 0x0, 1); /* distributor Group 1 off */
	assert_false(gic_irq_line(g, 0));
	t_wr(g, D, 0, 0x0, 3);
	t_sw(g, 0, 2, GIC_ICC_IGRPEN1_EL1, 0);
	assert_false(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 1023);
}

static void test_ppis_are_banked_per_cpu(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 1, 27, 1, 0x80);
	gic_set_line(g, 1, 27, true);
	gic_set_line(g, 0, 27, true);
	assert_true(gic_irq_line(g, 1));
	assert_false(gic_irq_line(g, 0)); /* CPU 0's PPI 27 is not enabled */
	assert_int_equal(iar1(g, 1), 27);
	assert_int_equal(iar1(g, 0), 1023);
}

static void test_input_lines_ignore_sgis_and_missing_intids(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 3, 1, 0x80);
	gic_set_line(g, 0, 3, true);
	gic_pulse(g, 0, 3);
	gic_set_line(g, 0, 500, true);
	gic_set_line(g, 9, 20, true);
	assert_false(gic_irq_is_pending(g, 0, 3));
	assert_false(gic_irq_line(g, 0));
}

/* --- priority --- */

static void test_iar_takes_highest_priority_then_lowest_intid(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 50, 1, 0x80);
	t_v3_irq(g, 0, 45, 1, 0x80);
	t_v3_irq(g, 0, 60, 1, 0x40);
	gic_set_line(g, 0, 50, true);
	gic_set_line(g, 0, 45, true);
	gic_set_line(g, 0, 60, true);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_HPPIR1_EL1), 60);
	assert_int_equal(iar1(g, 0), 60);
	t_sw(g, 0, 2, GIC_ICC_PMR_EL1, 0);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_HPPIR1_EL1), 45); /* HPPIR ignores the mask */
	t_sw(g, 0, 2, GIC_ICC_PMR_EL1, 0xff);
	eoi1(g, 0, 60);
	gic_set_line(g, 0, 60, false);
	assert_int_equal(iar1(g, 0), 45);
	eoi1(g, 0, 45);
	gic_set_line(g, 0, 45, false);
	assert_int_equal(iar1(g, 0), 50);
}

static void test_pmr_masks_equal_and_lower_priorities(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 1, 0x80);
	gic_set_line(g, 0, 40, true);
	t_sw(g, 0, 2, GIC_ICC_PMR_EL1, 0x80);
	assert_false(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 1023);
	assert_false(gic_irq_is_active(g, 0, 40));
	t_sw(g, 0, 2, GIC_ICC_PMR_EL1, 0x88);
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 40);
}

static void test_pmr_keeps_the_implemented_priority_bits(void **state)
{
	t_sw(*state, 0, 2, GIC_ICC_PMR_EL1, 0xff);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_PMR_EL1), 0xf8);
	t_sw(*state, 0, 2, GIC_ICC_PMR_EL1, 0x17);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_PMR_EL1), 0x10);
}

static void test_running_priority_blocks_equal_and_admits_higher_priority(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 1, 0x80);
	t_v3_irq(g, 0, 41, 1, 0x80);
	t_v3_irq(g, 0, 42, 1, 0x40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0xff);
	gic_set_line(g, 0, 40, true);
	assert_int_equal(iar1(g, 0), 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0x80);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_AP1R0_EL1), 1u << (0x80 >> 3));
	gic_set_line(g, 0, 41, true);
	assert_false(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 1023);
	gic_set_line(g, 0, 42, true);
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 42);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0x40);
	eoi1(g, 0, 42);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0x80);
	eoi1(g, 0, 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0xff);
	assert_true(gic_irq_line(g, 0)); /* 41 now beats the idle priority */
}

static void test_binary_point_decides_preemption_by_group_priority(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 1, 0x40);
	t_v3_irq(g, 0, 41, 1, 0x20);
	/* BPR1 7: group priority [7:7], so 0x40 runs at group priority 0 and 0x20 cannot preempt. */
	t_sw(g, 0, 2, GIC_ICC_BPR1_EL1, 7);
	gic_set_line(g, 0, 40, true);
	assert_int_equal(iar1(g, 0), 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0);
	gic_set_line(g, 0, 41, true);
	assert_false(gic_irq_line(g, 0));
	eoi1(g, 0, 40);
	gic_set_line(g, 0, 40, false);
	assert_int_equal(iar1(g, 0), 41);
	eoi1(g, 0, 41);
	gic_set_line(g, 0, 41, false);
	/* BPR1 3 (the minimum): [7:3], 0x20 preempts 0x40. */
	t_sw(g, 0, 2, GIC_ICC_BPR1_EL1, 3);
	gic_set_line(g, 0, 40, true);
	assert_int_equal(iar1(g, 0), 40);
	gic_set_line(g, 0, 41, true);
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(iar1(g, 0), 41);
}

static void test_bpr_writes_clamp_to_the_minimum(void **state)
{
	t_sw(*state, 0, 2, GIC_ICC_BPR0_EL1, 0);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_BPR0_EL1), 2);
	t_sw(*state, 0, 2, GIC_ICC_BPR1_EL1, 1);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_BPR1_EL1), 3);
	t_sw(*state, 0, 2, GIC_ICC_BPR0_EL1, 5);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_BPR0_EL1), 5);
}

static void test_cbpr_makes_bpr1_read_bpr0_plus_one_and_ignore_writes(void **state)
{
	t_sw(*state, 0, 2, GIC_ICC_BPR1_EL1, 6);
	t_sw(*state, 0, 2, GIC_ICC_BPR0_EL1, 4);
	t_sw(*state, 0, 2, GIC_ICC_CTLR_EL1, 1);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_BPR1_EL1), 5);
	t_sw(*state, 0, 2, GIC_ICC_BPR1_EL1, 3);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_BPR1_EL1), 5);
	t_sw(*state, 0, 2, GIC_ICC_CTLR_EL1, 0);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_BPR1_EL1), 6);
}

static void test_cbpr_gives_group1_the_group0_binary_point_for_preemption(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 1, 0x40);
	t_v3_irq(g, 0, 41, 1, 0x20);
	/* With CBPR, Group 1 preempts by BPR0 (BPR1 at its minimum is ignored): BPR0 7 makes every
	 * priority group priority 0, so nothing preempts; BPR0 5 keeps [7:6], so 0x20 preempts 0x40. */
	t_sw(g, 0, 2, GIC_ICC_BPR1_EL1, 3);
	t_sw(g, 0, 2, GIC_ICC_BPR0_EL1, 7);
	t_sw(g, 0, 2, GIC_ICC_CTLR_EL1, 1);
	gic_set_line(g, 0, 40, true);
	assert_int_equal(iar1(g, 0), 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0); /* [7:8]: every priority is group 0 */
	gic_set_line(g, 0, 41, true);
	assert_false(gic_irq_line(g, 0));
	eoi1(g, 0, 40);
	gic_set_line(g, 0, 40, false);
	assert_int_equal(iar1(g, 0), 41);
	eoi1(g, 0, 41);
	gic_set_line(g, 0, 41, false);
	t_sw(g, 0, 2, GIC_ICC_BPR0_EL1, 5);
	gic_set_line(g, 0, 40, true);
	assert_int_equal(iar1(g, 0), 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0x40);
	gic_set_line(g, 0, 41, true);
	assert_int_equal(iar1(g, 0), 41);
}

/* --- EOImode and groups --- */

static void test_eoimode1_eoi_drops_priority_and_dir_deactivates(void **state)
{
	struct gic *g = *state;

	t_sw(g, 0, 2, GIC_ICC_CTLR_EL1, 2);
	t_v3_irq(g, 0, 40, 1, 0x80);
	t_v3_irq(g, 0, 41, 1, 0x80);
	t_wr(g, D, 0, 0x204, 3u << 8);
	assert_int_equal(iar1(g, 0), 40);
	eoi1(g, 0, 40);
	assert_true(gic_irq_is_active(g, 0, 40));
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0xff);
	assert_int_equal(iar1(g, 0), 41); /* dropped priority: the next one is taken while 40 stays active */
	eoi1(g, 0, 41);
	t_sw(g, 0, 2, GIC_ICC_DIR_EL1, 40);
	assert_false(gic_irq_is_active(g, 0, 40));
	assert_true(gic_irq_is_active(g, 0, 41));
}

static void test_dir_with_eoimode0_deactivates_nothing(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 1, 0x80);
	t_wr(g, D, 0, 0x204, 1u << 8);
	assert_int_equal(iar1(g, 0), 40);
	t_sw(g, 0, 2, GIC_ICC_DIR_EL1, 40);
	assert_true(gic_irq_is_active(g, 0, 40));
	eoi1(g, 0, 40);
	assert_false(gic_irq_is_active(g, 0, 40));
}

static void test_eoi_with_nothing_active_changes_nothing(void **state)
{
	struct gic *g = *state;

	t_wr(g, D, 0, 0x304, 1u << 8); /* active by ISACTIVER, never acknowledged */
	eoi1(g, 0, 40);
	assert_true(gic_irq_is_active(g, 0, 40));
	eoi1(g, 0, 1023);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0xff);
}

static void test_group0_signals_fiq_and_is_taken_by_iar0_only(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 40, 0, 0x80);
	gic_set_line(g, 0, 40, true);
	assert_true(gic_fiq_line(g, 0));
	assert_false(gic_irq_line(g, 0));
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_HPPIR1_EL1), 1023);
	assert_int_equal(iar1(g, 0), 1023);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_HPPIR0_EL1), 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_IAR0_EL1), 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_AP0R0_EL1), 1u << 16);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_AP1R0_EL1), 0);
	t_sw(g, 0, 2, GIC_ICC_EOIR0_EL1, 40);
	assert_false(gic_irq_is_active(g, 0, 40));
}

static void test_lines_changed_is_called_when_a_line_moves_only(void **state)
{
	struct gic *g = *state;
	unsigned before;

	t_v3_irq(g, 2, 40, 1, 0x80);
	before = t_changes[2];
	gic_set_line(g, 0, 40, true);
	assert_int_equal(t_changes[2], before + 1);
	gic_set_line(g, 0, 40, true);
	t_sw(g, 2, 2, GIC_ICC_PMR_EL1, 0xf0);
	assert_int_equal(t_changes[2], before + 1);
	assert_int_equal(t_changes[0], 0);
	t_sw(g, 2, 2, GIC_ICC_PMR_EL1, 0);
	assert_int_equal(t_changes[2], before + 2);
	assert_false(gic_irq_line(g, 2));
}

/* --- the registers themselves --- */

static void test_ctlr_reports_priority_bits_and_keeps_cbpr_and_eoimode(void **state)
{
	uint64_t v = t_sr(*state, 0, 2, GIC_ICC_CTLR_EL1);

	assert_int_equal((v >> 8) & 7, 4);  /* PRIbits: 5 bits */
	assert_int_equal((v >> 11) & 7, 0); /* IDbits: 16 */
	assert_true(v & (1u << 15));        /* A3V */
	t_sw(*state, 0, 2, GIC_ICC_CTLR_EL1, ~0ull);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_CTLR_EL1), v | 3);
}

static void test_sre_reads_as_the_system_register_interface_always_on(void **state)
{
	t_sw(*state, 0, 1, GIC_ICC_SRE_EL1, 0);
	assert_int_equal(t_sr(*state, 0, 1, GIC_ICC_SRE_EL1), 7);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICC_SRE_EL2), 0xf);
}

static void test_wrong_direction_and_missing_registers_are_undefined(void **state)
{
	uint64_t v;
	static const enum gic_sysreg wo[] = { GIC_ICC_EOIR0_EL1, GIC_ICC_EOIR1_EL1, GIC_ICC_DIR_EL1,
					      GIC_ICC_SGI0R_EL1, GIC_ICC_SGI1R_EL1, GIC_ICC_ASGI1R_EL1 };
	static const enum gic_sysreg ro[] = { GIC_ICC_IAR0_EL1, GIC_ICC_IAR1_EL1, GIC_ICC_HPPIR0_EL1,
					      GIC_ICC_HPPIR1_EL1, GIC_ICC_RPR_EL1 };

	for (unsigned i = 0; i < sizeof(wo) / sizeof(wo[0]); i++)
		assert_int_equal(gic_sysreg_read(*state, 0, 2, wo[i], &v), GIC_UNDEFINED);
	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		assert_int_equal(gic_sysreg_write(*state, 0, 2, ro[i], 0), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, 0, 2, GIC_ICC_AP0R1_EL1, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_write(*state, 0, 2, GIC_ICC_AP1R3_EL1, 0), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, 0, 1, GIC_ICH_HCR_EL2, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, 0, 1, GIC_ICC_SRE_EL2, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, 0, 3, GIC_ICC_PMR_EL1, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, T_NCPUS, 2, GIC_ICC_PMR_EL1, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, 0, 2, GIC_SYSREG_COUNT, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, 0, 2, GIC_SYSREG_NONE, &v), GIC_UNDEFINED);
}

static void test_sysregs_of_a_gicv2_are_undefined(void **state)
{
	struct gic *g = t_gic(GIC_V2);
	uint64_t v;

	(void)state;
	assert_int_equal(gic_sysreg_read(g, 0, 2, GIC_ICC_PMR_EL1, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(g, 0, 2, GIC_ICH_VTR_EL2, &v), GIC_UNDEFINED);
	gic_destroy(g);
}

static void test_sysreg_decode_names_the_architectural_encodings(void **state)
{
	static const struct {
		unsigned op0, op1, crn, crm, op2;
		enum gic_sysreg reg;
	} enc[] = {
		{ 3, 0, 4, 6, 0, GIC_ICC_PMR_EL1 },       { 3, 0, 12, 8, 0, GIC_ICC_IAR0_EL1 },
		{ 3, 0, 12, 8, 1, GIC_ICC_EOIR0_EL1 },    { 3, 0, 12, 8, 2, GIC_ICC_HPPIR0_EL1 },
		{ 3, 0, 12, 8, 3, GIC_ICC_BPR0_EL1 },     { 3, 0, 12, 8, 4, GIC_ICC_AP0R0_EL1 },
		{ 3, 0, 12, 8, 7, GIC_ICC_AP0R3_EL1 },    { 3, 0, 12, 9, 0, GIC_ICC_AP1R0_EL1 },
		{ 3, 0, 12, 9, 3, GIC_ICC_AP1R3_EL1 },    { 3, 0, 12, 11, 1, GIC_ICC_DIR_EL1 },
		{ 3, 0, 12, 11, 3, GIC_ICC_RPR_EL1 },     { 3, 0, 12, 11, 5, GIC_ICC_SGI1R_EL1 },
		{ 3, 0, 12, 11, 6, GIC_ICC_ASGI1R_EL1 },  { 3, 0, 12, 11, 7, GIC_ICC_SGI0R_EL1 },
		{ 3, 0, 12, 12, 0, GIC_ICC_IAR1_EL1 },    { 3, 0, 12, 12, 1, GIC_ICC_EOIR1_EL1 },
		{ 3, 0, 12, 12, 2, GIC_ICC_HPPIR1_EL1 },  { 3, 0, 12, 12, 3, GIC_ICC_BPR1_EL1 },
		{ 3, 0, 12, 12, 4, GIC_ICC_CTLR_EL1 },    { 3, 0, 12, 12, 5, GIC_ICC_SRE_EL1 },
		{ 3, 0, 12, 12, 6, GIC_ICC_IGRPEN0_EL1 }, { 3, 0, 12, 12, 7, GIC_ICC_IGRPEN1_EL1 },
		{ 3, 4, 12, 9, 5, GIC_ICC_SRE_EL2 },      { 3, 4, 12, 8, 0, GIC_ICH_AP0R0_EL2 },
		{ 3, 4, 12, 8, 3, GIC_ICH_AP0R3_EL2 },    { 3, 4, 12, 9, 0, GIC_ICH_AP1R0_EL2 },
		{ 3, 4, 12, 9, 3, GIC_ICH_AP1R3_EL2 },    { 3, 4, 12, 11, 0, GIC_ICH_HCR_EL2 },
		{ 3, 4, 12, 11, 1, GIC_ICH_VTR_EL2 },     { 3, 4, 12, 11, 2, GIC_ICH_MISR_EL2 },
		{ 3, 4, 12, 11, 3, GIC_ICH_EISR_EL2 },    { 3, 4, 12, 11, 5, GIC_ICH_ELRSR_EL2 },
		{ 3, 4, 12, 11, 7, GIC_ICH_VMCR_EL2 },    { 3, 4, 12, 12, 0, GIC_ICH_LR0_EL2 },
		{ 3, 4, 12, 12, 7, GIC_ICH_LR_EL2(7) },   { 3, 4, 12, 13, 0, GIC_ICH_LR_EL2(8) },
		{ 3, 4, 12, 13, 7, GIC_ICH_LR15_EL2 },    { 3, 0, 12, 11, 0, GIC_SYSREG_NONE },
		{ 3, 0, 12, 10, 0, GIC_SYSREG_NONE },     { 3, 4, 12, 9, 4, GIC_SYSREG_NONE },
		{ 3, 4, 12, 11, 4, GIC_SYSREG_NONE },     { 3, 1, 12, 12, 0, GIC_SYSREG_NONE },
		{ 2, 0, 12, 12, 0, GIC_SYSREG_NONE },     { 3, 0, 4, 6, 1, GIC_SYSREG_NONE },
		{ 3, 0, 12, 12, 8, GIC_SYSREG_NONE },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(enc) / sizeof(enc[0]); i++)
		assert_int_equal(gic_sysreg_decode(enc[i].op0, enc[i].op1, enc[i].crn, enc[i].crm, enc[i].op2),
				 enc[i].reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, t_teardown)
		T(test_edge_spi_goes_pending_active_inactive),
		T(test_edge_while_active_becomes_active_and_pending_then_pending),
		T(test_level_spi_held_high_repends_on_deactivation),
		T(test_level_spi_lowered_before_eoi_ends_inactive),
		T(test_level_pulse_without_latch_leaves_nothing_pending),
		T(test_ispendr_on_level_interrupt_is_cleared_by_acknowledge),
		T(test_disabled_or_group_disabled_interrupts_are_not_signalled),
		T(test_ppis_are_banked_per_cpu),
		T(test_input_lines_ignore_sgis_and_missing_intids),
		T(test_iar_takes_highest_priority_then_lowest_intid),
		T(test_pmr_masks_equal_and_lower_priorities),
		T(test_pmr_keeps_the_implemented_priority_bits),
		T(test_running_priority_blocks_equal_and_admits_higher_priority),
		T(test_binary_point_decides_preemption_by_group_priority),
		T(test_bpr_writes_clamp_to_the_minimum),
		T(test_cbpr_makes_bpr1_read_bpr0_plus_one_and_ignore_writes),
		T(test_cbpr_gives_group1_the_group0_binary_point_for_preemption),
		T(test_eoimode1_eoi_drops_priority_and_dir_deactivates),
		T(test_dir_with_eoimode0_deactivates_nothing),
		T(test_eoi_with_nothing_active_changes_nothing),
		T(test_group0_signals_fiq_and_is_taken_by_iar0_only),
		T(test_lines_changed_is_called_when_a_line_moves_only),
		T(test_ctlr_reports_priority_bits_and_keeps_cbpr_and_eoimode),
		T(test_sre_reads_as_the_system_register_interface_always_on),
		T(test_wrong_direction_and_missing_registers_are_undefined),
		T(test_sysregs_of_a_gicv2_are_undefined),
		T(test_sysreg_decode_names_the_architectural_encodings),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
