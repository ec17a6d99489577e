/* The sim's PSCI firmware model and hal_cpu_start over it, driven by a fake core on the boot CPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hal/cpu.h"
#include "hal/psci.h"
#include "harness.h"
#include "public/errno.h"

#define PSCI_FEATURES    0x8400000au
#define PSCI_CPU_SUSPEND 0xc4000001u

static int64_t ret[8];
static unsigned seen_cpu, seen_index;
static uint64_t seen_mpidr;

static int setup(void **state)
{
	(void)state;
	harness_reset();
	for (unsigned i = 0; i < 8; i++)
		ret[i] = 12345;
	seen_cpu = seen_index = 99;
	seen_mpidr = 99;
	return 0;
}

static int64_t cpu_on(uint64_t mpidr, unsigned idx)
{
	return hal_psci_call(PSCI_CPU_ON_64, mpidr, sim_secondary_entry(), idx);
}

static int run(void (*boot)(void), void (*secondary)(unsigned))
{
	struct sim_result r;
	return harness_run(boot, secondary, 1, 0, &r);
}

static void version_and_features(void)
{
	ret[0] = hal_psci_call(PSCI_VERSION, 0, 0, 0);
	ret[1] = hal_psci_call(PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0);
	ret[2] = hal_psci_call(PSCI_FEATURES, PSCI_CPU_SUSPEND, 0, 0);
	ret[3] = hal_psci_call(0x8400ffffu, 0, 0, 0);
}

static void test_psci_version_is_1_1_and_unknown_functions_are_not_supported(void **state)
{
	(void)state;
	assert_int_equal(run(version_and_features, NULL), 0);
	assert_int_equal(ret[0], 0x10001);
	assert_int_equal(ret[1], PSCI_RET_SUCCESS);
	assert_int_equal(ret[2], PSCI_RET_NOT_SUPPORTED);
	assert_int_equal(ret[3], PSCI_RET_NOT_SUPPORTED);
}

static void test_psci_without_an_smc_conduit_answers_nothing(void **state)
{
	(void)state;
	harness_plat.psci = PLAT_PSCI_HVC;
	assert_int_equal(run(version_and_features, NULL), 0);
	assert_int_equal(ret[0], PSCI_RET_NOT_SUPPORTED);
}

static void on_twice(void)
{
	ret[0] = cpu_on(1, 1);
	ret[1] = cpu_on(1, 1);
	for (int i = 0; i < 50; i++)
		hal_cpu_relax();
	ret[2] = cpu_on(1, 1);
}

static void test_psci_cpu_on_twice_is_already_on(void **state)
{
	(void)state;
	assert_int_equal(run(on_twice, NULL), 0);
	assert_int_equal(ret[0], PSCI_RET_SUCCESS);
	assert_int_equal(ret[1], PSCI_RET_ALREADY_ON); /* pending counts as on, as for Xen's vCPUs */
	assert_int_equal(ret[2], PSCI_RET_ALREADY_ON);
}

static void bad_targets(void)
{
	ret[0] = cpu_on(7, 1);                                    /* no such CPU */
	ret[1] = cpu_on(1ull << 24, 1);                           /* bits outside the affinity fields */
	ret[2] = cpu_on(0, 1);                                    /* the caller itself */
	ret[3] = hal_psci_call(PSCI_CPU_ON_64, 2, 0x40080000, 1); /* not the sim's entry point */
}

static void test_psci_cpu_on_checks_its_target_and_entry_point(void **state)
{
	(void)state;
	assert_int_equal(run(bad_targets, NULL), 0);
	assert_int_equal(ret[0], PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(ret[1], PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(ret[2], PSCI_RET_ALREADY_ON);
	assert_int_equal(ret[3], PSCI_RET_INVALID_ADDRESS);
}

static void affinity(void)
{
	ret[0] = hal_psci_call(PSCI_AFFINITY_INFO_64, 0x100, 0, 0);
	cpu_on(0x100, 3);
	ret[1] = hal_psci_call(PSCI_AFFINITY_INFO_64, 0x100, 0, 0);
	ret[2] = hal_psci_call(PSCI_AFFINITY_INFO_64, 0x100, 1, 0);
	ret[3] = hal_psci_call(PSCI_AFFINITY_INFO_64, 0x200, 0, 0);
}

static void test_psci_affinity_info_follows_the_power_state(void **state)
{
	(void)state;
	assert_int_equal(run(affinity, NULL), 0);
	assert_int_equal(ret[0], 1); /* OFF */
	assert_int_equal(ret[1], 0); /* ON */
	assert_int_equal(ret[2], PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(ret[3], PSCI_RET_INVALID_PARAMETERS);
}

static void record_secondary(unsigned idx)
{
	seen_index = idx;
	seen_cpu = hal_cpu_id();
	seen_mpidr = hal_cpu_mpidr();
}

static void start_via_hal(void)
{
	ret[0] = hal_cpu_start(2, 0x100);
	ret[1] = hal_cpu_start(2, 0x100);
	ret[2] = hal_cpu_start(1, 0x42);
	ret[3] = hal_cpu_start(0, 1);
	ret[4] = hal_cpu_id();
	ret[5] = (int64_t)hal_cpu_mpidr();
	while (seen_cpu == 99)
		hal_cpu_relax();
}

static void test_hal_cpu_start_enters_the_secondary_as_the_given_logical_cpu(void **state)
{
	(void)state;
	assert_int_equal(run(start_via_hal, record_secondary), 0);
	assert_int_equal(ret[0], 0);
	assert_int_equal(ret[1], -XEN_EEXIST);
	assert_int_equal(ret[2], -XEN_EINVAL);
	assert_int_equal(ret[3], -XEN_EINVAL);
	assert_int_equal(ret[4], 0);
	assert_int_equal(ret[5], 0);
	assert_int_equal(seen_index, 2);
	assert_int_equal(seen_cpu, 2);
	assert_int_equal(seen_mpidr, 0x100);
}

static void off_secondary(unsigned idx)
{
	seen_index = idx;
	hal_psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

static void off_then_on(void)
{
	ret[0] = cpu_on(1, 1);
	while (seen_index != 1 || hal_psci_call(PSCI_AFFINITY_INFO_64, 1, 0, 0) != 1)
		hal_cpu_relax();
	ret[1] = cpu_on(1, 3); /* a powered-off CPU starts again from reset */
	while (seen_index != 3)
		hal_cpu_relax();
}

static void test_psci_cpu_off_powers_down_and_cpu_on_restarts_from_reset(void **state)
{
	(void)state;
	assert_int_equal(run(off_then_on, off_secondary), 0);
	assert_int_equal(ret[0], PSCI_RET_SUCCESS);
	assert_int_equal(ret[1], PSCI_RET_SUCCESS);
	assert_int_equal(seen_index, 3);
}

static void system_off(void)
{
	hal_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	ret[0] = 1; /* never reached */
}

static void test_psci_system_off_stops_the_machine_with_status_0(void **state)
{
	struct sim_result r;

	(void)state;
	assert_int_equal(harness_run(system_off, NULL, 1, 0, &r), 0);
	assert_int_equal(r.kind, SIM_STOP_OFF);
	assert_int_equal(ret[0], 12345);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_psci_version_is_1_1_and_unknown_functions_are_not_supported),
		T(test_psci_without_an_smc_conduit_answers_nothing),
		T(test_psci_cpu_on_twice_is_already_on),
		T(test_psci_cpu_on_checks_its_target_and_entry_point),
		T(test_psci_affinity_info_follows_the_power_state),
		T(test_hal_cpu_start_enters_the_secondary_as_the_given_logical_cpu),
		T(test_psci_cpu_off_powers_down_and_cpu_on_restarts_from_reset),
		T(test_psci_system_off_stops_the_machine_with_status_0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
