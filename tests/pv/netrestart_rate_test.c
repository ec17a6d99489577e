/* The block frontend's write rates across the network restart's window: completions counted up to a
 * time, each batch spread over the gap before it so a window's edges split it, stalls kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "blkfront/blkrate.h"

static struct blkrate r;

static int setup(void **state)
{
	(void)state;
	memset(&r, 0, sizeof(r));
	return 0;
}

/* @n writes acknowledged in one poll at time @t. */
static void batch(unsigned n, uint64_t t)
{
	for (unsigned i = 0; i < n; i++)
		blkrate_ack(&r, t);
}

static void test_blkrate_nothing_before_the_first_and_everything_after_the_last(void **state)
{
	(void)state;
	batch(24, 100);
	batch(24, 200);
	assert_int_equal(blkrate_done_milli(&r, 0), 0);
	assert_int_equal(blkrate_done_milli(&r, 99), 0);
	assert_int_equal(blkrate_done_milli(&r, 100), 24000);
	assert_int_equal(blkrate_done_milli(&r, 200), 48000);
	assert_int_equal(blkrate_done_milli(&r, 1000), 48000);
}

static void test_blkrate_a_batch_is_spread_over_the_gap_before_it(void **state)
{
	(void)state;
	batch(24, 100);
	batch(24, 200);
	batch(8, 300);
	assert_int_equal(blkrate_done_milli(&r, 150), 36000);
	assert_int_equal(blkrate_done_milli(&r, 125), 30000);
	assert_int_equal(blkrate_done_milli(&r, 250), 52000);
}

static void test_blkrate_per_second_over_a_window_splits_its_edge_batches(void **state)
{
	(void)state;
	for (unsigned i = 1; i <= 10; i++)
		batch(24, i * 100);
	/* 24 writes every 100 ticks at 1000 Hz: 240 writes/s wherever the window's edges fall. */
	assert_int_equal(blkrate_per_s(&r, 100, 1000, 1000), 240);
	assert_int_equal(blkrate_per_s(&r, 150, 450, 1000), 240);
	assert_int_equal(blkrate_per_s(&r, 170, 230, 1000), 240);
}

static void test_blkrate_a_stall_in_the_window_lowers_its_rate(void **state)
{
	(void)state;
	batch(24, 100);
	batch(24, 200);
	batch(24, 600); /* 400 ticks for one batch: a quarter of the rate */
	batch(24, 700);
	assert_int_equal(blkrate_per_s(&r, 100, 200, 1000), 240);
	assert_int_equal(blkrate_per_s(&r, 200, 600, 1000), 60);
	assert_int_equal(blkrate_per_s(&r, 100, 700, 1000), 120);
}

static void test_blkrate_an_empty_or_backward_window_is_zero(void **state)
{
	(void)state;
	batch(24, 100);
	assert_int_equal(blkrate_per_s(&r, 50, 50, 1000), 0);
	assert_int_equal(blkrate_per_s(&r, 60, 50, 1000), 0);
	setup(NULL);
	assert_int_equal(blkrate_per_s(&r, 0, 100, 1000), 0);
}

static void test_blkrate_keeps_times_in_order_and_stops_when_full(void **state)
{
	(void)state;
	batch(1, 500);
	batch(1, 400); /* a counter read that went back counts at the previous time */
	assert_int_equal(r.at[1], 500);
	batch(BLKRATE_MAX, 600);
	assert_int_equal(r.n, BLKRATE_MAX);
	assert_int_equal(blkrate_done_milli(&r, 700), (uint64_t)BLKRATE_MAX * 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_blkrate_nothing_before_the_first_and_everything_after_the_last, setup),
		cmocka_unit_test_setup(test_blkrate_a_batch_is_spread_over_the_gap_before_it, setup),
		cmocka_unit_test_setup(test_blkrate_per_second_over_a_window_splits_its_edge_batches, setup),
		cmocka_unit_test_setup(test_blkrate_a_stall_in_the_window_lowers_its_rate, setup),
		cmocka_unit_test_setup(test_blkrate_an_empty_or_backward_window_is_zero, setup),
		cmocka_unit_test_setup(test_blkrate_keeps_times_in_order_and_stops_when_full, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
