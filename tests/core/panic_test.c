/* panic and hyp_fatal_exception: what a hypervisor bug leaves on the console. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/panic.h"
#include "fake_hal.h"

static int reset(void **state)
{
	(void)state;
	fake_hal_reset();
	return 0;
}

static void test_panic_prints_cpu_and_message_then_stops_with_status(void **state)
{
	(void)state;
	if (setjmp(fake_panic_jmp) == 0)
		panic("frame %#x owned twice", 0x40123u);
	assert_int_equal(fake_panic_status, PANIC_STATUS);
	assert_string_equal(fake_console, "PANIC on CPU 2: frame 0x40123 owned twice\n");
}

static void test_assert_failure_names_condition_and_location(void **state)
{
	(void)state;
	int refs = 0;
	if (setjmp(fake_panic_jmp) == 0)
		ASSERT(refs > 0);
	assert_int_equal(fake_panic_status, PANIC_STATUS);
	assert_non_null(strstr(fake_console, "assertion 'refs > 0' failed at "));
	assert_non_null(strstr(fake_console, "panic_test.c"));
}

static void test_fatal_exception_decodes_esr_and_dumps_registers(void **state)
{
	(void)state;
	struct hal_frame f;
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 31; i++)
		f.x[i] = 0x1000u + (uint64_t)i;
	/* A level-1 translation fault on a load into x0 (QEMU's, see FACTS.md), taken at EL2. */
	f.esr = 0x97c08005; /* EC 0x25 */
	f.elr = 0x40201234;
	f.far = 0x8000000;
	if (setjmp(fake_panic_jmp) == 0)
		hyp_fatal_exception(&f, "sync");
	assert_int_equal(fake_panic_status, PANIC_STATUS);
	assert_non_null(strstr(fake_console, "unexpected sync exception at EL2"));
	assert_non_null(
	    strstr(fake_console, "ESR_EL2 0000000097c08005 (EC 0x25 data abort, same EL, IL 1, ISS 0x1c08005)"));
	assert_non_null(strstr(fake_console, "ELR_EL2 0000000040201234"));
	assert_non_null(strstr(fake_console, "FAR_EL2 0000000008000000"));
	assert_non_null(strstr(fake_console, "x0  0000000000001000  x1  0000000000001001"));
	assert_non_null(strstr(fake_console, "x30 000000000000101e"));
}

static void test_ec_names_cover_traps_and_reserved_classes(void **state)
{
	(void)state;
	assert_string_equal(panic_ec_name(0x16), "HVC");
	assert_string_equal(panic_ec_name(0x24), "data abort, lower EL");
	assert_string_equal(panic_ec_name(0x3f), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_panic_prints_cpu_and_message_then_stops_with_status, reset),
		cmocka_unit_test_setup(test_assert_failure_names_condition_and_location, reset),
		cmocka_unit_test_setup(test_fatal_exception_decodes_esr_and_dumps_registers, reset),
		cmocka_unit_test_setup(test_ec_names_cover_traps_and_reserved_classes, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
