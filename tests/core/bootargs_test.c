/* bootargs_has / bootargs_get: the hypervisor command line, Xen-style words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/bootargs.h"

static const char *args = "console=dtuart dtuart=/pl011@9000000  dom0_mem=512M\tsemihosting poweroff_when_idle";

static void test_bootargs_has_finds_bare_and_valued_words(void **state)
{
	(void)state;
	assert_true(bootargs_has(args, "semihosting"));
	assert_true(bootargs_has(args, "poweroff_when_idle"));
	assert_true(bootargs_has(args, "dom0_mem"));
}

static void test_bootargs_has_rejects_prefixes_and_suffixes(void **state)
{
	(void)state;
	assert_false(bootargs_has(args, "dom0"));
	assert_false(bootargs_has(args, "hosting"));
	assert_false(bootargs_has(args, "console=dt"));
}

static void test_bootargs_get_returns_value_up_to_separator(void **state)
{
	(void)state;
	char v[32];
	assert_true(bootargs_get(args, "dtuart", v, sizeof(v)));
	assert_string_equal(v, "/pl011@9000000");
	assert_true(bootargs_get(args, "dom0_mem", v, sizeof(v)));
	assert_string_equal(v, "512M");
}

static void test_bootargs_get_bare_word_gives_empty_value(void **state)
{
	(void)state;
	char v[8] = "junk";
	assert_true(bootargs_get(args, "semihosting", v, sizeof(v)));
	assert_string_equal(v, "");
}

static void test_bootargs_get_truncates_to_buffer(void **state)
{
	(void)state;
	char v[5];
	assert_true(bootargs_get(args, "dtuart", v, sizeof(v)));
	assert_string_equal(v, "/pl0");
}

static void test_bootargs_null_or_empty_line_has_nothing(void **state)
{
	(void)state;
	char v[8];
	assert_false(bootargs_has(NULL, "semihosting"));
	assert_false(bootargs_has("", "semihosting"));
	assert_false(bootargs_get(NULL, "dtuart", v, sizeof(v)));
	assert_false(bootargs_get("   ", "dtuart", v, sizeof(v)));
}

static void test_bootargs_size_parses_suffixes(void **state)
{
	(void)state;
	uint64_t b;
	assert_true(bootargs_size("dom0_mem=512M", "dom0_mem", &b));
	assert_int_equal(b, 512ull << 20);
	assert_true(bootargs_size("x dom0_mem=2G", "dom0_mem", &b));
	assert_int_equal(b, 2ull << 30);
	assert_true(bootargs_size("dom0_mem=64k", "dom0_mem", &b));
	assert_int_equal(b, 64ull << 10);
	assert_true(bootargs_size("dom0_mem=4096", "dom0_mem", &b));
	assert_int_equal(b, 4096);
}

static void test_bootargs_size_rejects_other_forms(void **state)
{
	(void)state;
	uint64_t b;
	assert_false(bootargs_size("dom0_mem=min:128M,max:1G", "dom0_mem", &b));
	assert_false(bootargs_size("dom0_mem=12T", "dom0_mem", &b));
	assert_false(bootargs_size("dom0_mem=M", "dom0_mem", &b));
	assert_false(bootargs_size("dom0_mem=99999999999999999999G", "dom0_mem", &b));
	assert_false(bootargs_size("dom0_mem=17179869184G", "dom0_mem", &b)); /* 2^64 bytes */
	assert_false(bootargs_size("other=1M", "dom0_mem", &b));
}

static void test_bootargs_uint_parses_decimal_only(void **state)
{
	(void)state;
	uint64_t v;
	assert_true(bootargs_uint("dom0_max_vcpus=2", "dom0_max_vcpus", &v));
	assert_int_equal(v, 2);
	assert_false(bootargs_uint("dom0_max_vcpus=2-4", "dom0_max_vcpus", &v));
	assert_false(bootargs_uint("dom0_max_vcpus=", "dom0_max_vcpus", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bootargs_has_finds_bare_and_valued_words),
		cmocka_unit_test(test_bootargs_has_rejects_prefixes_and_suffixes),
		cmocka_unit_test(test_bootargs_get_returns_value_up_to_separator),
		cmocka_unit_test(test_bootargs_get_bare_word_gives_empty_value),
		cmocka_unit_test(test_bootargs_get_truncates_to_buffer),
		cmocka_unit_test(test_bootargs_null_or_empty_line_has_nothing),
		cmocka_unit_test(test_bootargs_size_parses_suffixes),
		cmocka_unit_test(test_bootargs_size_rejects_other_forms),
		cmocka_unit_test(test_bootargs_uint_parses_decimal_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
