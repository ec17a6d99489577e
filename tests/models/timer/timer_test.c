/* The generic timer model: CTL/CVAL/TVAL semantics of each of the three timers, the virtual offset,
 * the output levels and the deadlines an embedder jumps time to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "models/timer/timer.h"

#define FREQ 62500000u
#define NCPU 4u

static struct timer t;

struct edge {
	unsigned cpu;
	enum timer_id id;
	bool level;
};
static struct edge edges[64];
static unsigned nedges;

static void on_irq(void *opaque, unsigned cpu, enum timer_id id, bool level)
{
	assert_ptr_equal(opaque, &t);
	if (nedges < 64)
		edges[nedges] = (struct edge){ cpu, id, level };
	nedges++;
}

static int setup(void **state)
{
	(void)state;
	const struct timer_ops ops = { on_irq, &t };
	timer_init(&t, NCPU, FREQ, &ops);
	nedges = 0;
	return 0;
}

static uint64_t ctl(unsigned cpu, enum timer_id id) { return timer_read(&t, cpu, id, TIMER_REG_CTL); }
static uint64_t tval(unsigned cpu, enum timer_id id) { return timer_read(&t, cpu, id, TIMER_REG_TVAL); }
static void wr(unsigned cpu, enum timer_id id, enum timer_reg r, uint64_t v) { timer_write(&t, cpu, id, r, v); }

static void test_timer_reset_state_is_disabled_at_zero(void **state)
{
	(void)state;
	assert_int_equal(timer_cntpct(&t), 0);
	assert_int_equal(timer_cntfrq(&t), FREQ);
	for (unsigned c = 0; c < NCPU; c++) {
		for (unsigned id = 0; id < TIMER_COUNT; id++) {
			/* CVAL 0 <= counter 0: the condition holds, but a disabled timer shows nothing. */
			assert_int_equal(ctl(c, id), 0);
			assert_int_equal(timer_read(&t, c, id, TIMER_REG_CVAL), 0);
			assert_false(timer_output(&t, c, id));
		}
		assert_int_equal(timer_cntvoff(&t, c), 0);
	}
	assert_int_equal(timer_next_deadline(&t), UINT64_MAX);
	assert_int_equal(nedges, 0);
}

static void test_timer_fires_when_the_counter_reaches_cval_for_each_timer(void **state)
{
	(void)state;
	for (unsigned id = 0; id < TIMER_COUNT; id++) {
		setup(NULL);
		assert_true(timer_advance(&t, 1000));
		wr(1, id, TIMER_REG_CVAL, 1500);
		wr(1, id, TIMER_REG_CTL, TIMER_CTL_ENABLE);
		assert_int_equal(ctl(1, id), TIMER_CTL_ENABLE);
		assert_true(timer_advance(&t, 1499));
		assert_false(timer_output(&t, 1, id));
		assert_int_equal(nedges, 0);
		assert_true(timer_advance(&t, 1500));
		assert_int_equal(ctl(1, id), TIMER_CTL_ENABLE | TIMER_CTL_ISTATUS);
		assert_true(timer_output(&t, 1, id));
		assert_int_equal(nedges, 1);
		assert_int_equal(edges[0].cpu, 1);
		assert_int_equal(edges[0].id, id);
		assert_true(edges[0].level);
		/* The other CPUs' banked timers are untouched. */
		assert_false(timer_output(&t, 0, id));
	}
}

static void test_timer_output_stays_asserted_until_the_guest_acts(void **state)
{
	(void)state;
	wr(0, TIMER_VIRT, TIMER_REG_CVAL, 10);
	wr(0, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	timer_advance(&t, 10);
	timer_advance(&t, 1000000);
	assert_true(timer_output(&t, 0, TIMER_VIRT));
	assert_int_equal(nedges, 1); /* a level, not repeated edges */
	/* Moving CVAL ahead clears the condition and drops the line. */
	wr(0, TIMER_VIRT, TIMER_REG_CVAL, 2000000);
	assert_false(timer_output(&t, 0, TIMER_VIRT));
	assert_int_equal(ctl(0, TIMER_VIRT), TIMER_CTL_ENABLE);
	assert_int_equal(nedges, 2);
	assert_false(edges[1].level);
}

static void test_timer_cval_in_the_past_fires_at_once(void **state)
{
	(void)state;
	timer_advance(&t, 5000);
	wr(2, TIMER_PHYS, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	wr(2, TIMER_PHYS, TIMER_REG_CVAL, 4999);
	assert_true(timer_output(&t, 2, TIMER_PHYS));
	assert_int_equal(ctl(2, TIMER_PHYS), TIMER_CTL_ENABLE | TIMER_CTL_ISTATUS);
	/* TVAL reads how far in the past: -1 in 32 bits. */
	assert_int_equal(tval(2, TIMER_PHYS), 0xffffffffu);
	assert_int_equal(timer_cpu_deadline(&t, 2), UINT64_MAX);
}

static void test_timer_cval_compares_unsigned_on_64_bits(void **state)
{
	(void)state;
	timer_advance(&t, 100);
	wr(0, TIMER_HYP, TIMER_REG_CVAL, 1ull << 63); /* far future, not a negative past */
	wr(0, TIMER_HYP, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	assert_false(timer_output(&t, 0, TIMER_HYP));
	assert_int_equal(timer_cpu_deadline(&t, 0), 1ull << 63);
	wr(0, TIMER_HYP, TIMER_REG_CVAL, UINT64_MAX);
	assert_int_equal(timer_cpu_deadline(&t, 0), UINT64_MAX);
}

static void test_timer_tval_write_sets_cval_from_the_counter(void **state)
{
	(void)state;
	timer_advance(&t, 0x100000000ull);
	wr(0, TIMER_PHYS, TIMER_REG_TVAL, 625);
	assert_int_equal(timer_read(&t, 0, TIMER_PHYS, TIMER_REG_CVAL), 0x100000000ull + 625);
	assert_int_equal(tval(0, TIMER_PHYS), 625);
	timer_advance(&t, 0x100000000ull + 600);
	assert_int_equal(tval(0, TIMER_PHYS), 25);
}

static void test_timer_tval_write_is_sign_extended_from_32_bits(void **state)
{
	(void)state;
	timer_advance(&t, 1000000);
	/* -100 as a 32-bit value; the upper half of the register is ignored. */
	wr(0, TIMER_PHYS, TIMER_REG_TVAL, 0xdeadbeef00000000ull | 0xffffff9cu);
	assert_int_equal(timer_read(&t, 0, TIMER_PHYS, TIMER_REG_CVAL), 1000000 - 100);
	assert_int_equal((int32_t)tval(0, TIMER_PHYS), -100);
	wr(0, TIMER_PHYS, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	assert_true(timer_output(&t, 0, TIMER_PHYS));
	/* The largest positive TVAL: 2^31 - 1 ticks ahead. */
	wr(0, TIMER_PHYS, TIMER_REG_TVAL, 0x7fffffff);
	assert_int_equal(timer_read(&t, 0, TIMER_PHYS, TIMER_REG_CVAL), 1000000 + 0x7fffffffull);
	assert_false(timer_output(&t, 0, TIMER_PHYS));
}

static void test_timer_tval_read_keeps_counting_down_past_zero(void **state)
{
	(void)state;
	wr(3, TIMER_VIRT, TIMER_REG_TVAL, 10);
	wr(3, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	timer_advance(&t, 10);
	assert_int_equal(tval(3, TIMER_VIRT), 0);
	timer_advance(&t, 30);
	assert_int_equal((int32_t)tval(3, TIMER_VIRT), -20);
	/* Only the low 32 bits: a deadline 2^32 + 5 ticks away reads as 5. */
	wr(3, TIMER_VIRT, TIMER_REG_CVAL, 30 + (1ull << 32) + 5);
	assert_int_equal(tval(3, TIMER_VIRT), 5);
}

static void test_timer_imask_hides_the_output_but_not_istatus(void **state)
{
	(void)state;
	wr(0, TIMER_VIRT, TIMER_REG_CVAL, 50);
	wr(0, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	timer_advance(&t, 60);
	assert_int_equal(ctl(0, TIMER_VIRT), TIMER_CTL_ENABLE | TIMER_CTL_IMASK | TIMER_CTL_ISTATUS);
	assert_false(timer_output(&t, 0, TIMER_VIRT));
	assert_int_equal(nedges, 0);
	/* Unmasking raises the line at once; masking again lowers it. */
	wr(0, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	assert_true(timer_output(&t, 0, TIMER_VIRT));
	wr(0, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	assert_false(timer_output(&t, 0, TIMER_VIRT));
	assert_int_equal(nedges, 2);
	assert_true(edges[0].level);
	assert_false(edges[1].level);
}

static void test_timer_disable_clears_istatus_and_the_output(void **state)
{
	(void)state;
	wr(1, TIMER_HYP, TIMER_REG_CVAL, 5);
	wr(1, TIMER_HYP, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	timer_advance(&t, 5);
	assert_true(timer_output(&t, 1, TIMER_HYP));
	wr(1, TIMER_HYP, TIMER_REG_CTL, 0);
	assert_int_equal(ctl(1, TIMER_HYP), 0);
	assert_false(timer_output(&t, 1, TIMER_HYP));
	assert_int_equal(nedges, 2);
}

static void test_timer_ctl_istatus_and_reserved_bits_are_not_writable(void **state)
{
	(void)state;
	timer_advance(&t, 10);
	wr(0, TIMER_PHYS, TIMER_REG_CVAL, 100);
	wr(0, TIMER_PHYS, TIMER_REG_CTL, ~0ull);
	assert_int_equal(ctl(0, TIMER_PHYS), TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	wr(0, TIMER_PHYS, TIMER_REG_CTL, TIMER_CTL_ENABLE | TIMER_CTL_ISTATUS);
	assert_int_equal(ctl(0, TIMER_PHYS), TIMER_CTL_ENABLE);
	assert_false(timer_output(&t, 0, TIMER_PHYS));
}

static void test_timer_virtual_counter_is_physical_minus_cntvoff(void **state)
{
	(void)state;
	timer_advance(&t, 10000);
	timer_set_cntvoff(&t, 1, 4000);
	assert_int_equal(timer_cntvct(&t, 1), 6000);
	assert_int_equal(timer_cntvct(&t, 0), 10000);
	/* Wrapping: an offset past the counter gives a huge virtual count, as modular hardware does. */
	timer_set_cntvoff(&t, 2, 10001);
	assert_int_equal(timer_cntvct(&t, 2), UINT64_MAX);
}

static void test_timer_virtual_timer_compares_the_virtual_counter(void **state)
{
	(void)state;
	timer_advance(&t, 10000);
	timer_set_cntvoff(&t, 0, 4000);
	wr(0, TIMER_VIRT, TIMER_REG_CVAL, 7000);
	wr(0, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	assert_false(timer_output(&t, 0, TIMER_VIRT));
	assert_int_equal(tval(0, TIMER_VIRT), 1000);
	assert_int_equal(timer_cpu_deadline(&t, 0), 11000);
	timer_advance(&t, 11000);
	assert_true(timer_output(&t, 0, TIMER_VIRT));
	/* The physical timers ignore the offset: the same CVAL there has long passed. */
	wr(0, TIMER_PHYS, TIMER_REG_CVAL, 7000);
	wr(0, TIMER_PHYS, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	assert_int_equal((int32_t)tval(0, TIMER_PHYS), -4000);
}

static void test_timer_offset_change_moves_the_virtual_condition(void **state)
{
	(void)state;
	timer_advance(&t, 10000);
	wr(0, TIMER_VIRT, TIMER_REG_CVAL, 9000);
	wr(0, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	assert_true(timer_output(&t, 0, TIMER_VIRT));
	/* A larger offset takes the virtual counter back below CVAL: the line drops. */
	timer_set_cntvoff(&t, 0, 2000);
	assert_false(timer_output(&t, 0, TIMER_VIRT));
	assert_int_equal(timer_cpu_deadline(&t, 0), 11000);
	/* And back. */
	timer_set_cntvoff(&t, 0, 1000);
	assert_true(timer_output(&t, 0, TIMER_VIRT));
	assert_int_equal(nedges, 3);
}

static void test_timer_tval_write_on_the_virtual_timer_uses_the_virtual_counter(void **state)
{
	(void)state;
	timer_advance(&t, 10000);
	timer_set_cntvoff(&t, 3, 9000);
	wr(3, TIMER_VIRT, TIMER_REG_TVAL, 500);
	assert_int_equal(timer_read(&t, 3, TIMER_VIRT, TIMER_REG_CVAL), 1500);
}

static void test_timer_deadline_is_the_earliest_enabled_unmasked_timer(void **state)
{
	(void)state;
	timer_advance(&t, 100);
	wr(0, TIMER_PHYS, TIMER_REG_CVAL, 900);
	wr(0, TIMER_PHYS, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	wr(1, TIMER_HYP, TIMER_REG_CVAL, 300);
	wr(1, TIMER_HYP, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	/* Masked or disabled timers wake nothing: they do not count. */
	wr(2, TIMER_VIRT, TIMER_REG_CVAL, 200);
	wr(2, TIMER_VIRT, TIMER_REG_CTL, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	wr(3, TIMER_VIRT, TIMER_REG_CVAL, 150);
	assert_int_equal(timer_cpu_deadline(&t, 0), 900);
	assert_int_equal(timer_cpu_deadline(&t, 1), 300);
	assert_int_equal(timer_cpu_deadline(&t, 2), UINT64_MAX);
	assert_int_equal(timer_cpu_deadline(&t, 3), UINT64_MAX);
	assert_int_equal(timer_next_deadline(&t), 300);
	/* Jumping there fires it; the next one is then the later timer. */
	timer_advance(&t, timer_next_deadline(&t));
	assert_true(timer_output(&t, 1, TIMER_HYP));
	assert_int_equal(timer_next_deadline(&t), 900);
}

static void test_timer_counter_never_goes_back(void **state)
{
	(void)state;
	assert_true(timer_advance(&t, 500));
	assert_false(timer_advance(&t, 499));
	assert_int_equal(timer_cntpct(&t), 500);
	assert_true(timer_advance(&t, 500));
}

static void test_timer_cpus_past_the_model_read_zero_and_ignore_writes(void **state)
{
	(void)state;
	timer_write(&t, NCPU, TIMER_PHYS, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	assert_int_equal(timer_read(&t, NCPU, TIMER_PHYS, TIMER_REG_CTL), 0);
	assert_false(timer_output(&t, NCPU, TIMER_PHYS));
	assert_int_equal(timer_cpu_deadline(&t, NCPU), UINT64_MAX);
	timer_set_cntvoff(&t, NCPU, 5);
	assert_int_equal(timer_cntvoff(&t, NCPU), 0);
	assert_int_equal(nedges, 0);
}

static void test_timer_works_without_a_callback(void **state)
{
	(void)state;
	timer_init(&t, NCPU, FREQ, NULL);
	wr(0, TIMER_PHYS, TIMER_REG_CTL, TIMER_CTL_ENABLE);
	wr(0, TIMER_PHYS, TIMER_REG_TVAL, 1);
	timer_advance(&t, 1);
	assert_true(timer_output(&t, 0, TIMER_PHYS));
}

static void test_timer_ncpus_is_clamped_to_the_model(void **state)
{
	(void)state;
	timer_init(&t, TIMER_MAX_CPUS + 5, FREQ, NULL);
	assert_int_equal(t.ncpus, TIMER_MAX_CPUS);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_timer_reset_state_is_disabled_at_zero),
		T(test_timer_fires_when_the_counter_reaches_cval_for_each_timer),
		T(test_timer_output_stays_asserted_until_the_guest_acts),
		T(test_timer_cval_in_the_past_fires_at_once),
		T(test_timer_cval_compares_unsigned_on_64_bits),
		T(test_timer_tval_write_sets_cval_from_the_counter),
		T(test_timer_tval_write_is_sign_extended_from_32_bits),
		T(test_timer_tval_read_keeps_counting_down_past_zero),
		T(test_timer_imask_hides_the_output_but_not_istatus),
		T(test_timer_disable_clears_istatus_and_the_output),
		T(test_timer_ctl_istatus_and_reserved_bits_are_not_writable),
		T(test_timer_virtual_counter_is_physical_minus_cntvoff),
		T(test_timer_virtual_timer_compares_the_virtual_counter),
		T(test_timer_offset_change_moves_the_virtual_condition),
		T(test_timer_tval_write_on_the_virtual_timer_uses_the_virtual_counter),
		T(test_timer_deadline_is_the_earliest_enabled_unmasked_timer),
		T(test_timer_counter_never_goes_back),
		T(test_timer_cpus_past_the_model_read_zero_and_ignore_writes),
		T(test_timer_works_without_a_callback),
		T(test_timer_ncpus_is_clamped_to_the_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
