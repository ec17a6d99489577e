/* con_printf: whole lines to the HAL console, bounded by the line buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/console.h"
#include "fake_hal.h"

static int reset(void **state)
{
	(void)state;
	fake_hal_reset();
	return 0;
}

static void test_con_printf_writes_formatted_line_to_uart(void **state)
{
	(void)state;
	con_printf("Halcyon: %u CPUs online\n", 4u);
	assert_string_equal(fake_console, "Halcyon: 4 CPUs online\n");
}

static void test_con_printf_consecutive_calls_append_in_order(void **state)
{
	(void)state;
	con_printf("a%d", 1);
	con_printf("b%d\n", 2);
	assert_string_equal(fake_console, "a1b2\n");
}

static void test_con_printf_overlong_line_is_truncated_not_overrun(void **state)
{
	(void)state;
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	con_printf("%s", big);
	assert_int_equal(fake_console_len, 255);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_con_printf_writes_formatted_line_to_uart, reset),
		cmocka_unit_test_setup(test_con_printf_consecutive_calls_append_in_order, reset),
		cmocka_unit_test_setup(test_con_printf_overlong_line_is_truncated_not_overrun, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
