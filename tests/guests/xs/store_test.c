/* The xenstore's tree on the host: nodes, Xen's permission rules, quotas, the heap's compaction and
 * transactions (a conflict is EAGAIN, unrelated changes survive a commit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/xs/store.h"
#include "lib/xs/store_int.h"
#include "public/errno.h"

static struct xs_store store;
static struct xs_tx_state txa, txb;
static char changes[4096];

static void on_change(void *ctx, const char *path, bool removed)
{
	(void)ctx;
	size_t n = strlen(changes);
	snprintf(changes + n, sizeof(changes) - n, "%s%s;", removed ? "-" : "", path);
}

static const struct xs_caller dom0 = { 0, true, NULL, on_change, NULL };
static const struct xs_caller dom1 = { 1, false, NULL, on_change, NULL };
static const struct xs_caller dom2 = { 2, false, NULL, on_change, NULL };

static int setup(void **state)
{
	(void)state;
	xs_store_init(&store);
	changes[0] = '\0';
	/* What the daemon does when a domain is introduced: its home, owned by it. */
	const struct xs_perm p1 = { 1, 0 }, p2 = { 2, 0 };
	assert_int_equal(xs_store_mkdir(&store, &dom0, "/local/domain/1"), 0);
	assert_int_equal(xs_store_set_perms(&store, &dom0, "/local/domain/1", &p1, 1), 0);
	assert_int_equal(xs_store_mkdir(&store, &dom0, "/local/domain/2"), 0);
	assert_int_equal(xs_store_set_perms(&store, &dom0, "/local/domain/2", &p2, 1), 0);
	changes[0] = '\0';
	return 0;
}

static const char *read_str(const struct xs_caller *w, const char *path, int *rc)
{
	static char buf[XS_VALUE_MAX + 1];
	const char *v;
	size_t len;
	*rc = xs_store_read(&store, w, path, &v, &len);
	if (*rc)
		return "";
	memcpy(buf, v, len);
	buf[len] = '\0';
	return buf;
}

static void test_store_write_creates_parents_and_reads_back(void **state)
{
	(void)state;
	int rc;
	assert_int_equal(xs_store_write(&store, &dom1, "/local/domain/1/a/b/c", "hello", 5), 0);
	assert_string_equal(read_str(&dom1, "/local/domain/1/a/b/c", &rc), "hello");
	assert_string_equal(read_str(&dom1, "/local/domain/1/a/b", &rc), "");
	assert_int_equal(rc, 0);
	assert_int_equal(xs_store_write(&store, &dom1, "/local/domain/1/a/b/c", "bye", 3), 0);
	assert_string_equal(read_str(&dom1, "/local/domain/1/a/b/c", &rc), "bye");
	read_str(&dom1, "/local/domain/1/nothing", &rc);
	assert_int_equal(rc, -XEN_ENOENT);
	assert_string_equal(changes, "/local/domain/1/a/b/c;/local/domain/1/a/b/c;");
}

static void test_store_rejects_malformed_paths(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "local", "/a//b", "/a/", "/a b", "/a/\xff", "@x" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(xs_store_write(&store, &dom0, bad[i], "v", 1), -XEN_EINVAL);
	assert_true(xs_path_ok("@releaseDomain", true));
	assert_false(xs_path_ok("@releaseDomain", false));
}

static void test_store_directory_lists_children_only(void **state)
{
	(void)state;
	char out[256];
	size_t len;
	xs_store_write(&store, &dom1, "/local/domain/1/d/x", "1", 1);
	xs_store_write(&store, &dom1, "/local/domain/1/d/y/z", "2", 1);
	xs_store_write(&store, &dom1, "/local/domain/1/dd", "3", 1);
	assert_int_equal(xs_store_directory(&store, &dom1, "/local/domain/1/d", out, sizeof(out), &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(out, "x\0y\0", 4);
	assert_int_equal(xs_store_directory(&store, &dom0, "/", out, sizeof(out), &len), 0);
	assert_memory_equal(out, "local\0tool\0", len);
	assert_int_equal(xs_store_directory(&store, &dom1, "/local/domain/1/d", out, 3, &len), -XEN_E2BIG);
}

static void test_store_rm_removes_subtree_and_missing_child_is_fine(void **state)
{
	(void)state;
	int rc;
	xs_store_write(&store, &dom1, "/local/domain/1/t/a", "1", 1);
	xs_store_write(&store, &dom1, "/local/domain/1/t/a/b", "2", 1);
	changes[0] = '\0';
	assert_int_equal(xs_store_rm(&store, &dom1, "/local/domain/1/t"), 0);
	read_str(&dom1, "/local/domain/1/t/a/b", &rc);
	assert_int_equal(rc, -XEN_ENOENT);
	assert_string_equal(changes, "-/local/domain/1/t;");
	assert_int_equal(xs_store_rm(&store, &dom1, "/local/domain/1/t"), 0);
	assert_int_equal(xs_store_rm(&store, &dom1, "/local/domain/1/no/such"), -XEN_ENOENT);
	assert_int_equal(xs_store_rm(&store, &dom0, "/"), -XEN_EINVAL);
}

static void test_store_mkdir_of_existing_node_is_ok(void **state)
{
	(void)state;
	int rc;
	xs_store_write(&store, &dom1, "/local/domain/1/m", "keep", 4);
	assert_int_equal(xs_store_mkdir(&store, &dom1, "/local/domain/1/m"), 0);
	assert_string_equal(read_str(&dom1, "/local/domain/1/m", &rc), "keep");
}

static void test_store_owner_has_full_access_others_none_by_default(void **state)
{
	(void)state;
	int rc;
	assert_int_equal(xs_store_write(&store, &dom1, "/local/domain/1/secret", "s", 1), 0);
	read_str(&dom2, "/local/domain/1/secret", &rc);
	assert_int_equal(rc, -XEN_EACCES);
	assert_int_equal(xs_store_write(&store, &dom2, "/local/domain/1/secret", "x", 1), -XEN_EACCES);
	assert_int_equal(xs_store_write(&store, &dom2, "/local/domain/1/new", "x", 1), -XEN_EACCES);
	assert_int_equal(xs_store_rm(&store, &dom2, "/local/domain/1/secret"), -XEN_EACCES);
	/* A missing node under an unreadable parent does not say it is missing. */
	read_str(&dom2, "/local/domain/1/missing", &rc);
	assert_int_equal(rc, -XEN_EACCES);
	/* Dom0 may do everything. */
	assert_string_equal(read_str(&dom0, "/local/domain/1/secret", &rc), "s");
	assert_int_equal(xs_store_write(&store, &dom0, "/local/domain/1/secret", "t", 1), 0);
	/* A DomU reads nothing at the top. */
	read_str(&dom1, "/local", &rc);
	assert_int_equal(rc, -XEN_EACCES);
}

static void test_store_acl_entries_grant_other_domains(void **state)
{
	(void)state;
	int rc;
	xs_store_write(&store, &dom1, "/local/domain/1/shared", "v", 1);
	const struct xs_perm ro[] = { { 1, 0 }, { 2, XS_PERM_READ } };
	assert_int_equal(xs_store_set_perms(&store, &dom1, "/local/domain/1/shared", ro, 2), 0);
	assert_string_equal(read_str(&dom2, "/local/domain/1/shared", &rc), "v");
	assert_int_equal(xs_store_write(&store, &dom2, "/local/domain/1/shared", "w", 1), -XEN_EACCES);
	const struct xs_perm rw[] = { { 1, 0 }, { 2, XS_PERM_READ | XS_PERM_WRITE } };
	assert_int_equal(xs_store_set_perms(&store, &dom1, "/local/domain/1/shared", rw, 2), 0);
	assert_int_equal(xs_store_write(&store, &dom2, "/local/domain/1/shared/child", "c", 1), 0);
	/* The child inherits the list, with its unprivileged creator as the owner. */
	struct xs_perm got[XS_PERMS_MAX];
	unsigned n;
	assert_int_equal(xs_store_get_perms(&store, &dom2, "/local/domain/1/shared/child", got, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].id, 2);
	/* Only the owner changes the list; nobody unprivileged gives the node away. */
	assert_int_equal(xs_store_set_perms(&store, &dom2, "/local/domain/1/shared", ro, 2), -XEN_EACCES);
	const struct xs_perm give[] = { { 2, 0 } };
	assert_int_equal(xs_store_set_perms(&store, &dom1, "/local/domain/1/shared", give, 1), -XEN_EPERM);
	assert_int_equal(xs_store_set_perms(&store, &dom0, "/local/domain/1/shared", give, 1), 0);
	/* The default entry (the first's mode) covers everyone not listed. */
	const struct xs_perm all_read[] = { { 1, XS_PERM_READ } };
	xs_store_write(&store, &dom1, "/local/domain/1/pub", "p", 1);
	xs_store_set_perms(&store, &dom1, "/local/domain/1/pub", all_read, 1);
	assert_string_equal(read_str(&dom2, "/local/domain/1/pub", &rc), "p");
}

static void test_store_quota_stops_one_domain_filling_the_store(void **state)
{
	(void)state;
	char path[64], val[512];
	int rc = 0;
	unsigned i;
	memset(val, 'q', sizeof(val));
	for (i = 0; i < XS_NODES_MAX && !rc; i++) {
		snprintf(path, sizeof(path), "/local/domain/1/q%u", i);
		rc = xs_store_write(&store, &dom1, path, val, sizeof(val));
	}
	assert_int_equal(rc, -XEN_ENOSPC);
	assert_true(i < XS_QUOTA_NODES);
	/* Others are unaffected. */
	assert_int_equal(xs_store_write(&store, &dom2, "/local/domain/2/ok", "y", 1), 0);
}

static void test_store_heap_compacts_when_full_of_garbage(void **state)
{
	(void)state;
	static char val[XS_VALUE_MAX];
	int rc;
	memset(val, 'h', sizeof(val));
	/* Rewriting one node many times leaves garbage that only compaction reclaims. */
	for (unsigned i = 0; i < 4 * XS_HEAP_SIZE / sizeof(val); i++) {
		val[0] = (char)('a' + i % 26);
		assert_int_equal(xs_store_write(&store, &dom0, "/tool/big", val, sizeof(val)), 0);
	}
	const char *v = read_str(&dom0, "/tool/big", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(v[0], 'a' + (4 * XS_HEAP_SIZE / sizeof(val) - 1) % 26);
	assert_int_equal(strlen(v), sizeof(val));
	assert_int_equal(xs_store_read(&store, &dom1, "/local/domain/1", &v, &(size_t){ 0 }), 0);
}

static void test_tx_sees_own_changes_and_commits_them(void **state)
{
	(void)state;
	int rc;
	struct xs_caller t = dom1;
	t.tx = &txa;
	xs_tx_state_begin(&txa, &store);
	assert_int_equal(xs_store_write(&store, &t, "/local/domain/1/tx/a", "1", 1), 0);
	assert_string_equal(read_str(&t, "/local/domain/1/tx/a", &rc), "1");
	read_str(&dom1, "/local/domain/1/tx/a", &rc);
	assert_int_equal(rc, -XEN_ENOENT); /* not yet visible outside */
	assert_string_equal(changes, "");
	assert_int_equal(xs_tx_state_commit(&txa, &store, &dom1), 0);
	assert_string_equal(read_str(&dom1, "/local/domain/1/tx/a", &rc), "1");
	assert_non_null(strstr(changes, "/local/domain/1/tx/a;"));
}

static void test_tx_conflict_on_a_node_it_read_is_eagain(void **state)
{
	(void)state;
	int rc;
	xs_store_write(&store, &dom1, "/local/domain/1/c", "0", 1);
	struct xs_caller t = dom1;
	t.tx = &txa;
	xs_tx_state_begin(&txa, &store);
	read_str(&t, "/local/domain/1/c", &rc);
	xs_store_write(&store, &t, "/local/domain/1/other", "x", 1);
	xs_store_write(&store, &dom1, "/local/domain/1/c", "1", 1); /* someone else meanwhile */
	assert_int_equal(xs_tx_state_commit(&txa, &store, &dom1), -XEN_EAGAIN);
	read_str(&dom1, "/local/domain/1/other", &rc);
	assert_int_equal(rc, -XEN_ENOENT);
	/* A node removed under it conflicts too. */
	xs_tx_state_begin(&txa, &store);
	read_str(&t, "/local/domain/1/c", &rc);
	xs_store_rm(&store, &dom1, "/local/domain/1/c");
	assert_int_equal(xs_tx_state_commit(&txa, &store, &dom1), -XEN_EAGAIN);
}

static void test_tx_unrelated_changes_survive_a_commit(void **state)
{
	(void)state;
	int rc;
	struct xs_caller a = dom1, b = dom2;
	a.tx = &txa, b.tx = &txb;
	xs_tx_state_begin(&txa, &store);
	xs_tx_state_begin(&txb, &store);
	xs_store_write(&store, &a, "/local/domain/1/ta", "a", 1);
	xs_store_write(&store, &b, "/local/domain/2/tb", "b", 1);
	xs_store_write(&store, &dom0, "/tool/live", "l", 1);
	assert_int_equal(xs_tx_state_commit(&txa, &store, &dom1), 0);
	assert_int_equal(xs_tx_state_commit(&txb, &store, &dom2), 0);
	assert_string_equal(read_str(&dom0, "/local/domain/1/ta", &rc), "a");
	assert_string_equal(read_str(&dom0, "/local/domain/2/tb", &rc), "b");
	assert_string_equal(read_str(&dom0, "/tool/live", &rc), "l");
}

static void test_tx_two_creating_the_same_child_list_conflict(void **state)
{
	(void)state;
	struct xs_caller a = dom1, b = dom1;
	a.tx = &txa, b.tx = &txb;
	xs_tx_state_begin(&txa, &store);
	xs_tx_state_begin(&txb, &store);
	xs_store_write(&store, &a, "/local/domain/1/n", "a", 1);
	xs_store_write(&store, &b, "/local/domain/1/n", "b", 1);
	assert_int_equal(xs_tx_state_commit(&txa, &store, &dom1), 0);
	assert_int_equal(xs_tx_state_commit(&txb, &store, &dom1), -XEN_EAGAIN);
}

static void test_tx_rm_inside_commits_removal(void **state)
{
	(void)state;
	int rc;
	xs_store_write(&store, &dom1, "/local/domain/1/r/x", "1", 1);
	struct xs_caller a = dom1;
	a.tx = &txa;
	xs_tx_state_begin(&txa, &store);
	assert_int_equal(xs_store_rm(&store, &a, "/local/domain/1/r"), 0);
	read_str(&dom1, "/local/domain/1/r/x", &rc);
	assert_int_equal(rc, 0);
	changes[0] = '\0';
	assert_int_equal(xs_tx_state_commit(&txa, &store, &dom1), 0);
	read_str(&dom1, "/local/domain/1/r/x", &rc);
	assert_int_equal(rc, -XEN_ENOENT);
	read_str(&dom1, "/local/domain/1/r", &rc);
	assert_int_equal(rc, -XEN_ENOENT);
	assert_non_null(strstr(changes, "-/local/domain/1/r;"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_store_write_creates_parents_and_reads_back, setup),
		cmocka_unit_test_setup(test_store_rejects_malformed_paths, setup),
		cmocka_unit_test_setup(test_store_directory_lists_children_only, setup),
		cmocka_unit_test_setup(test_store_rm_removes_subtree_and_missing_child_is_fine, setup),
		cmocka_unit_test_setup(test_store_mkdir_of_existing_node_is_ok, setup),
		cmocka_unit_test_setup(test_store_owner_has_full_access_others_none_by_default, setup),
		cmocka_unit_test_setup(test_store_acl_entries_grant_other_domains, setup),
		cmocka_unit_test_setup(test_store_quota_stops_one_domain_filling_the_store, setup),
		cmocka_unit_test_setup(test_store_heap_compacts_when_full_of_garbage, setup),
		cmocka_unit_test_setup(test_tx_sees_own_changes_and_commits_them, setup),
		cmocka_unit_test_setup(test_tx_conflict_on_a_node_it_read_is_eagain, setup),
		cmocka_unit_test_setup(test_tx_unrelated_changes_survive_a_commit, setup),
		cmocka_unit_test_setup(test_tx_two_creating_the_same_child_list_conflict, setup),
		cmocka_unit_test_setup(test_tx_rm_inside_commits_removal, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
