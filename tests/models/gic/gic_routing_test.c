/* v3 SGI generation (ICC_SGI0R/SGI1R_EL1 by affinity, target list, RS and IRM) and SPI routing by
 * GICD_IROUTER, including 1-of-N delivery (IHI 0069, 12.2 and 12.9). */
#include "gic_testlib.h"

#define D GIC_FRAME_GICD

static int setup(void **state)
{
	struct gic *g = t_gic(GIC_V3);

	for (unsigned c = 0; c < T_NCPUS; c++)
		t_v3_up(g, c);
	*state = g;
	return 0;
}

static uint64_t iar1(struct gic *g, unsigned cpu) { return t_sr(g, cpu, 2, GIC_ICC_IAR1_EL1); }

static uint64_t sgi1r(unsigned intid, unsigned aff1, uint16_t list)
{
	return (uint64_t)intid << 24 | (uint64_t)aff1 << 16 | list;
}

static void test_sgi1r_reaches_the_listed_cpus_of_one_cluster(void **state)
{
	struct gic *g = *state;

	for (unsigned c = 0; c < T_NCPUS; c++)
		t_v3_irq(g, c, 5, 1, 0x80);
	t_sw(g, 0, 2, GIC_ICC_SGI1R_EL1, sgi1r(5, 1, 2)); /* Aff1 1, Aff0 1: CPU 3 */
	assert_true(gic_irq_is_pending(g, 3, 5));
	assert_false(gic_irq_is_pending(g, 2, 5));
	assert_false(gic_irq_is_pending(g, 1, 5));
	assert_int_equal(iar1(g, 3), 5);
	t_sw(g, 1, 2, GIC_ICC_SGI1R_EL1, sgi1r(5, 0, 3)); /* CPUs 0 and 1, the sender included */
	assert_true(gic_irq_is_pending(g, 0, 5));
	assert_true(gic_irq_is_pending(g, 1, 5));
	assert_false(gic_irq_is_pending(g, 2, 5));
}

static void test_sgi1r_with_irm_reaches_every_cpu_but_the_sender(void **state)
{
	struct gic *g = *state;

	for (unsigned c = 0; c < T_NCPUS; c++)
		t_v3_irq(g, c, 7, 1, 0x80);
	t_sw(g, 2, 2, GIC_ICC_SGI1R_EL1, 1ull << 40 | sgi1r(7, 0, 0));
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_int_equal(gic_irq_is_pending(g, c, 7), c != 2);
}

static void test_sgi1r_to_absent_affinity_is_dropped(void **state)
{
	struct gic *g = *state;

	for (unsigned c = 0; c < T_NCPUS; c++)
		t_v3_irq(g, c, 7, 1, 0x80);
	t_sw(g, 0, 2, GIC_ICC_SGI1R_EL1, sgi1r(7, 5, 0xffff));
	t_sw(g, 0, 2, GIC_ICC_SGI1R_EL1, 1ull << 44 | sgi1r(7, 0, 1)); /* RS 1: Aff0 16 */
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_false(gic_irq_is_pending(g, c, 7));
	t_sw(g, 0, 2, GIC_ICC_SGI1R_EL1, sgi1r(7, 1, 1)); /* and the same SGI does reach CPU 2 */
	assert_true(gic_irq_is_pending(g, 2, 7));
}

static void test_sgi0r_and_sgi1r_reach_only_sgis_of_their_group(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 1, 8, 0, 0x80);
	t_v3_irq(g, 1, 9, 1, 0x80);
	t_sw(g, 0, 2, GIC_ICC_SGI1R_EL1, sgi1r(8, 0, 2));
	t_sw(g, 0, 2, GIC_ICC_SGI0R_EL1, sgi1r(9, 0, 2));
	assert_false(gic_irq_is_pending(g, 1, 8));
	assert_false(gic_irq_is_pending(g, 1, 9));
	t_sw(g, 0, 2, GIC_ICC_SGI0R_EL1, sgi1r(8, 0, 2));
	t_sw(g, 0, 2, GIC_ICC_SGI1R_EL1, sgi1r(9, 0, 2));
	assert_true(gic_irq_is_pending(g, 1, 8));
	assert_true(gic_irq_is_pending(g, 1, 9));
}

static void test_spi_routed_by_affinity_reaches_only_its_cpu(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 2, 44, 1, 0x80);
	gic_set_line(g, 0, 44, true);
	assert_true(gic_irq_line(g, 2));
	for (unsigned c = 0; c < T_NCPUS; c++)
		if (c != 2)
			assert_int_equal(iar1(g, c), 1023);
	/* Re-routed while pending: follows at once. */
	assert_int_equal(gic_mmio_write(g, D, 0, 0x6000 + 8 * 44, 8, 0x101), GIC_OK);
	assert_false(gic_irq_line(g, 2));
	assert_true(gic_irq_line(g, 3));
	assert_int_equal(iar1(g, 3), 44);
}

static void test_spi_with_irm_goes_to_the_first_cpu_that_acknowledges(void **state)
{
	struct gic *g = *state;

	t_v3_irq(g, 0, 45, 1, 0x80);
	assert_int_equal(gic_mmio_write(g, D, 0, 0x6000 + 8 * 45, 8, 1ull << 31), GIC_OK);
	gic_set_line(g, 0, 45, true);
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_true(gic_irq_line(g, c));
	assert_int_equal(iar1(g, 1), 45);
	for (unsigned c = 0; c < T_NCPUS; c++)
		assert_false(gic_irq_line(g, c));
	assert_int_equal(iar1(g, 3), 1023);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, t_teardown)
		T(test_sgi1r_reaches_the_listed_cpus_of_one_cluster),
		T(test_sgi1r_with_irm_reaches_every_cpu_but_the_sender),
		T(test_sgi1r_to_absent_affinity_is_dropped),
		T(test_sgi0r_and_sgi1r_reach_only_sgis_of_their_group),
		T(test_spi_routed_by_affinity_reaches_only_its_cpu),
		T(test_spi_with_irm_goes_to_the_first_cpu_that_acknowledges),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
