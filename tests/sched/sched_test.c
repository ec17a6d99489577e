/* The schedulers on a fake clock: weighted fair share, caps, affinity, stealing and preemption for
 * credit; exclusive pCPUs and hand-over for null. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"
#include "sched/sched.h"

#define MS 1000000ull

static uint64_t clock_ns;
static struct domain dom;
static struct vcpu vc[4];
static unsigned retired, kicks, last_kick;
static uint64_t timer_armed_at;

uint64_t hal_counter_now(void) { return clock_ns; }
uint64_t hal_counter_freq(void) { return 1000000000ull; }
void hal_cpu_relax(void) {}
unsigned hal_cpu_id(void) { return 0; }
void hal_timer_arm(uint64_t deadline) { timer_armed_at = deadline; }
void hal_cpu_kick(unsigned cpu)
{
	kicks++;
	last_kick = cpu;
}
void domain_vcpu_retire(struct vcpu *v)
{
	v->state = VCPU_OFFLINE;
	retired++;
}
HAL_NORETURN void panic(const char *fmt, ...)
{
	(void)fmt;
	fail_msg("panic");
	__builtin_unreachable();
}

static void setup_vcpus(enum sched_kind kind, unsigned pcpus)
{
	memset(&dom, 0, sizeof(dom));
	memset(vc, 0, sizeof(vc));
	for (unsigned i = 0; i < 4; i++) {
		vc[i].dom = &dom;
		vc[i].id = i;
		vc[i].state = VCPU_RUNNABLE;
	}
	clock_ns = 1000 * MS;
	retired = kicks = 0;
	sched_init(kind, pcpus);
}

/* Runs pCPU @cpu for @total ns in @step slices, adding each vCPU's run time to ran[]. */
static void run(unsigned cpu, uint64_t total, uint64_t step, uint64_t *ran)
{
	for (uint64_t t = 0; t < total; t += step) {
		struct vcpu *v = sched_pick(cpu);
		clock_ns += step;
		if (!v)
			continue;
		ran[v - vc] += step;
		sched_put(v);
	}
}

static void assert_share(uint64_t got, uint64_t total, double want)
{
	double share = (double)got / (double)total;
	if (share < want - 0.05 * want || share > want + 0.05 * want)
		fail_msg("share %.3f, want %.3f within 5%%", share, want);
}

static void test_sched_credit_shares_one_pcpu_by_weight(void **state)
{
	(void)state;
	uint64_t ran[4] = { 0 };
	setup_vcpus(SCHED_CREDIT, 1);
	assert_int_equal(sched_set_params(&vc[1], 512, 0), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(sched_add(&vc[i], 0), 0);
	run(0, 3000 * MS, MS, ran);
	uint64_t total = ran[0] + ran[1] + ran[2];
	assert_share(ran[0], total, 0.25);
	assert_share(ran[1], total, 0.50);
	assert_share(ran[2], total, 0.25);
}

static void test_sched_credit_shares_two_pcpus_by_weight(void **state)
{
	(void)state;
	uint64_t ran[4] = { 0 };
	setup_vcpus(SCHED_CREDIT, 2);
	sched_set_params(&vc[0], 512, 0);
	sched_set_params(&vc[1], 512, 0);
	for (unsigned i = 0; i < 4; i++)
		sched_add(&vc[i], i % 2);
	/* Both pCPUs in lock step, 0.1 ms at a time. */
	for (unsigned t = 0; t < 30000; t++) {
		struct vcpu *a = sched_pick(0), *b = sched_pick(1);
		clock_ns += MS / 10;
		if (a) {
			ran[a - vc] += MS / 10;
			sched_put(a);
		}
		if (b) {
			ran[b - vc] += MS / 10;
			sched_put(b);
		}
	}
	uint64_t total = ran[0] + ran[1] + ran[2] + ran[3];
	assert_share(ran[0], total, 1.0 / 3);
	assert_share(ran[1], total, 1.0 / 3);
	assert_share(ran[2], total, 1.0 / 6);
	assert_share(ran[3], total, 1.0 / 6);
}

static void test_sched_credit_cap_limits_a_vcpu_even_with_the_pcpu_idle(void **state)
{
	(void)state;
	uint64_t ran[4] = { 0 };
	setup_vcpus(SCHED_CREDIT, 1);
	assert_int_equal(sched_set_params(&vc[0], 256, 20), 0);
	sched_add(&vc[0], 0);
	run(0, 3000 * MS, MS, ran);
	assert_share(ran[0], 3000 * MS, 0.20); /* alone, yet held to its cap */
}

static void test_sched_credit_affinity_is_never_broken_by_stealing(void **state)
{
	(void)state;
	uint64_t ran0[4] = { 0 }, ran1[4] = { 0 };
	setup_vcpus(SCHED_CREDIT, 2);
	assert_int_equal(sched_set_affinity(&vc[0], 1u << 1), 0);
	sched_add(&vc[0], 0); /* hint not allowed: lands on pCPU 1 */
	assert_int_equal(vc[0].pcpu, 1);
	run(0, 200 * MS, MS, ran0);
	run(1, 200 * MS, MS, ran1);
	assert_int_equal(ran0[0], 0);
	assert_true(ran1[0] > 0);
}

static void test_sched_credit_idle_pcpu_steals_work_with_credit(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 2);
	sched_add(&vc[0], 0);
	sched_add(&vc[1], 0);
	clock_ns += sched_period_ns; /* a refill hands out credit */
	struct vcpu *a = sched_pick(0);
	struct vcpu *b = sched_pick(1); /* pCPU 1 has nothing queued: it takes pCPU 0's other vCPU */
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_int_equal(b->pcpu, 1);
}

static void test_sched_preempts_only_after_a_slice_with_someone_waiting(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	struct vcpu *v = sched_pick(0);
	clock_ns += 2 * sched_slice_ns;
	assert_false(sched_should_preempt(v, 0)); /* alone on its pCPU */
	sched_add(&vc[1], 0);
	assert_true(sched_should_preempt(v, 0));
	sched_put(v);
	v = sched_pick(0);
	assert_false(sched_should_preempt(v, 0)); /* a fresh slice */
}

static void test_sched_retires_stopping_vcpus_instead_of_running_them(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	vc[0].state = VCPU_STOPPING;
	assert_null(sched_pick(0));
	assert_int_equal(retired, 1);
}

static void test_sched_paused_domain_stays_queued_but_is_not_run(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	dom.pause_count = 1;
	assert_null(sched_pick(0));
	assert_int_equal(retired, 0); /* passed over, not retired */
	dom.pause_count = 0;
	assert_ptr_equal(sched_pick(0), &vc[0]);
}

static void test_sched_params_are_validated(void **state)
{
	(void)state;
	assert_int_equal(sched_set_timing(5000, 30 * MS), -XEN_EINVAL);
	assert_int_equal(sched_set_timing(40 * MS, 30 * MS), -XEN_EINVAL);
	assert_int_equal(sched_set_timing(MS, 3 * MS), 0);
	assert_int_equal(sched_slice_ns, MS);
	setup_vcpus(SCHED_CREDIT, 2);
	assert_int_equal(sched_set_params(&vc[0], 0, 0), -XEN_EINVAL);
	assert_int_equal(sched_set_params(&vc[0], 70000, 0), -XEN_EINVAL);
	assert_int_equal(sched_set_params(&vc[0], 256, 101), -XEN_EINVAL);
	assert_int_equal(sched_set_affinity(&vc[0], 1u << 5), -XEN_EINVAL); /* no such pCPU online */
	assert_int_equal(sched_set_affinity(&vc[0], 0), 0);
}

static void test_sched_null_gives_each_vcpu_its_own_pcpu_and_hands_over(void **state)
{
	(void)state;
	setup_vcpus(SCHED_NULL, 2);
	assert_int_equal(sched_add(&vc[0], 0), 0);
	assert_int_equal(sched_add(&vc[1], 0), 1);  /* pCPU 0 taken: the next free one */
	assert_int_equal(sched_add(&vc[2], 0), -1); /* none free: it waits */
	struct vcpu *v = sched_pick(0);
	assert_ptr_equal(v, &vc[0]);
	clock_ns += 10 * sched_slice_ns;
	assert_false(sched_should_preempt(v, 0)); /* never shared, never preempted */
	vc[0].state = VCPU_STOPPING;
	sched_put(v); /* retires vCPU 0: its pCPU goes to the waiter */
	assert_int_equal(retired, 1);
	assert_int_equal(kicks, 1);
	assert_int_equal(last_kick, 0);
	assert_ptr_equal(sched_pick(0), &vc[2]);
}

static void test_sched_blocked_vcpu_is_not_queued_until_woken(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 2);
	sched_add(&vc[0], 1);
	struct vcpu *v = sched_pick(1);
	assert_ptr_equal(v, &vc[0]);
	sched_block(v);
	assert_true(sched_blocked(v));
	sched_put(v);
	assert_false(sched_blocked(v)); /* asleep now, no longer its pCPU's to give back */
	assert_null(sched_pick(0));
	assert_null(sched_pick(1));
	assert_int_equal(sched_wake(v), 1);  /* queued where it slept */
	assert_int_equal(sched_wake(v), -1); /* only once */
	assert_ptr_equal(sched_pick(1), &vc[0]);
	assert_null(sched_pick(1));
	assert_int_equal(retired, 0);
}

static void test_sched_wake_before_put_cancels_the_sleep(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	struct vcpu *v = sched_pick(0);
	sched_block(v);
	/* An interrupt arrives after the last look at the vGIC, before the pCPU gives the vCPU back. */
	assert_int_equal(sched_wake(v), -1);
	assert_false(sched_blocked(v));
	sched_put(v);
	assert_ptr_equal(sched_pick(0), &vc[0]);
}

static void test_sched_wake_of_a_running_vcpu_does_not_queue_it_twice(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	struct vcpu *v = sched_pick(0);
	assert_int_equal(sched_wake(v), -1);
	sched_put(v);
	assert_ptr_equal(sched_pick(0), &vc[0]);
	assert_null(sched_pick(0));
}

static void test_sched_sleeping_vcpu_of_a_dead_domain_retires_once_woken(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	struct vcpu *v = sched_pick(0);
	sched_block(v);
	sched_put(v);
	dom.state = DOMAIN_SHUTDOWN;
	assert_int_equal(sched_wake(v), 0);
	assert_null(sched_pick(0));
	assert_int_equal(retired, 1);
}

static void test_sched_blocking_vcpu_of_a_dead_domain_retires_at_put(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	struct vcpu *v = sched_pick(0);
	sched_block(v);
	dom.state = DOMAIN_SHUTDOWN;
	sched_put(v);
	assert_int_equal(retired, 1);
	assert_int_equal(sched_wake(v), -1); /* nothing left to queue */
}

static void test_sched_woken_vcpu_moves_within_its_new_affinity(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 2);
	sched_add(&vc[0], 0);
	struct vcpu *v = sched_pick(0);
	sched_block(v);
	sched_put(v);
	assert_int_equal(sched_set_affinity(v, 1u << 1), 0);
	assert_int_equal(sched_wake(v), 1);
	assert_null(sched_pick(0));
	assert_ptr_equal(sched_pick(1), &vc[0]);
}

static void test_sched_null_sleeping_vcpu_keeps_its_pcpu(void **state)
{
	(void)state;
	setup_vcpus(SCHED_NULL, 1);
	assert_int_equal(sched_add(&vc[0], 0), 0);
	assert_int_equal(sched_add(&vc[1], 0), -1);
	struct vcpu *v = sched_pick(0);
	sched_block(v);
	sched_put(v);
	assert_null(sched_pick(0)); /* the waiter does not get the pCPU of a vCPU in WFI */
	assert_int_equal(kicks, 0);
	assert_int_equal(sched_wake(v), 0);
	assert_ptr_equal(sched_pick(0), &vc[0]);
}

static void test_sched_woken_vcpu_with_credit_preempts_before_the_slice_ends(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	sched_add(&vc[1], 0);
	sched_add(&vc[2], 0);
	struct vcpu *v = sched_pick(0);
	assert_ptr_equal(v, &vc[0]);
	sched_block(v);
	sched_put(v); /* vCPU 0 sleeps in WFI with credit left */
	struct vcpu *r = sched_pick(0);
	assert_ptr_equal(r, &vc[1]);
	clock_ns += sched_slice_ns / 10;
	assert_false(sched_should_preempt(r, 0)); /* vCPU 2 waits, but the slice is young */
	assert_int_equal(sched_wake(&vc[0]), 0);  /* its timer fired */
	assert_true(sched_should_preempt(r, 0));
	sched_put(r);
	assert_ptr_equal(sched_pick(0), &vc[0]); /* ahead of vCPU 2, queued before it */
	assert_false(sched_should_preempt(&vc[0], 0));
}

/* Xen's sched_ratelimit_us: a woken vCPU takes the pCPU only once the running one has had the
 * limit, and a timer is set for that moment so it does not wait for the next slice. */
static void test_sched_ratelimit_holds_a_woken_vcpu_off_then_a_timer_looks_again(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	assert_int_equal(sched_set_ratelimit(100000), 0);
	sched_add(&vc[0], 0);
	sched_add(&vc[1], 0);
	struct vcpu *v = sched_pick(0);
	sched_block(v);
	sched_put(v);
	struct vcpu *r = sched_pick(0);
	assert_ptr_equal(r, &vc[1]);
	uint64_t picked = clock_ns;
	clock_ns += 40000;
	timer_armed_at = 0;
	assert_int_equal(sched_wake(&vc[0]), 0);
	assert_false(sched_should_preempt(r, 0)); /* 40 us of its 100 */
	assert_int_equal(timer_armed_at, picked + 100000);
	clock_ns = picked + 100000; /* the timer's interrupt: the exit looks again */
	assert_true(sched_should_preempt(r, 0));
	sched_put(r);
	assert_ptr_equal(sched_pick(0), &vc[0]);
}

static void test_sched_ratelimit_beyond_the_slice_is_refused(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	uint64_t before = sched_ratelimit_ns;
	assert_int_equal(sched_set_ratelimit(sched_slice_ns + 1), -XEN_EINVAL);
	assert_int_equal(sched_ratelimit_ns, before);
	assert_int_equal(sched_set_ratelimit(sched_slice_ns), 0);
}

static void test_sched_woken_vcpu_without_credit_waits_its_turn(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 1);
	sched_add(&vc[0], 0);
	sched_add(&vc[1], 0);
	struct vcpu *v = sched_pick(0);
	sched_block(v);
	clock_ns += 5 * sched_slice_ns; /* it used its credit, and more, before it slept */
	sched_put(v);
	struct vcpu *r = sched_pick(0);
	assert_ptr_equal(r, &vc[1]);
	assert_int_equal(sched_wake(&vc[0]), 0);
	assert_false(sched_should_preempt(r, 0));
}

static void test_sched_woken_vcpu_goes_to_an_idle_pcpu_not_behind_a_busy_one(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 2);
	sched_add(&vc[0], 0);
	sched_add(&vc[1], 0);
	struct vcpu *v = sched_pick(0);
	assert_ptr_equal(v, &vc[0]);
	sched_block(v);
	sched_put(v); /* vCPU 0 sleeps, last run on pCPU 0 */
	assert_ptr_equal(sched_pick(0), &vc[1]);
	assert_null(sched_pick(1)); /* pCPU 1 finds nothing: it idles */
	/* vCPU 1 sends vCPU 0 an IPI (Linux's stop_machine): queued behind vCPU 1 on pCPU 0 it would
	 * wait for vCPU 1's next exit, a slice if vCPU 1 spins, while pCPU 1 idles. */
	assert_int_equal(sched_wake(&vc[0]), 1);
	assert_false(sched_should_preempt(&vc[1], 0));
	assert_ptr_equal(sched_pick(1), &vc[0]);
}

static void test_sched_preempted_vcpu_left_waiting_kicks_an_idle_pcpu(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 2);
	assert_int_equal(sched_set_affinity(&vc[1], 1u << 0), 0);
	sched_add(&vc[0], 0);
	sched_add(&vc[1], 0);
	assert_ptr_equal(sched_pick(0), &vc[0]);
	assert_null(sched_pick(1)); /* vCPU 1 may not run there: pCPU 1 idles */
	clock_ns += sched_slice_ns;
	assert_true(sched_should_preempt(&vc[0], 0));
	sched_put(&vc[0]); /* behind vCPU 1 on pCPU 0 */
	assert_int_equal(kicks, 1);
	assert_int_equal(last_kick, 1);
	assert_ptr_equal(sched_pick(0), &vc[1]);
	assert_ptr_equal(sched_pick(1), &vc[0]);
}

static void test_sched_vcpu_alone_on_its_pcpu_kicks_no_other(void **state)
{
	(void)state;
	setup_vcpus(SCHED_CREDIT, 2);
	sched_add(&vc[0], 0);
	assert_ptr_equal(sched_pick(0), &vc[0]);
	assert_null(sched_pick(1));
	sched_put(&vc[0]); /* a WFE yields: nothing waits, no reason to move it */
	assert_int_equal(kicks, 0);
	assert_ptr_equal(sched_pick(0), &vc[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_credit_shares_one_pcpu_by_weight),
		cmocka_unit_test(test_sched_credit_shares_two_pcpus_by_weight),
		cmocka_unit_test(test_sched_credit_cap_limits_a_vcpu_even_with_the_pcpu_idle),
		cmocka_unit_test(test_sched_credit_affinity_is_never_broken_by_stealing),
		cmocka_unit_test(test_sched_credit_idle_pcpu_steals_work_with_credit),
		cmocka_unit_test(test_sched_preempts_only_after_a_slice_with_someone_waiting),
		cmocka_unit_test(test_sched_retires_stopping_vcpus_instead_of_running_them),
		cmocka_unit_test(test_sched_paused_domain_stays_queued_but_is_not_run),
		cmocka_unit_test(test_sched_params_are_validated),
		cmocka_unit_test(test_sched_null_gives_each_vcpu_its_own_pcpu_and_hands_over),
		cmocka_unit_test(test_sched_blocked_vcpu_is_not_queued_until_woken),
		cmocka_unit_test(test_sched_wake_before_put_cancels_the_sleep),
		cmocka_unit_test(test_sched_wake_of_a_running_vcpu_does_not_queue_it_twice),
		cmocka_unit_test(test_sched_sleeping_vcpu_of_a_dead_domain_retires_once_woken),
		cmocka_unit_test(test_sched_blocking_vcpu_of_a_dead_domain_retires_at_put),
		cmocka_unit_test(test_sched_woken_vcpu_moves_within_its_new_affinity),
		cmocka_unit_test(test_sched_null_sleeping_vcpu_keeps_its_pcpu),
		cmocka_unit_test(test_sched_woken_vcpu_with_credit_preempts_before_the_slice_ends),
		cmocka_unit_test(test_sched_ratelimit_holds_a_woken_vcpu_off_then_a_timer_looks_again),
		cmocka_unit_test(test_sched_ratelimit_beyond_the_slice_is_refused),
		cmocka_unit_test(test_sched_woken_vcpu_without_credit_waits_its_turn),
		cmocka_unit_test(test_sched_woken_vcpu_goes_to_an_idle_pcpu_not_behind_a_busy_one),
		cmocka_unit_test(test_sched_preempted_vcpu_left_waiting_kicks_an_idle_pcpu),
		cmocka_unit_test(test_sched_vcpu_alone_on_its_pcpu_kicks_no_other),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
