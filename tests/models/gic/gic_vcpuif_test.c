/* The v3 virtual CPU interface: list registers as ICV_* sees them, virtual priority and active
 * priorities, EOI/DIR with HW deactivation, ELRSR/EISR and every maintenance condition (IHI 0069,
 * chapter 6 and 12.4). */
#include "gic_testlib.h"

#define LR_HW      (1ull << 61)
#define LR_GROUP1  (1ull << 60)
#define LR_EOI     (1ull << 41)
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE  (2ull << 62)
#define LR_STATE   (3ull << 62)

static uint64_t lr(unsigned vintid, uint8_t prio, uint64_t flags) { return vintid | (uint64_t)prio << 48 | flags; }

/* CPU 0 runs a guest: virtual interface enabled, VENG1 set, VPMR open. */
static int setup(void **state)
{
	struct gic *g = t_gic(GIC_V3);

	t_v3_up(g, 0);
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1);
	t_sw(g, 0, 2, GIC_ICH_VMCR_EL2, 0xffu << 24 | 3);
	gic_set_virtual(g, 0, true);
	*state = g;
	return 0;
}

static void set_lr(struct gic *g, unsigned n, uint64_t v) { t_sw(g, 0, 2, GIC_ICH_LR_EL2(n), v); }

static uint64_t get_lr(struct gic *g, unsigned n) { return t_sr(g, 0, 2, GIC_ICH_LR_EL2(n)); }

static uint64_t viar1(struct gic *g) { return t_sr(g, 0, 1, GIC_ICC_IAR1_EL1); }

static void veoi1(struct gic *g, uint64_t intid) { t_sw(g, 0, 1, GIC_ICC_EOIR1_EL1, intid); }

static uint64_t misr(struct gic *g) { return t_sr(g, 0, 2, GIC_ICH_MISR_EL2); }

static void test_vtr_reports_list_registers_and_priority_bits(void **state)
{
	uint64_t vtr = t_sr(*state, 0, 2, GIC_ICH_VTR_EL2);

	assert_int_equal(vtr & 0x1f, 3);      /* 4 LRs */
	assert_int_equal((vtr >> 29) & 7, 4); /* PRIbits: 5 */
	assert_int_equal((vtr >> 26) & 7, 4); /* PREbits: 5 */
	assert_int_equal((vtr >> 23) & 7, 0); /* IDbits: 16 */
	assert_true(vtr & (1u << 21));        /* A3V */
	assert_int_equal(gic_sysreg_write(*state, 0, 2, GIC_ICH_VTR_EL2, 0), GIC_UNDEFINED);
}

static void test_lrs_past_the_implemented_ones_are_undefined(void **state)
{
	uint64_t v;

	assert_int_equal(gic_sysreg_read(*state, 0, 2, GIC_ICH_LR_EL2(4), &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_write(*state, 0, 2, GIC_ICH_LR15_EL2, 0), GIC_UNDEFINED);
}

static void test_lr_drops_unimplemented_priority_and_res0_bits(void **state)
{
	set_lr(*state, 0, ~0ull);
	assert_int_equal(get_lr(*state, 0), ~0ull & ~(7ull << 45) & ~(0xfull << 56) & ~(7ull << 48));
	set_lr(*state, 1, lr(1000, 0x90, LR_GROUP1 | LR_PENDING | LR_HW | 40ull << 32));
	assert_int_equal(get_lr(*state, 1), lr(1000, 0x90, LR_GROUP1 | LR_PENDING | LR_HW | 40ull << 32));
}

static void test_virq_needs_hcr_en_veng1_and_the_vpmr(void **state)
{
	struct gic *g = *state;

	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	assert_true(gic_virq_line(g, 0));
	assert_false(gic_irq_line(g, 0)); /* the physical line is the maintenance/physical world's */
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 0);
	assert_false(gic_virq_line(g, 0));
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1);
	t_sw(g, 0, 2, GIC_ICH_VMCR_EL2, 0xffu << 24 | 1);
	assert_false(gic_virq_line(g, 0));
	t_sw(g, 0, 2, GIC_ICH_VMCR_EL2, 0x80u << 24 | 3);
	assert_false(gic_virq_line(g, 0));
	t_sw(g, 0, 2, GIC_ICH_VMCR_EL2, 0x88u << 24 | 3);
	assert_true(gic_virq_line(g, 0));
	assert_false(gic_vfiq_line(g, 0));
}

static void test_group0_lr_raises_vfiq_and_is_taken_by_iar0(void **state)
{
	struct gic *g = *state;

	set_lr(g, 2, lr(33, 0x80, LR_PENDING));
	assert_true(gic_vfiq_line(g, 0));
	assert_false(gic_virq_line(g, 0));
	assert_int_equal(viar1(g), 1023);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_IAR0_EL1), 33);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_AP0R0_EL1), 1u << 16);
	t_sw(g, 0, 1, GIC_ICC_EOIR0_EL1, 33);
	assert_int_equal(get_lr(g, 2) & LR_STATE, 0);
}

static void test_icv_iar1_acknowledges_the_highest_priority_pending_lr(void **state)
{
	struct gic *g = *state;

	set_lr(g, 0, lr(40, 0xa0, LR_GROUP1 | LR_PENDING));
	set_lr(g, 1, lr(41, 0x60, LR_GROUP1 | LR_PENDING));
	set_lr(g, 2, lr(42, 0x20, LR_GROUP1 | LR_ACTIVE | LR_PENDING)); /* active and pending: not offered */
	set_lr(g, 3, lr(43, 0x60, LR_GROUP1 | LR_PENDING));
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_HPPIR1_EL1), 41);
	assert_int_equal(viar1(g), 41);
	assert_int_equal(get_lr(g, 1) & LR_STATE, LR_ACTIVE);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_RPR_EL1), 0x60);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_AP1R0_EL2), 1u << (0x60 >> 3));
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_AP1R0_EL1), 1u << (0x60 >> 3));
	/* 43 has the same priority: it waits for the running priority to drop. */
	assert_false(gic_virq_line(g, 0));
	assert_int_equal(viar1(g), 1023);
	veoi1(g, 41);
	assert_int_equal(get_lr(g, 1) & LR_STATE, 0);
	assert_int_equal(viar1(g), 43);
	/* The physical interface saw none of this. */
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_RPR_EL1), 0xff);
}

static void test_icc_at_el1_is_physical_unless_virtual(void **state)
{
	struct gic *g = *state;

	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	gic_set_virtual(g, 0, false);
	assert_false(gic_virtual(g, 0));
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_IAR1_EL1), 1023);
	assert_int_equal(get_lr(g, 0) & LR_STATE, LR_PENDING);
	gic_set_virtual(g, 0, true);
	assert_true(gic_virtual(g, 0));
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_IAR1_EL1), 1023); /* EL2 is never virtual */
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_IAR1_EL1), 40);
}

static void test_sgi_generation_from_a_guest_traps_to_el2(void **state)
{
	assert_int_equal(gic_sysreg_write(*state, 0, 1, GIC_ICC_SGI1R_EL1, 1), GIC_TRAP_EL2);
	assert_int_equal(gic_sysreg_write(*state, 0, 1, GIC_ICC_SGI0R_EL1, 1), GIC_TRAP_EL2);
	assert_int_equal(gic_sysreg_write(*state, 0, 1, GIC_ICC_ASGI1R_EL1, 1), GIC_TRAP_EL2);
	assert_false(gic_irq_is_pending(*state, 0, 0));
}

static void test_icv_pmr_bpr_igrpen_and_ctlr_are_views_of_vmcr(void **state)
{
	struct gic *g = *state;
	uint64_t ctlr;

	t_sw(g, 0, 1, GIC_ICC_PMR_EL1, 0xff);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_VMCR_EL2) >> 24, 0xf8);
	t_sw(g, 0, 1, GIC_ICC_BPR0_EL1, 0);
	t_sw(g, 0, 1, GIC_ICC_BPR1_EL1, 6);
	assert_int_equal((t_sr(g, 0, 2, GIC_ICH_VMCR_EL2) >> 21) & 7, 2);
	assert_int_equal((t_sr(g, 0, 2, GIC_ICH_VMCR_EL2) >> 18) & 7, 6);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_BPR0_EL1), 2);
	t_sw(g, 0, 1, GIC_ICC_IGRPEN1_EL1, 0);
	assert_false(t_sr(g, 0, 2, GIC_ICH_VMCR_EL2) & 2);
	assert_true(t_sr(g, 0, 2, GIC_ICH_VMCR_EL2) & 1);
	t_sw(g, 0, 1, GIC_ICC_CTLR_EL1, 3);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_VMCR_EL2) & (1u << 9 | 1u << 4), 1u << 9 | 1u << 4);
	ctlr = t_sr(g, 0, 1, GIC_ICC_CTLR_EL1);
	assert_int_equal(ctlr & 3, 3);
	assert_int_equal((ctlr >> 8) & 7, 4);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_BPR1_EL1), 3); /* VCBPR: VBPR0 + 1 */
	/* The physical registers did not move. */
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_PMR_EL1), 0xf8);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_CTLR_EL1) & 3, 0);
}

static void test_vmcr_reset_has_minimum_binary_points_and_vfiqen(void **state)
{
	struct gic *g = t_gic(GIC_V3);

	(void)state;
	assert_int_equal(t_sr(g, 1, 2, GIC_ICH_VMCR_EL2), 2u << 21 | 3u << 18 | 8);
	gic_destroy(g);
}

static void test_vmcr_clamps_binary_points_and_masks_vpmr(void **state)
{
	/* VAckCtl [2] is RES0 and VFIQEn [3] RES1 without the legacy interface. */
	t_sw(*state, 0, 2, GIC_ICH_VMCR_EL2, 0xffffffff);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICH_VMCR_EL2), 0xf8u << 24 | 7u << 21 | 7u << 18 | 0x21b);
	t_sw(*state, 0, 2, GIC_ICH_VMCR_EL2, 0);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICH_VMCR_EL2), 2u << 21 | 3u << 18 | 8);
}

static void test_veoimode0_eoi_drops_and_deactivates(void **state)
{
	struct gic *g = *state;

	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	assert_int_equal(viar1(g), 40);
	veoi1(g, 40);
	assert_int_equal(get_lr(g, 0) & LR_STATE, 0);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_AP1R0_EL2), 0);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_HCR_EL2) >> 27, 0);
}

static void test_veoimode1_eoi_only_drops_and_dir_deactivates(void **state)
{
	struct gic *g = *state;

	t_sw(g, 0, 1, GIC_ICC_CTLR_EL1, 2);
	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	assert_int_equal(viar1(g), 40);
	veoi1(g, 40);
	assert_int_equal(get_lr(g, 0) & LR_STATE, LR_ACTIVE);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_RPR_EL1), 0xff);
	t_sw(g, 0, 1, GIC_ICC_DIR_EL1, 40);
	assert_int_equal(get_lr(g, 0) & LR_STATE, 0);
}

static void test_vdir_with_veoimode0_deactivates_nothing(void **state)
{
	struct gic *g = *state;

	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	assert_int_equal(viar1(g), 40);
	t_sw(g, 0, 1, GIC_ICC_DIR_EL1, 40);
	assert_int_equal(get_lr(g, 0) & LR_STATE, LR_ACTIVE);
}

static void test_eoi_of_a_hw_lr_deactivates_the_physical_interrupt(void **state)
{
	struct gic *g = *state;

	/* The hypervisor took SPI 44 with EOImode 1 and forwarded it. */
	t_sw(g, 0, 2, GIC_ICC_CTLR_EL1, 2);
	t_v3_irq(g, 0, 44, 1, 0x80);
	gic_set_line(g, 0, 44, true);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_IAR1_EL1), 44);
	t_sw(g, 0, 2, GIC_ICC_EOIR1_EL1, 44);
	assert_true(gic_irq_is_active(g, 0, 44));
	set_lr(g, 0, lr(27, 0x80, LR_GROUP1 | LR_PENDING | LR_HW | 44ull << 32));
	assert_int_equal(viar1(g), 27);
	gic_set_line(g, 0, 44, false);
	veoi1(g, 27);
	assert_false(gic_irq_is_active(g, 0, 44));
	assert_int_equal(get_lr(g, 0) & LR_STATE, 0);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_EISR_EL2), 0); /* HW LRs never ask for EOI maintenance */
}

static void test_hw_lr_active_and_pending_deactivation_leaves_it_pending(void **state)
{
	struct gic *g = *state;

	t_wr(g, GIC_FRAME_GICD, 0, 0x304, 1u << 12); /* SPI 44 active */
	set_lr(g, 0, lr(27, 0x80, LR_GROUP1 | LR_ACTIVE | LR_PENDING | LR_HW | 44ull << 32));
	t_sw(g, 0, 2, GIC_ICH_AP1R0_EL2, 1u << 16);
	veoi1(g, 27);
	assert_int_equal(get_lr(g, 0) & LR_STATE, LR_PENDING);
	assert_false(gic_irq_is_active(g, 0, 44));
}

static void test_eoi_of_an_lr_with_the_eoi_bit_raises_eisr_and_maintenance(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 25, 1, 0x00);
	set_lr(g, 1, lr(50, 0x80, LR_GROUP1 | LR_PENDING | LR_EOI));
	assert_false(gic_irq_is_pending(g, 0, 25));
	assert_int_equal(viar1(g), 50);
	veoi1(g, 50);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_EISR_EL2), 1u << 1);
	assert_true(misr(g) & 1);
	assert_false(t_sr(g, 0, 2, GIC_ICH_ELRSR_EL2) & (1u << 1)); /* not free until the hypervisor looks */
	assert_true(gic_irq_is_pending(g, 0, 25));
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(t_sr(g, 0, 2, GIC_ICC_IAR1_EL1), 25);
	/* The hypervisor clears the LR: the maintenance PPI's level falls. */
	set_lr(g, 1, 0);
	assert_int_equal(misr(g), 0);
	assert_false(gic_irq_is_pending(g, 0, 25));
}

static void test_eoi_without_a_matching_lr_counts_in_eoicount_and_raises_lrenp(void **state)
{
	struct gic *g = *state;

	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1 | 4);
	/* An interrupt the guest acknowledged whose LR the hypervisor since reused. */
	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	assert_int_equal(viar1(g), 40);
	set_lr(g, 0, lr(41, 0x80, LR_GROUP1 | LR_PENDING));
	assert_int_equal(misr(g) & 4, 0);
	veoi1(g, 40);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_HCR_EL2) >> 27, 1);
	assert_int_equal(misr(g) & 4, 4);
	assert_true(gic_irq_is_pending(g, 0, 25));
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1 | 4); /* EOIcount back to 0 */
	assert_int_equal(misr(g) & 4, 0);
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1);
	veoi1(g, 40); /* no active priority: nothing happens */
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_HCR_EL2) >> 27, 0);
}

static void test_misr_u_when_at_most_one_lr_is_valid(void **state)
{
	struct gic *g = *state;

	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1 | 2);
	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	set_lr(g, 1, lr(41, 0x80, LR_GROUP1 | LR_ACTIVE));
	assert_int_equal(misr(g) & 2, 0);
	set_lr(g, 1, lr(41, 0x80, LR_GROUP1));
	assert_int_equal(misr(g) & 2, 2);
	set_lr(g, 0, 0);
	assert_int_equal(misr(g) & 2, 2);
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1);
	assert_int_equal(misr(g) & 2, 0);
}

static void test_misr_np_when_no_lr_is_pending(void **state)
{
	struct gic *g = *state;

	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1 | 8);
	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	assert_int_equal(misr(g) & 8, 0);
	assert_int_equal(viar1(g), 40);
	assert_int_equal(misr(g) & 8, 8);
	set_lr(g, 1, lr(41, 0x80, LR_GROUP1 | LR_ACTIVE | LR_PENDING)); /* active+pending is not pending */
	assert_int_equal(misr(g) & 8, 8);
}

static void test_misr_reports_virtual_group_enables_and_disables(void **state)
{
	struct gic *g = *state;

	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1 | 0xf0);
	t_sw(g, 0, 2, GIC_ICH_VMCR_EL2, 1); /* VENG0 only */
	assert_int_equal(misr(g) & 0xf0, 0x10 | 0x80);
	t_sw(g, 0, 2, GIC_ICH_VMCR_EL2, 2); /* VENG1 only */
	assert_int_equal(misr(g) & 0xf0, 0x20 | 0x40);
}

static void test_maintenance_interrupt_needs_hcr_en(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 25, 1, 0x00);
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 2); /* UIE, but En clear */
	assert_int_equal(misr(g), 2);
	assert_false(gic_irq_is_pending(g, 0, 25));
	assert_false(gic_irq_line(g, 0));
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 3);
	assert_true(gic_irq_is_pending(g, 0, 25));
	assert_true(gic_irq_line(g, 0));
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1);
	assert_false(gic_irq_line(g, 0));
}

static void test_elrsr_marks_free_lrs(void **state)
{
	struct gic *g = *state;

	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_ELRSR_EL2), 0xf);
	set_lr(g, 0, lr(40, 0x80, LR_GROUP1 | LR_PENDING));
	set_lr(g, 1, lr(41, 0x80, LR_GROUP1 | LR_EOI));         /* invalid, EOI maintenance owed */
	set_lr(g, 2, lr(42, 0x80, LR_GROUP1 | LR_HW | LR_EOI)); /* HW: bit 41 is pINTID's, free */
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_ELRSR_EL2), 0xc);
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_EISR_EL2), 0x2);
	assert_int_equal(gic_sysreg_write(g, 0, 2, GIC_ICH_ELRSR_EL2, 0), GIC_UNDEFINED);
}

static void test_hcr_keeps_its_fields(void **state)
{
	t_sw(*state, 0, 2, GIC_ICH_HCR_EL2, 0xffffffff);
	assert_int_equal(t_sr(*state, 0, 2, GIC_ICH_HCR_EL2), 0xf8007cff);
}

static void test_only_implemented_active_priority_registers_exist(void **state)
{
	struct gic_config cfg = { .version = GIC_V3, .ncpus = 1, .nr_spis = 32, .vprio_bits = 7 };
	struct gic *g7 = gic_create(&cfg, NULL);
	uint64_t v;

	assert_int_equal(gic_sysreg_read(*state, 0, 2, GIC_ICH_AP1R1_EL2, &v), GIC_UNDEFINED);
	assert_int_equal(gic_sysreg_read(*state, 0, 1, GIC_ICC_AP1R1_EL1, &v), GIC_UNDEFINED);
	assert_non_null(g7);
	assert_int_equal(gic_sysreg_read(g7, 0, 2, GIC_ICH_AP1R3_EL2, &v), GIC_OK);
	assert_int_equal((t_sr(g7, 0, 2, GIC_ICH_VTR_EL2) >> 29) & 7, 6);
	gic_destroy(g7);
}

static void test_seven_priority_bits_use_the_higher_active_priority_registers(void **state)
{
	struct gic_config cfg = { .version = GIC_V3, .ncpus = 1, .nr_spis = 32, .vprio_bits = 7 };
	struct gic *g = gic_create(&cfg, NULL);

	(void)state;
	t_sw(g, 0, 2, GIC_ICH_HCR_EL2, 1);
	t_sw(g, 0, 2, GIC_ICH_VMCR_EL2, 0xffu << 24 | 2);
	gic_set_virtual(g, 0, true);
	t_sw(g, 0, 2, GIC_ICH_LR0_EL2, lr(40, 0xf2, LR_GROUP1 | LR_PENDING));
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_LR0_EL2) >> 48 & 0xff, 0xf2);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_IAR1_EL1), 40);
	/* Group priority 0xf2 >> 1 = 121: AP1R3 bit 25. */
	assert_int_equal(t_sr(g, 0, 2, GIC_ICH_AP1R3_EL2), 1u << 25);
	assert_int_equal(t_sr(g, 0, 1, GIC_ICC_RPR_EL1), 0xf2);
	gic_destroy(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, t_teardown)
		T(test_vtr_reports_list_registers_and_priority_bits),
		T(test_lrs_past_the_implemented_ones_are_undefined),
		T(test_lr_drops_unimplemented_priority_and_res0_bits),
		T(test_virq_needs_hcr_en_veng1_and_the_vpmr),
		T(test_group0_lr_raises_vfiq_and_is_taken_by_iar0),
		T(test_icv_iar1_acknowledges_the_highest_priority_pending_lr),
		T(test_icc_at_el1_is_physical_unless_virtual),
		T(test_sgi_generation_from_a_guest_traps_to_el2),
		T(test_icv_pmr_bpr_igrpen_and_ctlr_are_views_of_vmcr),
		T(test_vmcr_reset_has_minimum_binary_points_and_vfiqen),
		T(test_vmcr_clamps_binary_points_and_masks_vpmr),
		T(test_veoimode0_eoi_drops_and_deactivates),
		T(test_veoimode1_eoi_only_drops_and_dir_deactivates),
		T(test_vdir_with_veoimode0_deactivates_nothing),
		T(test_eoi_of_a_hw_lr_deactivates_the_physical_interrupt),
		T(test_hw_lr_active_and_pending_deactivation_leaves_it_pending),
		T(test_eoi_of_an_lr_with_the_eoi_bit_raises_eisr_and_maintenance),
		T(test_eoi_without_a_matching_lr_counts_in_eoicount_and_raises_lrenp),
		T(test_misr_u_when_at_most_one_lr_is_valid),
		T(test_misr_np_when_no_lr_is_pending),
		T(test_misr_reports_virtual_group_enables_and_disables),
		T(test_maintenance_interrupt_needs_hcr_en),
		T(test_elrsr_marks_free_lrs),
		T(test_hcr_keeps_its_fields),
		T(test_only_implemented_active_priority_registers_exist),
		T(test_seven_priority_bits_use_the_higher_active_priority_registers),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
