/* GICv2: the distributor's banked and v2-only registers (ITARGETSR, SGIR, [SC]PENDSGIR), GICC, and the
 * virtual interface through GICH (32-bit list registers) and GICV (IHI 0048B, chapters 4 and 5). */
#include "gic_testlib.h"

#define D GIC_FRAME_GICD
#define C GIC_FRAME_GICC
#define H GIC_FRAME_GICH
#define V GIC_FRAME_GICV

#define GICC_CTLR  0x00
#define GICC_PMR   0x04
#define GICC_BPR   0x08
#define GICC_IAR   0x0c
#define GICC_EOIR  0x10
#define GICC_RPR   0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR  0x1c
#define GICC_AIAR  0x20
#define GICC_AEOIR 0x24
#define GICC_APR0  0xd0
#define GICC_IIDR  0xfc
#define GICC_DIR   0x1000

#define GICH_HCR    0x00
#define GICH_VTR    0x04
#define GICH_VMCR   0x08
#define GICH_MISR   0x10
#define GICH_EISR0  0x20
#define GICH_ELRSR0 0x30
#define GICH_APR    0xf0
#define GICH_LR(n)  (0x100 + 4 * (n))

#define LR_HW      (1u << 31)
#define LR_GRP1    (1u << 30)
#define LR_ACTIVE  (2u << 28)
#define LR_PENDING (1u << 28)
#define LR_EOI     (1u << 19)

static uint32_t glr(unsigned vintid, uint8_t prio, uint32_t flags)
{
	return vintid | (uint32_t)(prio >> 3) << 23 | flags;
}

/* Every CPU interface on with Group 0 (the v2 reset group), PMR open; Group 0 interrupts are IRQs. */
static int setup(void **state)
{
	struct gic *g = t_gic(GIC_V2);

	t_wr(g, D, 0, 0x0, 3);
	for (unsigned c = 0; c < T_NCPUS; c++) {
		t_wr(g, C, c, GICC_CTLR, 1);
		t_wr(g, C, c, GICC_PMR, 0xff);
	}
	*state = g;
	return 0;
}

/* Enables @intid at @prio; SPIs target @cpu. */
static void irq(struct gic *g, unsigned cpu, unsigned intid, uint8_t prio)
{
	assert_int_equal(gic_mmio_write(g, D, cpu, 0x400 + intid, 1, prio), GIC_OK);
	if (intid >= 32)
		assert_int_equal(gic_mmio_write(g, D, cpu, 0x800 + intid, 1, 1u << cpu), GIC_OK);
	t_wr(g, D, cpu, 0x100 + intid / 32 * 4, 1u << (intid % 32));
}

static void test_v2_gicd_typer_iidr_and_archrev(void **state)
{
	uint32_t typer = t_rd(*state, D, 0, 0x4);

	assert_int_equal(typer & 0x1f, 2);
	assert_int_equal((typer >> 5) & 7, T_NCPUS - 1);
	assert_false(typer & (1u << 10));
	assert_int_equal((t_rd(*state, D, 0, 0xfe8) >> 4) & 0xf, 2);
	assert_int_equal(t_rd(*state, D, 0, 0x8), 0x0200143b);
	assert_int_equal(t_rd(*state, C, 0, GICC_IIDR), 0x0202143b);
	t_wr(*state, D, 0, 0x0, 0xff);
	assert_int_equal(t_rd(*state, D, 0, 0x0), 3); /* no ARE, no DS on v2 */
}

static void test_v2_has_no_redistributors_and_a_4k_distributor(void **state)
{
	uint64_t v;

	assert_int_equal(gic_mmio_read(*state, GIC_FRAME_GICR_RD, 0, 0, 4, &v), GIC_BAD_FRAME);
	assert_int_equal(gic_mmio_read(*state, GIC_FRAME_GICR_SGI, 0, 0, 4, &v), GIC_BAD_FRAME);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x1000, 4, &v), GIC_BAD_OFFSET);
	assert_int_equal(gic_mmio_read(*state, C, 0, 0x2000, 4, &v), GIC_BAD_OFFSET);
	assert_int_equal(gic_mmio_read(*state, H, 0, 0x1000, 4, &v), GIC_BAD_OFFSET);
	assert_int_equal(gic_mmio_read(*state, C, 0, GICC_PMR, 1, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, H, 0, GICH_HCR, 8, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, V, 0, GICC_IAR, 2, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, C, 0, GICC_IAR + 2, 2, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, C, 0, GICC_IAR + 2, 4, &v), GIC_BAD_ALIGN);
}

static void test_v2_gicd_banks_private_interrupts_by_accessing_cpu(void **state)
{
	t_wr(*state, D, 1, 0x100, 1u << 27);
	assert_int_equal(t_rd(*state, D, 1, 0x100), 1u << 27);
	assert_int_equal(t_rd(*state, D, 0, 0x100), 0);
	t_wr(*state, D, 2, 0x80, 0xffffffff);
	assert_int_equal(t_rd(*state, D, 2, 0x80), 0xffffffff);
	assert_int_equal(t_rd(*state, D, 3, 0x80), 0);
}

static void test_v2_itargetsr_of_private_interrupts_reads_the_own_cpu(void **state)
{
	for (unsigned c = 0; c < T_NCPUS; c++) {
		t_wr(*state, D, c, 0x81c, 0);
		assert_int_equal(t_rd(*state, D, c, 0x81c), 0x01010101u << c);
	}
}

static void test_v2_itargetsr_of_spis_keeps_existing_cpus(void **state)
{
	uint64_t v;

	assert_int_equal(gic_mmio_write(*state, D, 0, 0x800 + 40, 1, 0xff), GIC_OK);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x800 + 40, 1, &v), GIC_OK);
	assert_int_equal(v, 0x0f);
	t_wr(*state, D, 0, 0x82c, 0x08040201); /* INTIDs 44..47 */
	assert_int_equal(t_rd(*state, D, 3, 0x82c), 0x08040201);
}

static void test_v2_spi_targets_decide_which_cpus_see_it(void **state)
{
	struct gic *g = *state;

	irq(g, 0, 40, 0x80);
	assert_int_equal(gic_mmio_write(g, D, 0, 0x800 + 40, 1, 0x6), GIC_OK); /* CPUs 1 and 2 */
	gic_set_line(g, 0, 40, true);
	assert_false(gic_irq_line(g, 0));
	assert_true(gic_irq_line(g, 1));
	assert_true(gic_irq_line(g, 2));
	assert_false(gic_irq_line(g, 3));
	assert_int_equal(t_rd(g, C, 2, GICC_IAR), 40);
	assert_false(gic_irq_line(g, 1)); /* now active: the other target no longer sees it */
	assert_int_equal(t_rd(g, C, 1, GICC_IAR), 1023);
}

static void test_v2_sgir_target_list_filters(void **state)
{
	struct gic *g = *state;

	t_wr(g, D, 0, 0xf00, 0x00060003); /* list: CPUs 1, 2; SGI 3 */
	assert_false(gic_irq_is_pending(g, 0, 3));
	assert_true(gic_irq_is_pending(g, 1, 3));
	assert_true(gic_irq_is_pending(g, 2, 3));
	assert_false(gic_irq_is_pending(g, 3, 3));
	t_wr(g, D, 1, 0xf00, 0x01000004); /* all but self */
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_int_equal(gic_irq_is_pending(g, c, 4), c != 1);
	t_wr(g, D, 3, 0xf00, 0x02ff0005); /* self only, the list ignored */
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_int_equal(gic_irq_is_pending(g, c, 5), c == 3);
	t_wr(g, D, 3, 0xf00, 0x03ff0006); /* reserved filter: nothing */
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_false(gic_irq_is_pending(g, c, 6));
}

static void test_v2_iar_reports_the_sgi_source_and_each_source_pends_apart(void **state)
{
	struct gic *g = *state;

	irq(g, 0, 2, 0x80);
	t_wr(g, D, 3, 0xf00, 0x00010002);
	t_wr(g, D, 1, 0xf00, 0x00010002);
	assert_int_equal(t_rd(g, D, 0, 0xf20), 0x0a << 16); /* SPENDSGIR0 byte 2: sources 1 and 3 */
	assert_int_equal(t_rd(g, C, 0, GICC_HPPIR), 1u << 10 | 2);
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 1u << 10 | 2);
	assert_true(gic_irq_is_active(g, 0, 2));
	assert_true(gic_irq_is_pending(g, 0, 2)); /* source 3 still pending */
	t_wr(g, C, 0, GICC_EOIR, 1u << 10 | 2);
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 3u << 10 | 2);
	assert_false(gic_irq_is_pending(g, 0, 2));
}

static void test_v2_spendsgir_and_cpendsgir_set_and_clear_per_source(void **state)
{
	struct gic *g = *state;
	uint64_t v;

	assert_int_equal(gic_mmio_write(g, D, 1, 0xf20 + 9, 1, 0xff), GIC_OK);
	assert_int_equal(gic_mmio_read(g, D, 1, 0xf20 + 9, 1, &v), GIC_OK);
	assert_int_equal(v, 0x0f);
	assert_true(gic_irq_is_pending(g, 1, 9));
	assert_false(gic_irq_is_pending(g, 0, 9));
	t_wr(g, D, 1, 0xf18, 0x0500 | 0); /* CPENDSGIR2, SGI 9: sources 0 and 2 */
	assert_int_equal(t_rd(g, D, 1, 0xf18), 0x0a00);
	t_wr(g, D, 1, 0xf18, 0x0a00);
	assert_false(gic_irq_is_pending(g, 1, 9));
}

static void test_v2_ispendr_and_icpendr_do_not_touch_sgis(void **state)
{
	struct gic *g = *state;

	t_wr(g, D, 0, 0x200, 0xffff);
	assert_false(gic_irq_is_pending(g, 0, 0));
	t_wr(g, D, 2, 0xf00, 0x00010001);
	t_wr(g, D, 0, 0x280, 0xffff);
	assert_true(gic_irq_is_pending(g, 0, 1));
}

static void test_v2_iar_acknowledges_group1_only_with_ackctl(void **state)
{
	struct gic *g = *state;

	irq(g, 0, 40, 0x80);
	t_wr(g, D, 0, 0x84, 1u << 8); /* Group 1 */
	gic_set_line(g, 0, 40, true);
	assert_false(gic_irq_line(g, 0)); /* Group 1 not enabled at the CPU interface */
	t_wr(g, C, 0, GICC_CTLR, 3);
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(t_rd(g, C, 0, GICC_HPPIR), 1022);
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 1022);
	assert_false(gic_irq_is_active(g, 0, 40));
	assert_int_equal(t_rd(g, C, 0, GICC_AIAR), 40);
	t_wr(g, C, 0, GICC_AEOIR, 40);
	assert_false(gic_irq_is_active(g, 0, 40));
	t_wr(g, C, 0, GICC_CTLR, 7); /* AckCtl */
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 40);
}

static void test_v2_fiqen_turns_group0_into_fiq(void **state)
{
	struct gic *g = *state;

	irq(g, 0, 40, 0x80);
	gic_set_line(g, 0, 40, true);
	assert_true(gic_irq_line(g, 0));
	assert_false(gic_fiq_line(g, 0));
	t_wr(g, C, 0, GICC_CTLR, 1 | 8);
	assert_false(gic_irq_line(g, 0));
	assert_true(gic_fiq_line(g, 0));
}

static void test_v2_gicc_priority_mask_running_priority_and_apr(void **state)
{
	struct gic *g = *state;

	irq(g, 0, 40, 0x80);
	irq(g, 0, 41, 0x40);
	t_wr(g, C, 0, GICC_PMR, 0x80);
	assert_int_equal(t_rd(g, C, 0, GICC_PMR), 0x80);
	gic_set_line(g, 0, 40, true);
	assert_false(gic_irq_line(g, 0));
	t_wr(g, C, 0, GICC_PMR, 0xff);
	assert_int_equal(t_rd(g, C, 0, GICC_PMR), 0xf8);
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 40);
	assert_int_equal(t_rd(g, C, 0, GICC_RPR), 0x80);
	assert_int_equal(t_rd(g, C, 0, GICC_APR0), 1u << 16);
	gic_set_line(g, 0, 41, true);
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 41);
	assert_int_equal(t_rd(g, C, 0, GICC_APR0), 1u << 16 | 1u << 8);
	assert_int_equal(t_rd(g, C, 0, GICC_RPR), 0x40);
	t_wr(g, C, 0, GICC_BPR, 0);
	assert_int_equal(t_rd(g, C, 0, GICC_BPR), 2);
	t_wr(g, C, 0, GICC_ABPR, 0);
	assert_int_equal(t_rd(g, C, 0, GICC_ABPR), 3);
}

static void test_v2_eoimode_splits_priority_drop_and_gicc_dir(void **state)
{
	struct gic *g = *state;

	t_wr(g, C, 0, GICC_CTLR, 1 | 1u << 9);
	irq(g, 0, 40, 0x80);
	gic_set_line(g, 0, 40, true);
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 40);
	t_wr(g, C, 0, GICC_EOIR, 40);
	assert_true(gic_irq_is_active(g, 0, 40));
	assert_int_equal(t_rd(g, C, 0, GICC_RPR), 0xff);
	gic_set_line(g, 0, 40, false);
	t_wr(g, C, 0, GICC_DIR, 40);
	assert_false(gic_irq_is_active(g, 0, 40));
}

static void test_v2_gich_vtr_hcr_and_vmcr(void **state)
{
	struct gic *g = *state;

	assert_int_equal(t_rd(g, H, 0, GICH_VTR), 3u | 4u << 26 | 4u << 29);
	t_wr(g, H, 0, GICH_HCR, 0xffffffff);
	assert_int_equal(t_rd(g, H, 0, GICH_HCR), 0xf80000ff);
	t_wr(g, H, 0, GICH_VMCR, 0xffffffff);
	assert_int_equal(t_rd(g, H, 0, GICH_VMCR), 0xf8u << 24 | 7u << 21 | 7u << 18 | 0x21f);
	assert_int_equal(t_rd(g, H, 1, GICH_VMCR), 2u << 21 | 3u << 18); /* banked per CPU */
}

static void test_v2_gich_lr_keeps_its_32_bit_layout(void **state)
{
	struct gic *g = *state;
	uint32_t v = glr(1000, 0xf8, LR_HW | LR_GRP1 | LR_ACTIVE | LR_PENDING | 1019u << 10);

	t_wr(g, H, 0, GICH_LR(0), v);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(0)), v);
	/* [22:20] are reserved. */
	t_wr(g, H, 0, GICH_LR(1), 0xffffffff & ~LR_HW);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(1)), 0xffffffff & ~LR_HW & ~(7u << 20));
	t_wr(g, H, 0, GICH_LR(3), 0x12345678);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(3)), 0x12045678);
	t_wr(g, H, 0, GICH_LR(4), 0xffffffff); /* past the four LRs: RAZ/WI */
	assert_int_equal(t_rd(g, H, 0, GICH_LR(4)), 0);
	assert_int_equal(t_rd(g, H, 1, GICH_LR(0)), 0);
}

/* CPU 0's virtual interface on, the guest's CPU interface enabled with both groups. */
static void vup(struct gic *g)
{
	t_wr(g, H, 0, GICH_HCR, 1);
	t_wr(g, V, 0, GICC_CTLR, 3);
	t_wr(g, V, 0, GICC_PMR, 0xff);
}

static void test_v2_gicv_acknowledges_and_eois_through_the_list_registers(void **state)
{
	struct gic *g = *state;

	vup(g);
	assert_int_equal(t_rd(g, H, 0, GICH_VMCR) & 0xff000003, 0xf8000003); /* GICV_CTLR/PMR are VMCR */
	t_wr(g, H, 0, GICH_LR(0), glr(40, 0x80, LR_PENDING));
	t_wr(g, H, 0, GICH_LR(1), glr(41, 0x40, LR_PENDING));
	assert_true(gic_virq_line(g, 0));
	assert_int_equal(t_rd(g, V, 0, GICC_HPPIR), 41);
	assert_int_equal(t_rd(g, V, 0, GICC_IAR), 41);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(1)) & (3u << 28), LR_ACTIVE);
	assert_int_equal(t_rd(g, V, 0, GICC_RPR), 0x40);
	assert_int_equal(t_rd(g, H, 0, GICH_APR), 1u << 8);
	assert_int_equal(t_rd(g, V, 0, GICC_APR0), 1u << 8);
	t_wr(g, V, 0, GICC_EOIR, 41);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(1)) & (3u << 28), 0);
	assert_int_equal(t_rd(g, H, 0, GICH_APR), 0);
	assert_int_equal(t_rd(g, V, 0, GICC_IAR), 40);
}

static void test_v2_gicv_group1_lr_needs_ackctl_on_iar(void **state)
{
	struct gic *g = *state;

	vup(g);
	t_wr(g, H, 0, GICH_LR(0), glr(40, 0x80, LR_PENDING | LR_GRP1));
	assert_int_equal(t_rd(g, V, 0, GICC_IAR), 1022);
	assert_int_equal(t_rd(g, V, 0, GICC_AIAR), 40);
	t_wr(g, V, 0, GICC_AEOIR, 40);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(0)) & (3u << 28), 0);
}

static void test_v2_gicv_iar_reports_the_sgi_cpuid_from_the_lr(void **state)
{
	struct gic *g = *state;

	vup(g);
	t_wr(g, H, 0, GICH_LR(0), glr(3, 0x80, LR_PENDING | 2u << 10));
	assert_int_equal(t_rd(g, V, 0, GICC_IAR), 2u << 10 | 3);
	t_wr(g, V, 0, GICC_EOIR, 2u << 10 | 3);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(0)) & (3u << 28), 0);
}

static void test_v2_gicv_eoi_of_a_hw_lr_deactivates_the_physical_interrupt(void **state)
{
	struct gic *g = *state;

	vup(g);
	t_wr(g, C, 0, GICC_CTLR, 1 | 1u << 9);
	irq(g, 0, 44, 0x80);
	gic_set_line(g, 0, 44, true);
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 44);
	t_wr(g, C, 0, GICC_EOIR, 44);
	gic_set_line(g, 0, 44, false);
	t_wr(g, H, 0, GICH_LR(2), glr(27, 0x80, LR_PENDING | LR_HW | 44u << 10));
	assert_int_equal(t_rd(g, V, 0, GICC_IAR), 27);
	assert_true(gic_irq_is_active(g, 0, 44));
	t_wr(g, V, 0, GICC_EOIR, 27);
	assert_false(gic_irq_is_active(g, 0, 44));
}

static void test_v2_gicv_dir_deactivates_with_eoimode(void **state)
{
	struct gic *g = *state;

	vup(g);
	t_wr(g, V, 0, GICC_CTLR, 3 | 1u << 9);
	assert_true(t_rd(g, H, 0, GICH_VMCR) & (1u << 9));
	t_wr(g, H, 0, GICH_LR(0), glr(40, 0x80, LR_PENDING));
	assert_int_equal(t_rd(g, V, 0, GICC_IAR), 40);
	t_wr(g, V, 0, GICC_EOIR, 40);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(0)) & (3u << 28), LR_ACTIVE);
	t_wr(g, V, 0, GICC_DIR, 40);
	assert_int_equal(t_rd(g, H, 0, GICH_LR(0)) & (3u << 28), 0);
}

static void test_v2_maintenance_on_eoi_through_gich(void **state)
{
	struct gic *g = *state;

	vup(g);
	irq(g, 0, 25, 0x00);
	t_wr(g, H, 0, GICH_LR(1), glr(40, 0x80, LR_PENDING | LR_EOI));
	assert_int_equal(t_rd(g, H, 0, GICH_ELRSR0), 0xd);
	assert_int_equal(t_rd(g, V, 0, GICC_IAR), 40);
	t_wr(g, V, 0, GICC_EOIR, 40);
	assert_int_equal(t_rd(g, H, 0, GICH_EISR0), 2);
	assert_int_equal(t_rd(g, H, 0, GICH_MISR), 1);
	assert_int_equal(t_rd(g, H, 0, GICH_ELRSR0), 0xd);
	assert_true(gic_irq_line(g, 0));
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 25);
	t_wr(g, H, 0, GICH_LR(1), 0);
	assert_int_equal(t_rd(g, H, 0, GICH_MISR), 0);
	assert_int_equal(t_rd(g, H, 0, GICH_ELRSR0), 0xf);
}

static void test_v2_virtual_group0_is_vfiq_only_with_vfiqen(void **state)
{
	struct gic *g = *state;

	vup(g);
	t_wr(g, H, 0, GICH_LR(0), glr(40, 0x80, LR_PENDING));
	assert_true(gic_virq_line(g, 0));
	assert_false(gic_vfiq_line(g, 0));
	t_wr(g, V, 0, GICC_CTLR, 3 | 8);
	assert_false(gic_virq_line(g, 0));
	assert_true(gic_vfiq_line(g, 0));
}

static void test_v2_reserved_space_of_every_frame_is_raz_wi(void **state)
{
	static const struct {
		enum gic_frame f;
		uint64_t off;
	} raz[] = {
		{ D, 0x00c }, { D, 0x040 }, { D, 0xd00 }, { D, 0xf04 }, { D, 0xf30 },  { D, 0xfcc },
		{ C, 0x02c }, { C, 0x0d4 }, { C, 0x0e0 }, { C, 0x0f8 }, { C, 0x1004 }, { H, 0x00c },
		{ H, 0x024 }, { H, 0x034 }, { H, 0x0f4 }, { H, 0x200 }, { V, 0x0d8 },  { V, 0x1ffc },
	};

	for (unsigned i = 0; i < sizeof(raz) / sizeof(raz[0]); i++) {
		t_wr(*state, raz[i].f, 0, raz[i].off, 0xffffffff);
		assert_int_equal(t_rd(*state, raz[i].f, 0, raz[i].off), 0);
	}
}

static void test_v2_byte_access_is_for_byte_registers_only(void **state)
{
	uint64_t v;

	assert_int_equal(gic_mmio_read(*state, D, 0, 0x800 + 33, 1, &v), GIC_OK);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0xf10 + 3, 1, &v), GIC_OK);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0xf20 + 1, 1, &v), GIC_OK);
	assert_int_equal(gic_mmio_write(*state, D, 0, 0xf00, 1, 0), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x4, 1, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x800, 2, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0xf20, 8, &v), GIC_BAD_SIZE);
}

static void test_v2_distributor_group_enables_gate_forwarding(void **state)
{
	struct gic *g = *state;

	irq(g, 0, 40, 0x80);
	gic_set_line(g, 0, 40, true);
	assert_true(gic_irq_line(g, 0));
	t_wr(g, D, 0, 0x0, 2); /* Group 0 off */
	assert_false(gic_irq_line(g, 0));
	assert_int_equal(t_rd(g, C, 0, GICC_IAR), 1023);
	t_wr(g, D, 0, 0x0, 1);
	assert_true(gic_irq_line(g, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, t_teardown)
		T(test_v2_gicd_typer_iidr_and_archrev),
		T(test_v2_has_no_redistributors_and_a_4k_distributor),
		T(test_v2_gicd_banks_private_interrupts_by_accessing_cpu),
		T(test_v2_itargetsr_of_private_interrupts_reads_the_own_cpu),
		T(test_v2_itargetsr_of_spis_keeps_existing_cpus),
		T(test_v2_spi_targets_decide_which_cpus_see_it),
		T(test_v2_sgir_target_list_filters),
		T(test_v2_iar_reports_the_sgi_source_and_each_source_pends_apart),
		T(test_v2_spendsgir_and_cpendsgir_set_and_clear_per_source),
		T(test_v2_ispendr_and_icpendr_do_not_touch_sgis),
		T(test_v2_iar_acknowledges_group1_only_with_ackctl),
		T(test_v2_fiqen_turns_group0_into_fiq),
		T(test_v2_gicc_priority_mask_running_priority_and_apr),
		T(test_v2_eoimode_splits_priority_drop_and_gicc_dir),
		T(test_v2_gich_vtr_hcr_and_vmcr),
		T(test_v2_gich_lr_keeps_its_32_bit_layout),
		T(test_v2_gicv_acknowledges_and_eois_through_the_list_registers),
		T(test_v2_gicv_group1_lr_needs_ackctl_on_iar),
		T(test_v2_gicv_iar_reports_the_sgi_cpuid_from_the_lr),
		T(test_v2_gicv_eoi_of_a_hw_lr_deactivates_the_physical_interrupt),
		T(test_v2_gicv_dir_deactivates_with_eoimode),
		T(test_v2_maintenance_on_eoi_through_gich),
		T(test_v2_virtual_group0_is_vfiq_only_with_vfiqen),
		T(test_v2_reserved_space_of_every_frame_is_raz_wi),
		T(test_v2_byte_access_is_for_byte_registers_only),
		T(test_v2_distributor_group_enables_gate_forwarding),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
