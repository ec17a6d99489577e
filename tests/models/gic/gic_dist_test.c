/* The v3 distributor and redistributors: register layouts, RAZ/WI space, access sizes and the
 * interrupt state each register reads and changes (IHI 0069, chapters 12.9 and 12.10). */
#include "gic_testlib.h"

#define D   GIC_FRAME_GICD
#define RD  GIC_FRAME_GICR_RD
#define SGI GIC_FRAME_GICR_SGI

static int setup(void **state)
{
	*state = t_gic(GIC_V3);
	return 0;
}

static void test_gicd_typer_reports_lines_cpus_and_id_bits(void **state)
{
	uint32_t typer = t_rd(*state, D, 0, 0x4);

	assert_int_equal(typer & 0x1f, (32 + T_NSPIS) / 32 - 1);
	assert_int_equal((typer >> 5) & 7, T_NCPUS - 1);
	assert_int_equal((typer >> 19) & 0x1f, 15); /* 16-bit INTIDs */
	assert_true(typer & (1u << 24));            /* A3V */
	assert_false(typer & (1u << 17));           /* no LPIs */
	assert_false(typer & (1u << 10));           /* single security state */
}

static void test_gicd_ctlr_keeps_group_enables_with_are_and_ds_fixed(void **state)
{
	t_wr(*state, D, 0, 0x0, 0xffffffff);
	assert_int_equal(t_rd(*state, D, 0, 0x0), 0x53);
	t_wr(*state, D, 0, 0x0, 0);
	assert_int_equal(t_rd(*state, D, 0, 0x0), 0x50);
	t_wr(*state, D, 0, 0x0, 2);
	assert_int_equal(t_rd(*state, D, 0, 0x0), 0x52);
}

static void test_id_registers_report_gicv3(void **state)
{
	assert_int_equal((t_rd(*state, D, 0, 0xffe8) >> 4) & 0xf, 3);
	assert_int_equal((t_rd(*state, RD, 2, 0xffe8) >> 4) & 0xf, 3);
	assert_int_equal(t_rd(*state, D, 0, 0xfff0), 0x0d);
	assert_int_equal(t_rd(*state, D, 0, 0xfffc), 0xb1);
	assert_int_equal(t_rd(*state, D, 0, 0x8) & 0xfff, 0x43b);
}

static void test_gicd_private_interrupt_registers_are_raz_wi_under_affinity_routing(void **state)
{
	t_wr(*state, D, 0, 0x100, 0xffffffff);
	t_wr(*state, D, 0, 0x80, 0xffffffff);
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x400, 1, 0x80), GIC_OK);
	assert_int_equal(t_rd(*state, D, 0, 0x100), 0);
	assert_int_equal(t_rd(*state, D, 0, 0x80), 0);
	assert_int_equal(t_rd(*state, D, 0, 0x400), 0);
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_int_equal(t_rd(*state, SGI, c, 0x100), 0);
}

static void test_gicd_isenabler_and_icenabler_set_and_clear_spi_enables(void **state)
{
	t_wr(*state, D, 0, 0x104, 1u << 8); /* INTID 40 */
	assert_int_equal(t_rd(*state, D, 0, 0x104), 1u << 8);
	assert_int_equal(t_rd(*state, D, 0, 0x184), 1u << 8);
	t_wr(*state, D, 0, 0x104, 1u << 9);
	assert_int_equal(t_rd(*state, D, 0, 0x104), 3u << 8);
	t_wr(*state, D, 0, 0x184, 1u << 8);
	assert_int_equal(t_rd(*state, D, 0, 0x104), 1u << 9);
	t_wr(*state, D, 0, 0x184, 0); /* zeros change nothing */
	assert_int_equal(t_rd(*state, D, 0, 0x184), 1u << 9);
}

static void test_gicd_registers_past_the_implemented_intids_are_raz_wi(void **state)
{
	t_wr(*state, D, 0, 0x10c, 0xffffffff); /* INTIDs 96..127: none exist */
	assert_int_equal(t_rd(*state, D, 0, 0x10c), 0);
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x400 + 100, 1, 0x80), GIC_OK);
	assert_int_equal(t_rd(*state, D, 0, 0x400 + 100), 0);
	assert_false(gic_irq_is_pending(*state, 0, 100));
}

static void test_gicd_ipriorityr_keeps_five_bits_in_each_byte_lane(void **state)
{
	uint64_t v = 0;

	assert_int_equal(gic_mmio_write(*state, D, 0, 0x400 + 41, 1, 0xff), GIC_OK);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x400 + 41, 1, &v), GIC_OK);
	assert_int_equal(v, 0xf8);
	assert_int_equal(t_rd(*state, D, 0, 0x400 + 40), 0xf800);
	t_wr(*state, D, 0, 0x400 + 44, 0x11223344);
	assert_int_equal(t_rd(*state, D, 0, 0x400 + 44), 0x10203040);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x400 + 46, 1, &v), GIC_OK);
	assert_int_equal(v, 0x20);
}

static void test_gicd_rejects_accesses_of_the_wrong_size_alignment_or_place(void **state)
{
	uint64_t v;

	assert_int_equal(gic_mmio_read(*state, D, 0, 0x104, 2, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x104, 1, 1), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x0, 8, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0xc00, 1, &v), GIC_BAD_SIZE); /* ICFGR: words only */
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x102, 4, &v), GIC_BAD_ALIGN);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x100, 3, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, D, 0, 0x10000, 4, &v), GIC_BAD_OFFSET);
	assert_int_equal(gic_mmio_read(*state, GIC_FRAME_GICC, 0, 0, 4, &v), GIC_BAD_FRAME);
	assert_int_equal(gic_mmio_read(*state, GIC_FRAME_GICH, 0, 0, 4, &v), GIC_BAD_FRAME);
	assert_int_equal(gic_mmio_read(*state, RD, T_NCPUS, 0, 4, &v), GIC_BAD_FRAME);
	assert_int_equal(v, 0);
	/* A rejected write changes nothing. */
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x104, 2, 0xffff), GIC_BAD_SIZE);
	assert_int_equal(t_rd(*state, D, 0, 0x104), 0);
}

static void test_gicd_reserved_and_ds_space_reads_zero_and_ignores_writes(void **state)
{
	static const uint64_t offs[] = { 0x20, 0x40, 0xd04, 0xe08, 0xf00, 0xf10, 0x5000, 0xc000 };

	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		t_wr(*state, D, 0, offs[i], 0xffffffff);
		assert_int_equal(t_rd(*state, D, 0, offs[i]), 0);
	}
}

static void test_gicd_irouter_keeps_affinity_and_irm_only(void **state)
{
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x6000 + 8 * 40, 8, ~0ull), GIC_OK);
	assert_int_equal(t_rd64(*state, D, 0, 0x6000 + 8 * 40), 0xff80ffffffull);
	/* 32-bit halves reach the same register. */
	t_wr(*state, D, 0, 0x6000 + 8 * 40, 0x0100);
	t_wr(*state, D, 0, 0x6000 + 8 * 40 + 4, 0x02);
	assert_int_equal(t_rd64(*state, D, 0, 0x6000 + 8 * 40), 0x0200000100ull);
	assert_int_equal(t_rd(*state, D, 0, 0x6000 + 8 * 40 + 4), 0x02);
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x6000 + 8 * 40, 2, 1), GIC_BAD_SIZE);
}

static void test_gicd_irouter_of_private_and_missing_intids_is_raz_wi(void **state)
{
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x6000 + 8 * 16, 8, 0x101), GIC_OK);
	assert_int_equal(t_rd64(*state, D, 0, 0x6000 + 8 * 16), 0);
	assert_int_equal(gic_mmio_write(*state, D, 0, 0x6000 + 8 * 200, 8, 0x101), GIC_OK);
	assert_int_equal(t_rd64(*state, D, 0, 0x6000 + 8 * 200), 0);
}

static void test_gicd_icfgr_programs_spi_trigger_with_reserved_low_bits(void **state)
{
	t_wr(*state, D, 0, 0xc08, 0xffffffff); /* INTIDs 32..47 */
	assert_int_equal(t_rd(*state, D, 0, 0xc08), 0xaaaaaaaa);
	t_wr(*state, D, 0, 0xc08, 0x00000008); /* INTID 33 edge, the others level */
	assert_int_equal(t_rd(*state, D, 0, 0xc08), 0x8);
}

static void test_gicd_ispendr_and_icpendr_latch_and_clear_pending(void **state)
{
	t_wr(*state, D, 0, 0x204, 1u << 2); /* INTID 34 */
	assert_true(gic_irq_is_pending(*state, 0, 34));
	assert_int_equal(t_rd(*state, D, 0, 0x284), 1u << 2);
	t_wr(*state, D, 0, 0x284, 1u << 2);
	assert_false(gic_irq_is_pending(*state, 0, 34));
	assert_int_equal(t_rd(*state, D, 0, 0x204), 0);
}

static void test_gicd_icpendr_leaves_a_high_level_input_pending(void **state)
{
	gic_set_line(*state, 0, 35, true);
	assert_int_equal(t_rd(*state, D, 0, 0x204), 1u << 3);
	t_wr(*state, D, 0, 0x284, 1u << 3);
	assert_true(gic_irq_is_pending(*state, 0, 35));
	gic_set_line(*state, 0, 35, false);
	assert_false(gic_irq_is_pending(*state, 0, 35));
}

static void test_gicd_isactiver_and_icactiver_set_and_clear_active(void **state)
{
	t_wr(*state, D, 0, 0x304, 1u << 31); /* INTID 63 */
	assert_true(gic_irq_is_active(*state, 0, 63));
	assert_int_equal(t_rd(*state, D, 0, 0x384), 1u << 31);
	t_wr(*state, D, 0, 0x384, 1u << 31);
	assert_false(gic_irq_is_active(*state, 0, 63));
}

static void test_gicd_igroupr_spi_bits_read_back(void **state)
{
	t_wr(*state, D, 0, 0x84, 0xa5a5a5a5);
	assert_int_equal(t_rd(*state, D, 0, 0x84), 0xa5a5a5a5);
	assert_int_equal(t_rd(*state, D, 0, 0x88), 0);
}

static void test_gicr_typer_reports_affinity_processor_number_and_last(void **state)
{
	for (unsigned c = 0; c < T_NCPUS; c++) {
		uint64_t t = t_rd64(*state, RD, c, 0x8);
		uint64_t m = t_mpidr(c);

		assert_int_equal(t >> 32, m & 0xffffff);
		assert_int_equal((t >> 8) & 0xffff, c);
		assert_int_equal(!!(t & (1u << 4)), c == T_NCPUS - 1);
		assert_false(t & 1); /* no physical LPIs */
		assert_int_equal(t_rd(*state, RD, c, 0xc), t >> 32);
		assert_int_equal(t_rd(*state, RD, c, 0x8), t & 0xffffffff);
	}
}

static void test_gicr_typer_reports_aff3(void **state)
{
	struct gic_config cfg = { .version = GIC_V3, .ncpus = 1, .nr_spis = 32, .mpidr = { 0x7f00000203ull } };
	struct gic *g = gic_create(&cfg, NULL);

	(void)state;
	assert_non_null(g);
	assert_int_equal(t_rd64(g, RD, 0, 0x8) >> 32, 0x7f000203ull);
	gic_destroy(g);
}

static void test_gicr_waker_starts_asleep_and_children_follow(void **state)
{
	assert_int_equal(t_rd(*state, RD, 1, 0x14), 6);
	t_wr(*state, RD, 1, 0x14, 0);
	assert_int_equal(t_rd(*state, RD, 1, 0x14), 0);
	assert_int_equal(t_rd(*state, RD, 0, 0x14), 6);
	t_wr(*state, RD, 1, 0x14, 2);
	assert_int_equal(t_rd(*state, RD, 1, 0x14), 6);
}

static void test_gicr_asleep_redistributor_forwards_nothing(void **state)
{
	t_v3_up(*state, 1);
	t_v3_irq(*state, 1, 27, 1, 0x80);
	gic_set_line(*state, 1, 27, true);
	assert_true(gic_irq_line(*state, 1));
	t_wr(*state, RD, 1, 0x14, 2);
	assert_false(gic_irq_line(*state, 1));
	assert_int_equal(t_sr(*state, 1, 2, GIC_ICC_IAR1_EL1), 1023);
	t_wr(*state, RD, 1, 0x14, 0);
	assert_true(gic_irq_line(*state, 1));
}

static void test_gicr_sgi_base_banks_private_interrupts_per_cpu(void **state)
{
	t_wr(*state, SGI, 1, 0x100, 1u << 27);
	assert_int_equal(t_rd(*state, SGI, 1, 0x100), 1u << 27);
	assert_int_equal(t_rd(*state, SGI, 0, 0x100), 0);
	assert_int_equal(gic_mmio_write(*state, SGI, 2, 0x400 + 27, 1, 0x40), GIC_OK);
	assert_int_equal(t_rd(*state, SGI, 2, 0x418), 0x40000000);
	assert_int_equal(t_rd(*state, SGI, 1, 0x418), 0);
}

static void test_gicr_icfgr0_sgis_are_edge_and_read_only(void **state)
{
	assert_int_equal(t_rd(*state, SGI, 0, 0xc00), 0xaaaaaaaa);
	t_wr(*state, SGI, 0, 0xc00, 0);
	assert_int_equal(t_rd(*state, SGI, 0, 0xc00), 0xaaaaaaaa);
}

static void test_gicr_icfgr1_ppi_trigger_is_programmable(void **state)
{
	assert_int_equal(t_rd(*state, SGI, 0, 0xc04), 0);
	t_wr(*state, SGI, 0, 0xc04, 2u << 22); /* PPI 27 edge */
	assert_int_equal(t_rd(*state, SGI, 0, 0xc04), 2u << 22);
}

static void test_gicr_sgi_base_past_the_private_registers_is_raz_wi(void **state)
{
	t_wr(*state, SGI, 0, 0x104, 0xffffffff);
	assert_int_equal(t_rd(*state, SGI, 0, 0x104), 0);
	t_wr(*state, SGI, 0, 0x420, 0xffffffff);
	assert_int_equal(t_rd(*state, SGI, 0, 0x420), 0);
	t_wr(*state, SGI, 0, 0xd00, 0xffffffff); /* IGRPMODR0: DS=1 */
	assert_int_equal(t_rd(*state, SGI, 0, 0xd00), 0);
}

static void test_gicr_rd_base_ctlr_and_reserved_are_raz_wi(void **state)
{
	uint64_t v;

	t_wr(*state, RD, 0, 0x0, 0xffffffff);
	assert_int_equal(t_rd(*state, RD, 0, 0x0), 0);
	t_wr(*state, RD, 0, 0x70, 0xffffffff); /* PROPBASER: no LPIs */
	assert_int_equal(t_rd(*state, RD, 0, 0x70), 0);
	assert_int_equal(gic_mmio_read(*state, RD, 0, 0x0, 8, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, RD, 0, 0x14, 1, &v), GIC_BAD_SIZE);
	assert_int_equal(gic_mmio_read(*state, SGI, 0, 0x10000, 4, &v), GIC_BAD_OFFSET);
}

static void test_gic_create_refuses_configurations_it_cannot_model(void **state)
{
	struct gic_config ok = { .version = GIC_V3, .ncpus = 2, .nr_spis = 32 };
	struct gic_config c;
	struct gic *g;

	(void)state;
	g = gic_create(&ok, NULL);
	assert_non_null(g);
	assert_int_equal(gic_nr_irqs(g), 64);
	assert_int_equal(gic_ncpus(g), 2);
	assert_int_equal(gic_version(g), GIC_V3);
	gic_destroy(g);
	c = ok, c.version = 4;
	assert_null(gic_create(&c, NULL));
	c = ok, c.ncpus = 0;
	assert_null(gic_create(&c, NULL));
	c = ok, c.ncpus = GIC_MAX_CPUS + 1;
	assert_null(gic_create(&c, NULL));
	c = ok, c.nr_spis = 33;
	assert_null(gic_create(&c, NULL));
	c = ok, c.nr_spis = GIC_MAX_SPIS + 32;
	assert_null(gic_create(&c, NULL));
	c = ok, c.nr_lrs = GIC_MAX_LRS + 1;
	assert_null(gic_create(&c, NULL));
	c = ok, c.vprio_bits = 4;
	assert_null(gic_create(&c, NULL));
	c = ok, c.vprio_bits = 9;
	assert_null(gic_create(&c, NULL));
	c = ok, c.version = GIC_V2, c.ncpus = 9;
	assert_null(gic_create(&c, NULL));
	c = ok, c.version = GIC_V2, c.vprio_bits = 6;
	assert_null(gic_create(&c, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, t_teardown)
		T(test_gicd_typer_reports_lines_cpus_and_id_bits),
		T(test_gicd_ctlr_keeps_group_enables_with_are_and_ds_fixed),
		T(test_id_registers_report_gicv3),
		T(test_gicd_private_interrupt_registers_are_raz_wi_under_affinity_routing),
		T(test_gicd_isenabler_and_icenabler_set_and_clear_spi_enables),
		T(test_gicd_registers_past_the_implemented_intids_are_raz_wi),
		T(test_gicd_ipriorityr_keeps_five_bits_in_each_byte_lane),
		T(test_gicd_rejects_accesses_of_the_wrong_size_alignment_or_place),
		T(test_gicd_reserved_and_ds_space_reads_zero_and_ignores_writes),
		T(test_gicd_irouter_keeps_affinity_and_irm_only),
		T(test_gicd_irouter_of_private_and_missing_intids_is_raz_wi),
		T(test_gicd_icfgr_programs_spi_trigger_with_reserved_low_bits),
		T(test_gicd_ispendr_and_icpendr_latch_and_clear_pending),
		T(test_gicd_icpendr_leaves_a_high_level_input_pending),
		T(test_gicd_isactiver_and_icactiver_set_and_clear_active),
		T(test_gicd_igroupr_spi_bits_read_back),
		T(test_gicr_typer_reports_affinity_processor_number_and_last),
		T(test_gicr_typer_reports_aff3),
		T(test_gicr_waker_starts_asleep_and_children_follow),
		T(test_gicr_asleep_redistributor_forwards_nothing),
		T(test_gicr_sgi_base_banks_private_interrupts_per_cpu),
		T(test_gicr_icfgr0_sgis_are_edge_and_read_only),
		T(test_gicr_icfgr1_ppi_trigger_is_programmable),
		T(test_gicr_sgi_base_past_the_private_registers_is_raz_wi),
		T(test_gicr_rd_base_ctlr_and_reserved_are_raz_wi),
		T(test_gic_create_refuses_configurations_it_cannot_model),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
