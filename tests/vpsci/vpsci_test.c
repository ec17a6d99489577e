/* vpsci_call: PSCI 1.1 and SMCCC 1.1 as a guest sees them, with hostile arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "vpsci/vpsci.h"

static struct domain dom;
static struct vcpu vcpus[2];
static unsigned shutdowns, last_reason, kicks, started_pcpu, stops;

bool domain_vcpu_claim(struct vcpu *v)
{
	if (v->state != VCPU_OFFLINE)
		return false;
	v->state = VCPU_RUNNABLE;
	return true;
}

void domain_vcpu_stop(struct vcpu *v)
{
	v->state = VCPU_STOPPING;
	stops++;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	assert_ptr_equal(d, &dom);
	shutdowns++;
	last_reason = reason;
}

void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	v->ctx.pc = entry;
	v->ctx.x[0] = x0;
}

int vcpu_start(struct vcpu *v, unsigned pcpu)
{
	v->pcpu = pcpu;
	started_pcpu = pcpu;
	return (int)pcpu;
}

void hal_cpu_kick(unsigned cpu)
{
	assert_int_equal(cpu, started_pcpu);
	kicks++;
}

static int setup(void **state)
{
	(void)state;
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	dom.id = 1;
	dom.nr_vcpus = 2;
	for (unsigned i = 0; i < 2; i++) {
		vcpus[i].dom = &dom;
		vcpus[i].id = i;
		vcpus[i].ctx.vmpidr = (1ull << 31) | i;
		dom.vcpu[i] = &vcpus[i];
	}
	vcpus[0].state = VCPU_RUNNABLE;
	shutdowns = kicks = stops = 0;
	vpsci_set_pcpus(2);
	return 0;
}

static int64_t call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, bool *running)
{
	vcpus[0].ctx.x[0] = fid;
	vcpus[0].ctx.x[1] = a1;
	vcpus[0].ctx.x[2] = a2;
	vcpus[0].ctx.x[3] = a3;
	bool r = vpsci_call(&vcpus[0]);
	if (running)
		*running = r;
	return (int64_t)vcpus[0].ctx.x[0];
}

static void test_vpsci_versions_are_1_1(void **state)
{
	(void)state;
	assert_int_equal(call(PSCI_VERSION_FID, 0, 0, 0, NULL), 0x10001);
	assert_int_equal(call(SMCCC_VERSION_FID, 0, 0, 0, NULL), 0x10001);
}

static void test_vpsci_cpu_on_starts_secondary_at_entry_with_context(void **state)
{
	(void)state;
	bool running;
	assert_int_equal(call(PSCI_CPU_ON_FID | SMCCC_64BIT, 1, 0x40081000, 0xc0ffee, &running), PSCI_SUCCESS);
	assert_true(running);
	assert_int_equal(vcpus[1].state, VCPU_RUNNABLE);
	assert_int_equal(vcpus[1].ctx.pc, 0x40081000);
	assert_int_equal(vcpus[1].ctx.x[0], 0xc0ffee);
	assert_int_equal(kicks, 1);
	assert_int_equal(call(PSCI_AFFINITY_INFO_FID | SMCCC_64BIT, 1, 0, 0, NULL), PSCI_AFFINITY_ON);
}

static void test_vpsci_cpu_on_twice_returns_already_on(void **state)
{
	(void)state;
	assert_int_equal(call(PSCI_CPU_ON_FID | SMCCC_64BIT, 1, 0x40081000, 0, NULL), PSCI_SUCCESS);
	assert_int_equal(call(PSCI_CPU_ON_FID | SMCCC_64BIT, 1, 0x40082000, 0, NULL), PSCI_ALREADY_ON);
	assert_int_equal(vcpus[1].ctx.pc, 0x40081000);
	assert_int_equal(call(PSCI_CPU_ON_FID | SMCCC_64BIT, 0, 0x40082000, 0, NULL), PSCI_ALREADY_ON);
}

static void test_vpsci_cpu_on_unknown_mpidr_or_bad_entry_is_refused(void **state)
{
	(void)state;
	assert_int_equal(call(PSCI_CPU_ON_FID | SMCCC_64BIT, 7, 0x40081000, 0, NULL), PSCI_INVALID_PARAMETERS);
	assert_int_equal(call(PSCI_CPU_ON_FID | SMCCC_64BIT, 0x100, 0x40081000, 0, NULL), PSCI_INVALID_PARAMETERS);
	assert_int_equal(call(PSCI_CPU_ON_FID | SMCCC_64BIT, 1, 0x40081002, 0, NULL), PSCI_INVALID_ADDRESS);
	assert_int_equal(vcpus[1].state, VCPU_OFFLINE);
	assert_int_equal(kicks, 0);
}

static void test_vpsci_smc32_cpu_on_ignores_upper_argument_halves(void **state)
{
	(void)state;
	assert_int_equal(call(PSCI_CPU_ON_FID, 0xffffffff00000001ull, 0xdead000040081000ull, 0x1234500000007ull, NULL),
			 PSCI_SUCCESS);
	assert_int_equal(vcpus[1].ctx.pc, 0x40081000);
	assert_int_equal(vcpus[1].ctx.x[0], 7);
}

static void test_vpsci_cpu_off_stops_the_caller(void **state)
{
	(void)state;
	bool running;
	call(PSCI_CPU_OFF_FID, 0, 0, 0, &running);
	assert_false(running);
	assert_int_equal(stops, 1);
	assert_int_equal(vcpus[0].state, VCPU_STOPPING);
}

static void test_vpsci_affinity_info_reports_off_and_rejects_levels(void **state)
{
	(void)state;
	assert_int_equal(call(PSCI_AFFINITY_INFO_FID, 1, 0, 0, NULL), PSCI_AFFINITY_OFF);
	assert_int_equal(call(PSCI_AFFINITY_INFO_FID, 0, 0, 0, NULL), PSCI_AFFINITY_ON);
	assert_int_equal(call(PSCI_AFFINITY_INFO_FID, 0, 1, 0, NULL), PSCI_INVALID_PARAMETERS);
	assert_int_equal(call(PSCI_AFFINITY_INFO_FID, 9, 0, 0, NULL), PSCI_AFFINITY_OFF); /* no such vCPU: off */
}

static void test_vpsci_system_off_and_reset_shut_the_domain_down(void **state)
{
	(void)state;
	bool running;
	call(PSCI_SYSTEM_OFF_FID, 0, 0, 0, &running);
	assert_false(running);
	assert_int_equal(last_reason, SHUTDOWN_poweroff);
	call(PSCI_SYSTEM_RESET_FID, 0, 0, 0, &running);
	assert_int_equal(last_reason, SHUTDOWN_reboot);
	assert_int_equal(shutdowns, 2);
}

static void test_vpsci_features_and_unknown_functions(void **state)
{
	(void)state;
	assert_int_equal(call(PSCI_FEATURES_FID, PSCI_CPU_ON_FID | SMCCC_64BIT, 0, 0, NULL), PSCI_SUCCESS);
	assert_int_equal(call(PSCI_FEATURES_FID, PSCI_CPU_SUSPEND_FID, 0, 0, NULL), PSCI_NOT_SUPPORTED);
	assert_int_equal(call(PSCI_FEATURES_FID, 0x12345678, 0, 0, NULL), PSCI_NOT_SUPPORTED);
	assert_int_equal(call(PSCI_MIGRATE_INFO_TYPE_FID, 0, 0, 0, NULL), 2);
	assert_int_equal(call(SMCCC_ARCH_FEATURES_FID, 0x80008000, 0, 0, NULL), PSCI_NOT_SUPPORTED);
	assert_int_equal(call(0xc2000000, 0, 0, 0, NULL), PSCI_NOT_SUPPORTED);
	assert_int_equal(call(0x100000000ull | PSCI_SYSTEM_OFF_FID, 0, 0, 0, NULL), PSCI_NOT_SUPPORTED);
	assert_int_equal(shutdowns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vpsci_versions_are_1_1, setup),
		cmocka_unit_test_setup(test_vpsci_cpu_on_starts_secondary_at_entry_with_context, setup),
		cmocka_unit_test_setup(test_vpsci_cpu_on_twice_returns_already_on, setup),
		cmocka_unit_test_setup(test_vpsci_cpu_on_unknown_mpidr_or_bad_entry_is_refused, setup),
		cmocka_unit_test_setup(test_vpsci_smc32_cpu_on_ignores_upper_argument_halves, setup),
		cmocka_unit_test_setup(test_vpsci_cpu_off_stops_the_caller, setup),
		cmocka_unit_test_setup(test_vpsci_affinity_info_reports_off_and_rejects_levels, setup),
		cmocka_unit_test_setup(test_vpsci_system_off_and_reset_shut_the_domain_down, setup),
		cmocka_unit_test_setup(test_vpsci_features_and_unknown_functions, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
