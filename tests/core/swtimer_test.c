/* Software timers on a fake counter and fake per-pCPU hypervisor timers: deadline order, re-arming
 * of the hardware timer, cancel and move, callbacks that set timers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/swtimer.h"
#include "hal/platform.h"

static uint64_t now;
static unsigned self;
static uint64_t armed[PLAT_MAX_CPUS];
static char order[16];
static unsigned nfired;

uint64_t hal_counter_now(void) { return now; }
uint64_t hal_counter_freq(void) { return 1000000; }
unsigned hal_cpu_id(void) { return self; }
void hal_cpu_relax(void) {}
void hal_timer_arm(uint64_t deadline) { armed[self] = deadline; }

static void record(void *data)
{
	if (nfired < sizeof(order) - 1)
		order[nfired] = *(const char *)data;
	nfired++;
}

static int setup(void **state)
{
	(void)state;
	now = 1000;
	self = 0;
	nfired = 0;
	memset(order, 0, sizeof(order));
	for (unsigned i = 0; i < PLAT_MAX_CPUS; i++)
		armed[i] = 0;
	swtimer_reset();
	return 0;
}

static void test_swtimer_fires_callbacks_in_deadline_order_when_due(void **state)
{
	(void)state;
	static const char a = 'a', b = 'b', c = 'c';
	struct swtimer ta, tb, tc;
	swtimer_init(&ta, record, (void *)&a);
	swtimer_init(&tb, record, (void *)&b);
	swtimer_init(&tc, record, (void *)&c);
	swtimer_set(&tb, 3000);
	swtimer_set(&ta, 2000);
	swtimer_set(&tc, 5000);
	assert_int_equal(armed[0], 2000); /* the hardware timer follows the earliest */
	now = 1999;
	swtimer_expire();
	assert_int_equal(nfired, 0);
	now = 3000;
	swtimer_expire();
	assert_string_equal(order, "ab");
	assert_false(swtimer_armed(&ta));
	assert_true(swtimer_armed(&tc));
	assert_int_equal(armed[0], 5000);
	now = 9000;
	swtimer_expire();
	assert_string_equal(order, "abc");
	assert_int_equal(armed[0], UINT64_MAX); /* nothing left: disarmed */
}

static void test_swtimer_cancel_removes_it_and_rearms_for_the_next(void **state)
{
	(void)state;
	static const char a = 'a', b = 'b';
	struct swtimer ta, tb;
	swtimer_init(&ta, record, (void *)&a);
	swtimer_init(&tb, record, (void *)&b);
	swtimer_set(&ta, 2000);
	swtimer_set(&tb, 4000);
	swtimer_cancel(&ta);
	assert_false(swtimer_armed(&ta));
	now = 10000;
	swtimer_expire();
	assert_string_equal(order, "b");
	swtimer_cancel(&ta); /* twice: harmless */
}

static void test_swtimer_set_again_moves_the_deadline(void **state)
{
	(void)state;
	static const char a = 'a', b = 'b';
	struct swtimer ta, tb;
	swtimer_init(&ta, record, (void *)&a);
	swtimer_init(&tb, record, (void *)&b);
	swtimer_set(&ta, 2000);
	swtimer_set(&tb, 3000);
	swtimer_set(&ta, 4000);
	assert_int_equal(armed[0], 3000);
	now = 3500;
	swtimer_expire();
	assert_string_equal(order, "b");
	now = 4000;
	swtimer_expire();
	assert_string_equal(order, "ba");
}

static void test_swtimer_past_deadline_fires_at_the_next_expiry(void **state)
{
	(void)state;
	static const char a = 'a';
	struct swtimer ta;
	swtimer_init(&ta, record, (void *)&a);
	swtimer_set(&ta, 10);
	assert_int_equal(armed[0], 10); /* the hardware fires at once for a past compare value */
	swtimer_expire();
	assert_string_equal(order, "a");
}

static void test_swtimer_queues_are_per_pcpu_and_a_set_moves_it_here(void **state)
{
	(void)state;
	static const char a = 'a';
	struct swtimer ta;
	swtimer_init(&ta, record, (void *)&a);
	self = 1;
	swtimer_set(&ta, 2000);
	assert_int_equal(armed[1], 2000);
	assert_int_equal(armed[0], 0);
	now = 5000;
	self = 0;
	swtimer_expire(); /* pCPU 0's queue is empty */
	assert_int_equal(nfired, 0);
	swtimer_set(&ta, 6000); /* pCPU 0 takes it over from pCPU 1 */
	self = 1;
	swtimer_expire();
	assert_int_equal(nfired, 0);
	assert_int_equal(armed[1], UINT64_MAX);
	self = 0;
	now = 6000;
	swtimer_expire();
	assert_string_equal(order, "a");
}

static struct swtimer periodic;
static void tick(void *data)
{
	(void)data;
	nfired++;
	swtimer_set(&periodic, now + 100); /* a callback re-arming its own timer */
}

static void test_swtimer_callback_may_rearm_itself(void **state)
{
	(void)state;
	swtimer_init(&periodic, tick, NULL);
	swtimer_set(&periodic, 1100);
	now = 1100;
	swtimer_expire();
	assert_int_equal(nfired, 1);
	assert_true(swtimer_armed(&periodic));
	assert_int_equal(armed[0], 1200);
	now = 1250;
	swtimer_expire();
	assert_int_equal(nfired, 2);
	assert_int_equal(armed[0], 1350);
	swtimer_cancel(&periodic);
}

static struct swtimer self_cancelling;
static void cancel_self(void *data)
{
	(void)data;
	nfired++;
	swtimer_cancel(&self_cancelling); /* must not wait for itself */
}

static void test_swtimer_callback_may_cancel_itself(void **state)
{
	(void)state;
	swtimer_init(&self_cancelling, cancel_self, NULL);
	swtimer_set(&self_cancelling, 1000);
	swtimer_expire();
	assert_int_equal(nfired, 1);
	assert_false(swtimer_armed(&self_cancelling));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_swtimer_fires_callbacks_in_deadline_order_when_due, setup),
		cmocka_unit_test_setup(test_swtimer_cancel_removes_it_and_rearms_for_the_next, setup),
		cmocka_unit_test_setup(test_swtimer_set_again_moves_the_deadline, setup),
		cmocka_unit_test_setup(test_swtimer_past_deadline_fires_at_the_next_expiry, setup),
		cmocka_unit_test_setup(test_swtimer_queues_are_per_pcpu_and_a_set_moves_it_here, setup),
		cmocka_unit_test_setup(test_swtimer_callback_may_rearm_itself, setup),
		cmocka_unit_test_setup(test_swtimer_callback_may_cancel_itself, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
