/* fmt_vsnprintf: the console's formatter, checked against C's printf semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/format.h"

/* Formats with ours and with the host libc; they must agree byte for byte. */
#define CHECK_LIKE_LIBC(...)                                                                                           \
	do {                                                                                                           \
		char ours[128], theirs[128];                                                                           \
		int n1 = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__);                                                \
		int n2 = snprintf(theirs, sizeof(theirs), __VA_ARGS__);                                                \
		assert_string_equal(ours, theirs);                                                                     \
		assert_int_equal(n1, n2);                                                                              \
	} while (0)

static void test_format_integers_match_libc(void **state)
{
	(void)state;
	CHECK_LIKE_LIBC("%d %i %u", 0, -42, 42u);
	CHECK_LIKE_LIBC("%d", INT32_MIN);
	CHECK_LIKE_LIBC("%lld", (long long)INT64_MIN);
	CHECK_LIKE_LIBC("%llu", (unsigned long long)UINT64_MAX);
	CHECK_LIKE_LIBC("%lx %lX", 0xdeadbeefUL, 0xcafef00dUL);
	CHECK_LIKE_LIBC("%zu %zx", (size_t)12345, (size_t)0xabc);
	CHECK_LIKE_LIBC("%+d %+d", 5, -5);
}

static void test_format_width_precision_and_flags_match_libc(void **state)
{
	(void)state;
	CHECK_LIKE_LIBC("[%8d][%-8d][%08d]", 42, 42, -42);
	CHECK_LIKE_LIBC("[%016llx]", 0x1234ULL);
	CHECK_LIKE_LIBC("[%#x][%#X][%#x]", 255u, 255u, 0u);
	CHECK_LIKE_LIBC("[%#010x]", 0x1fu);
	CHECK_LIKE_LIBC("[%.5d][%8.3d][%.0d]", 42, 7, 0);
	CHECK_LIKE_LIBC("[%*d][%-*d]", 6, 1, 6, 2);
	CHECK_LIKE_LIBC("[%-2d]", 12345);
}

static void test_format_strings_and_chars_match_libc(void **state)
{
	(void)state;
	CHECK_LIKE_LIBC("[%s][%10s][%-10s][%.3s]", "gic", "timer", "pl011", "hypervisor");
	CHECK_LIKE_LIBC("[%c%c][%3c]", 'o', 'k', '!');
	CHECK_LIKE_LIBC("100%%");
}

static void test_format_pointer_prints_hex_with_prefix(void **state)
{
	(void)state;
	char buf[32];
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x40200000);
	assert_string_equal(buf, "0x40200000");
}

static void test_format_null_string_prints_placeholder(void **state)
{
	(void)state;
	char buf[32];
	const char *volatile none = NULL; /* hidden from -Wformat-overflow, which knows it is NULL */
	fmt_snprintf(buf, sizeof(buf), "%s", none);
	assert_string_equal(buf, "(null)");
}

static void test_format_truncates_but_returns_full_length(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'X', sizeof(buf));
	int n = fmt_snprintf(buf, 5, "Halcyon %d", 2026);
	assert_int_equal(n, 12);
	assert_string_equal(buf, "Halc");
	assert_int_equal(buf[5], 'X'); /* nothing written past size */
}

static void test_format_zero_size_writes_nothing(void **state)
{
	(void)state;
	char buf[4] = "abc";
	assert_int_equal(fmt_snprintf(buf, 0, "%d", 123456), 6);
	assert_string_equal(buf, "abc");
}

/* The next two feed deliberately bad formats, which the compiler rightly flags. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void test_format_unknown_conversion_is_printed_verbatim(void **state)
{
	(void)state;
	char buf[32];
	fmt_snprintf(buf, sizeof(buf), "a%qb");
	assert_string_equal(buf, "a%qb");
}

static void test_format_trailing_percent_ends_output(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "50%"), 2);
	assert_string_equal(buf, "50");
}
#pragma GCC diagnostic pop

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_integers_match_libc),
		cmocka_unit_test(test_format_width_precision_and_flags_match_libc),
		cmocka_unit_test(test_format_strings_and_chars_match_libc),
		cmocka_unit_test(test_format_pointer_prints_hex_with_prefix),
		cmocka_unit_test(test_format_null_string_prints_placeholder),
		cmocka_unit_test(test_format_truncates_but_returns_full_length),
		cmocka_unit_test(test_format_zero_size_writes_nothing),
		cmocka_unit_test(test_format_unknown_conversion_is_printed_verbatim),
		cmocka_unit_test(test_format_trailing_percent_ends_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
