/* dt_node's checked reads: alias-safe path lookup (libfdt 1.6.1 would recurse forever on a
 * self-referencing alias), terminated strings, status, and messages that name the node. */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dt/dt_node.h"
#include "dt_fixture.h"
#include "public/errno.h"

#define UART "/soc@1c000000/serial@20000"

static void *tree;
static struct dt_error err;

static int load_board(void **state)
{
	(void)state;
	tree = fx_load(FX_BOARD);
	return 0;
}

static int free_tree(void **state)
{
	(void)state;
	fx_free(tree);
	return 0;
}

static int lookup(const char *path) { return dt_lookup(tree, path, (int)strlen(path), &err); }

static void test_dt_lookup_absolute_path_finds_node(void **state)
{
	(void)state;
	assert_int_equal(lookup(UART), fx_node(tree, UART));
}

static void test_dt_lookup_alias_finds_its_node(void **state)
{
	(void)state;
	assert_int_equal(lookup("serial0"), fx_node(tree, UART));
}

static void test_dt_lookup_stops_at_len(void **state)
{
	(void)state;
	const char *spec = "serial1:115200n8";
	assert_int_equal(dt_lookup(tree, spec, 7, &err), fx_node(tree, "/soc@1c000000/bridge@80000/serial@1000"));
}

static void test_dt_lookup_alias_followed_by_subpath_finds_child(void **state)
{
	(void)state;
	fx_string(tree, "/aliases", "soc", "/soc@1c000000");
	assert_int_equal(lookup("soc/serial@20000"), fx_node(tree, UART));
}

static void test_dt_lookup_unknown_alias_returns_enoent(void **state)
{
	(void)state;
	assert_int_equal(lookup("serial7"), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "no alias 'serial7'"));
	assert_int_equal(lookup("/nowhere"), -XEN_ENOENT);
	assert_true(fx_contains(err.msg, "'/nowhere' names no node"));
	assert_int_equal(dt_lookup(tree, "", 0, &err), -XEN_ENOENT);
}

static void test_dt_lookup_self_referencing_alias_returns_einval_without_recursing(void **state)
{
	(void)state;
	fx_string(tree, "/aliases", "serial0", "serial0");
	assert_int_equal(lookup("serial0"), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/aliases: alias 'serial0' is not an absolute path"));
}

static void test_dt_lookup_unterminated_alias_returns_einval(void **state)
{
	(void)state;
	fx_bytes(tree, "/aliases", "serial0", UART, (int)strlen(UART));
	assert_int_equal(lookup("serial0"), -XEN_EINVAL);
}

static void test_dt_string_unterminated_returns_einval(void **state)
{
	(void)state;
	const char *s;
	fx_bytes(tree, "/chosen", "bootargs", "abc", 3);
	assert_int_equal(dt_string(tree, fx_node(tree, "/chosen"), "bootargs", &s, &err), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/chosen: bootargs is not a NUL-terminated string"));
	assert_int_equal(dt_string(tree, fx_node(tree, "/chosen"), "nothing", &s, &err), -XEN_ENOENT);
}

static void test_dt_enabled_accepts_okay_ok_and_absent_only(void **state)
{
	(void)state;
	int node = fx_node(tree, UART);
	assert_true(dt_enabled(tree, node));
	fx_string(tree, UART, "status", "ok");
	assert_true(dt_enabled(tree, node));
	fx_string(tree, UART, "status", "okay");
	assert_true(dt_enabled(tree, node));
	fx_string(tree, UART, "status", "fail-overheated");
	assert_false(dt_enabled(tree, node));
	fx_bytes(tree, UART, "status", "okay", 4);
	assert_false(dt_enabled(tree, node));
}

static void test_dt_fail_truncates_long_messages_safely(void **state)
{
	(void)state;
	char long_word[400];
	memset(long_word, 'x', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	assert_int_equal(dt_fail(&err, tree, fx_node(tree, UART), -XEN_EINVAL, "%s", long_word), -XEN_EINVAL);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_true(fx_contains(err.msg, UART ": xxx"));
}

#define T(test) cmocka_unit_test_setup_teardown(test, load_board, free_tree)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dt_lookup_absolute_path_finds_node),
		T(test_dt_lookup_alias_finds_its_node),
		T(test_dt_lookup_stops_at_len),
		T(test_dt_lookup_alias_followed_by_subpath_finds_child),
		T(test_dt_lookup_unknown_alias_returns_enoent),
		T(test_dt_lookup_self_referencing_alias_returns_einval_without_recursing),
		T(test_dt_lookup_unterminated_alias_returns_einval),
		T(test_dt_string_unterminated_returns_einval),
		T(test_dt_enabled_accepts_okay_ok_and_absent_only),
		T(test_dt_fail_truncates_long_messages_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
