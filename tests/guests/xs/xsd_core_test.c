/* The daemon's protocol engine on the host, fed raw wire bytes: replies and errors as Xen's daemon
 * gives them, watches (the first event, prefixes, permissions, relative paths, special events),
 * transactions over the wire, malformed messages and a peer that never reads its replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/xs/xsd_core.h"
#include "public/errno.h"

static struct xsd d;
static struct xsd_conn *c0, *c1, *c2;
static domid_t released;
static struct {
	domid_t id;
	uint64_t gfn;
	uint32_t port;
} introduced;

static int fake_introduce(struct xsd *x, domid_t id, uint64_t gfn, uint32_t port)
{
	introduced.id = id, introduced.gfn = gfn, introduced.port = port;
	return xsd_conn_new(x, id, false) ? 0 : -XEN_EEXIST;
}

static int fake_release(struct xsd *x, domid_t id)
{
	(void)x;
	released = id;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	xsd_core_init(&d);
	d.hooks.release = fake_release;
	d.hooks.introduce = fake_introduce;
	c0 = xsd_conn_new(&d, 0, true);
	c1 = xsd_conn_new(&d, 1, false);
	c2 = xsd_conn_new(&d, 2, false);
	const struct xs_caller dom0 = { 0, true, NULL, NULL, NULL };
	const struct xs_perm p1 = { 1, 0 }, p2 = { 2, 0 };
	xs_store_mkdir(&d.store, &dom0, "/local/domain/1");
	xs_store_set_perms(&d.store, &dom0, "/local/domain/1", &p1, 1);
	xs_store_mkdir(&d.store, &dom0, "/local/domain/2");
	xs_store_set_perms(&d.store, &dom0, "/local/domain/2", &p2, 1);
	return 0;
}

/* Sends one request with a body of @len bytes; returns how many input bytes the engine took. */
static size_t send_raw(struct xsd_conn *c, uint32_t type, uint32_t req, uint32_t tx, const void *body, uint32_t len,
		       uint32_t hdr_len)
{
	uint8_t buf[XSD_MSG_MAX + 64];
	struct xsd_sockmsg h = { type, req, tx, hdr_len };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), body, len);
	return xsd_conn_input(&d, c, buf, sizeof(h) + len, NULL);
}

static void send(struct xsd_conn *c, uint32_t type, uint32_t tx, const void *body, uint32_t len)
{
	assert_int_equal(send_raw(c, type, 77, tx, body, len, len), sizeof(struct xsd_sockmsg) + len);
}

/* The next message queued for @c; false when none. */
static bool next(struct xsd_conn *c, struct xsd_sockmsg *h, char *body)
{
	uint8_t buf[XSD_MSG_MAX];
	size_t n = xsd_conn_peek(c, buf, sizeof(buf));
	if (n < sizeof(*h))
		return false;
	memcpy(h, buf, sizeof(*h));
	assert_true(n >= sizeof(*h) + h->len);
	memcpy(body, buf + sizeof(*h), h->len);
	body[h->len] = '\0';
	xsd_conn_sent(c, sizeof(*h) + h->len);
	return true;
}

static void expect(struct xsd_conn *c, uint32_t type, const char *body, size_t len)
{
	struct xsd_sockmsg h;
	char got[XSD_MSG_MAX];
	assert_true(next(c, &h, got));
	assert_int_equal(h.type, type);
	assert_int_equal(h.len, len);
	assert_memory_equal(got, body, len);
}

#define EXPECT(c, type, lit) expect(c, type, lit, sizeof(lit))
#define EXPECT_NOTHING(c)    assert_int_equal((c)->out_len, 0)

static void test_write_then_read_echoes_req_id(void **state)
{
	(void)state;
	send(c1, XS_WRITE, 0, "/local/domain/1/k\0val", 21);
	struct xsd_sockmsg h;
	char body[64];
	assert_true(next(c1, &h, body));
	assert_int_equal(h.req_id, 77);
	assert_string_equal(body, "OK");
	send(c1, XS_READ, 0, "/local/domain/1/k", 18);
	expect(c1, XS_READ, "val", 3);
}

static void test_relative_paths_are_under_the_home(void **state)
{
	(void)state;
	send(c1, XS_WRITE, 0, "rel\0x", 5);
	EXPECT(c1, XS_WRITE, "OK");
	send(c1, XS_READ, 0, "/local/domain/1/rel", 20);
	expect(c1, XS_READ, "x", 1);
	send(c2, XS_GET_DOMAIN_PATH, 0, "1", 2);
	EXPECT(c2, XS_GET_DOMAIN_PATH, "/local/domain/1");
}

static void test_errors_are_xen_names(void **state)
{
	(void)state;
	send(c1, XS_READ, 0, "/local/domain/1/none", 21);
	EXPECT(c1, XS_ERROR, "ENOENT");
	send(c2, XS_READ, 0, "/local/domain/1", 16);
	EXPECT(c2, XS_ERROR, "EACCES");
	send(c2, XS_WRITE, 0, "/local/domain/1/x\0v", 19);
	EXPECT(c2, XS_ERROR, "EACCES");
	send(c1, XS_INTRODUCE, 0,
	     "5\0"
	     "100\0"
	     "3",
	     8);
	EXPECT(c1, XS_ERROR, "EACCES");
	send(c0, XS_INTRODUCE, 0,
	     "5\0"
	     "abc\0"
	     "3",
	     8);
	EXPECT(c0, XS_ERROR, "EINVAL");
	send(c0, XS_INTRODUCE, 0,
	     "99999\0"
	     "1\0"
	     "3",
	     10);
	EXPECT(c0, XS_ERROR, "EINVAL"); /* not a domid */
}

static void test_malformed_messages_get_einval(void **state)
{
	(void)state;
	send(c1, XS_READ, 0, "/local/domain/1", 15); /* no NUL */
	EXPECT(c1, XS_ERROR, "EINVAL");
	send(c1, 999, 0, "x", 2);
	EXPECT(c1, XS_ERROR, "EINVAL");
	send(c1, XS_TYPE_COUNT, 0, "", 0);
	EXPECT(c1, XS_ERROR, "EINVAL");
	send(c1, XS_SET_PERMS, 0, "/local/domain/1\0x1", 18);
	EXPECT(c1, XS_ERROR, "EINVAL");
	send(c1, XS_SET_PERMS, 0, "/local/domain/1\0r99999999", 26);
	EXPECT(c1, XS_ERROR, "EINVAL");
	send(c1, XS_TRANSACTION_END, 0, "T", 2);
	EXPECT(c1, XS_ERROR, "ENOENT");
	/* A transaction id the connection never got: Xen's daemon says ENOENT. */
	send(c1, XS_READ, 1234, "/local/domain/1", 16);
	EXPECT(c1, XS_ERROR, "ENOENT");
	send(c1, XS_WRITE, 0, "/local/domain/1/\0v", 18);
	EXPECT(c1, XS_ERROR, "EINVAL");
	/* Still served after all that. */
	send(c1, XS_READ, 0, "/local/domain/1", 16);
	expect(c1, XS_READ, "", 0);
}

static void test_oversized_payload_is_einval_and_ends_the_connection(void **state)
{
	(void)state;
	assert_int_equal(send_raw(c1, XS_WRITE, 9, 0, "", 0, XENSTORE_PAYLOAD_MAX + 1), sizeof(struct xsd_sockmsg));
	EXPECT(c1, XS_ERROR, "EINVAL");
	assert_true(c1->broken);
	assert_int_equal(send_raw(c1, XS_READ, 10, 0, "/local\0", 7, 7), 0);
	EXPECT_NOTHING(c1);
	/* Other connections are untouched. */
	send(c2, XS_READ, 0, "/local/domain/2", 16);
	expect(c2, XS_READ, "", 0);
}

static void test_bytes_one_at_a_time_make_one_request(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct xsd_sockmsg h = { XS_MKDIR, 5, 0, 18 };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/local/domain/1/dd", 18);
	buf[sizeof(h) + 17] = '\0';
	for (size_t i = 0; i < sizeof(h) + 18; i++) {
		EXPECT_NOTHING(c1);
		assert_int_equal(xsd_conn_input(&d, c1, buf + i, 1, NULL), 1);
	}
	EXPECT(c1, XS_MKDIR, "OK");
}

static void test_watch_fires_first_event_then_on_changes_below(void **state)
{
	(void)state;
	send(c1, XS_WATCH, 0, "/local/domain/1/w\0tok", 22);
	EXPECT(c1, XS_WATCH, "OK");
	EXPECT(c1, XS_WATCH_EVENT, "/local/domain/1/w\0tok");
	EXPECT_NOTHING(c1);
	/* The event is queued before the writer's own reply, as Xen's daemon fires before it acks. */
	send(c1, XS_WRITE, 0, "/local/domain/1/w/deep/er\0v", 27);
	EXPECT(c1, XS_WATCH_EVENT, "/local/domain/1/w/deep/er\0tok");
	EXPECT(c1, XS_WRITE, "OK");
	send(c1, XS_WRITE, 0, "/local/domain/1/wx\0v", 20); /* a sibling sharing the prefix's letters */
	EXPECT(c1, XS_WRITE, "OK");
	EXPECT_NOTHING(c1);
	send(c1, XS_UNWATCH, 0, "/local/domain/1/w\0tok", 22);
	EXPECT(c1, XS_UNWATCH, "OK");
	send(c1, XS_WRITE, 0, "/local/domain/1/w\0v", 19);
	EXPECT(c1, XS_WRITE, "OK");
	EXPECT_NOTHING(c1);
	send(c1, XS_UNWATCH, 0, "/local/domain/1/w\0tok", 22);
	EXPECT(c1, XS_ERROR, "ENOENT");
}

static void test_watch_events_only_to_those_who_may_read(void **state)
{
	(void)state;
	send(c2, XS_WATCH, 0, "/local/domain/1\0spy", 20);
	EXPECT(c2, XS_WATCH, "OK");
	EXPECT(c2, XS_WATCH_EVENT, "/local/domain/1\0spy"); /* the first, as Xen: it names only the watch */
	EXPECT_NOTHING(c2);
	send(c0, XS_WATCH, 0, "/local\0all", 11);
	EXPECT(c0, XS_WATCH, "OK");
	EXPECT(c0, XS_WATCH_EVENT, "/local\0all");
	send(c1, XS_WRITE, 0, "/local/domain/1/p\0v", 19);
	EXPECT(c1, XS_WRITE, "OK");
	EXPECT_NOTHING(c2);
	EXPECT(c0, XS_WATCH_EVENT, "/local/domain/1/p\0all");
	send(c1, XS_SET_PERMS, 0, "/local/domain/1/p\0n1\0r2", 24);
	EXPECT(c1, XS_SET_PERMS, "OK");
	EXPECT(c2, XS_WATCH_EVENT, "/local/domain/1/p\0spy");
}

static void test_removal_fires_watches_inside_the_subtree(void **state)
{
	(void)state;
	send(c1, XS_WRITE, 0, "/local/domain/1/a/b/c\0v", 23);
	EXPECT(c1, XS_WRITE, "OK");
	send(c1, XS_WATCH, 0, "a/b/c\0in", 9); /* relative: events come relative */
	EXPECT(c1, XS_WATCH, "OK");
	EXPECT(c1, XS_WATCH_EVENT, "a/b/c\0in");
	send(c1, XS_RM, 0, "/local/domain/1/a", 18);
	EXPECT(c1, XS_WATCH_EVENT, "a/b/c\0in");
	EXPECT(c1, XS_RM, "OK");
}

static void test_special_watches_go_to_the_privileged(void **state)
{
	(void)state;
	send(c0, XS_WATCH, 0, "@releaseDomain\0r", 17);
	EXPECT(c0, XS_WATCH, "OK");
	EXPECT(c0, XS_WATCH_EVENT, "@releaseDomain\0r");
	send(c1, XS_WATCH, 0, "@releaseDomain\0r", 17);
	EXPECT(c1, XS_WATCH, "OK");
	c1->out_len = 0, c1->out_head = 0;
	send(c0, XS_RELEASE, 0, "2", 2);
	EXPECT(c0, XS_RELEASE, "OK");
	assert_int_equal(released, 2);
	xsd_watch_fire(&d, "@releaseDomain", false); /* what the daemon's release does */
	EXPECT(c0, XS_WATCH_EVENT, "@releaseDomain\0r");
	EXPECT_NOTHING(c1);
}

static void test_introduce_parses_its_numbers_and_the_domain_is_known(void **state)
{
	(void)state;
	send(c2, XS_IS_DOMAIN_INTRODUCED, 0, "7", 2);
	EXPECT(c2, XS_IS_DOMAIN_INTRODUCED, "F");
	send(c0, XS_INTRODUCE, 0,
	     "7\0"
	     "233473\0"
	     "4",
	     11);
	EXPECT(c0, XS_INTRODUCE, "OK");
	assert_int_equal(introduced.id, 7);
	assert_int_equal(introduced.gfn, 233473);
	assert_int_equal(introduced.port, 4);
	send(c2, XS_IS_DOMAIN_INTRODUCED, 0, "7", 2);
	EXPECT(c2, XS_IS_DOMAIN_INTRODUCED, "T");
	send(c0, XS_INTRODUCE, 0,
	     "7\0"
	     "233473\0"
	     "4",
	     11);
	EXPECT(c0, XS_ERROR, "EEXIST");
}

static void test_watch_limits(void **state)
{
	(void)state;
	char body[XSD_WATCH_PATH + 16];
	memset(body, 'a', sizeof(body));
	body[0] = '/', body[XSD_WATCH_PATH] = '\0', body[XSD_WATCH_PATH + 1] = 't', body[XSD_WATCH_PATH + 2] = '\0';
	send(c1, XS_WATCH, 0, body, XSD_WATCH_PATH + 3);
	EXPECT(c1, XS_ERROR, "E2BIG");
	unsigned ok = 0;
	for (unsigned i = 0; i < XSD_WATCHES_DOM + 2; i++) {
		char w[32];
		int n = snprintf(w, sizeof(w), "x%u", i);
		w[n + 1] = 't', w[n + 2] = '\0';
		send(c1, XS_WATCH, 0, w, (uint32_t)n + 3);
		struct xsd_sockmsg h;
		char b[64];
		assert_true(next(c1, &h, b));
		ok += h.type == XS_WATCH;
		while (next(c1, &h, b))
			;
	}
	assert_int_equal(ok, XSD_WATCHES_DOM);
}

static void test_transaction_over_the_wire_and_conflict(void **state)
{
	(void)state;
	struct xsd_sockmsg h;
	char id[16];
	send(c1, XS_TRANSACTION_START, 0, "", 1);
	assert_true(next(c1, &h, id));
	assert_int_equal(h.type, XS_TRANSACTION_START);
	uint32_t tx = (uint32_t)strtoul(id, NULL, 10);
	assert_true(tx != 0);
	send(c1, XS_READ, tx, "/local/domain/1", 16);
	expect(c1, XS_READ, "", 0);
	send(c1, XS_WRITE, tx, "/local/domain/1/t\0in-tx", 23);
	EXPECT(c1, XS_WRITE, "OK");
	send(c1, XS_READ, 0, "/local/domain/1/t", 18);
	EXPECT(c1, XS_ERROR, "ENOENT");
	send(c1, XS_WRITE, 0, "/local/domain/1/u\0outside", 25); /* changes the tx's parent */
	EXPECT(c1, XS_WRITE, "OK");
	send(c1, XS_TRANSACTION_END, tx, "T", 2);
	EXPECT(c1, XS_ERROR, "EAGAIN");
	send(c1, XS_READ, tx, "/local/domain/1", 16);
	EXPECT(c1, XS_ERROR, "ENOENT"); /* the id is gone */
	send(c1, XS_TRANSACTION_START, 0, "", 1);
	assert_true(next(c1, &h, id));
	tx = (uint32_t)strtoul(id, NULL, 10);
	send(c1, XS_WRITE, tx, "/local/domain/1/t\0in-tx", 23);
	EXPECT(c1, XS_WRITE, "OK");
	send(c1, XS_TRANSACTION_END, tx, "T", 2);
	EXPECT(c1, XS_TRANSACTION_END, "OK");
	send(c1, XS_READ, 0, "/local/domain/1/t", 18);
	expect(c1, XS_READ, "in-tx", 5);
	/* Another connection cannot use this connection's id. */
	send(c1, XS_TRANSACTION_START, 0, "", 1);
	assert_true(next(c1, &h, id));
	send(c2, XS_READ, (uint32_t)strtoul(id, NULL, 10), "/local/domain/2", 16);
	EXPECT(c2, XS_ERROR, "ENOENT");
}

static uint32_t start_tx(struct xsd_conn *c, bool *ok)
{
	struct xsd_sockmsg h;
	char id[16];
	send(c, XS_TRANSACTION_START, 0, "", 1);
	assert_true(next(c, &h, id));
	*ok = h.type == XS_TRANSACTION_START;
	return *ok ? (uint32_t)strtoul(id, NULL, 10) : 0;
}

static void test_guests_cannot_take_every_transaction_slot(void **state)
{
	(void)state;
	bool ok;
	start_tx(c1, &ok), assert_true(ok);
	start_tx(c1, &ok), assert_true(ok);
	start_tx(c1, &ok), assert_false(ok); /* two per connection */
	start_tx(c2, &ok), assert_true(ok);
	start_tx(c2, &ok), assert_false(ok); /* the last slot is the privileged's */
	uint32_t tx = start_tx(c0, &ok);
	assert_true(ok);
	send(c0, XS_TRANSACTION_END, tx, "F", 2);
	EXPECT(c0, XS_TRANSACTION_END, "OK");
}

static void test_get_perms_in_xen_format(void **state)
{
	(void)state;
	send(c1, XS_WRITE, 0, "/local/domain/1/g\0v", 19);
	EXPECT(c1, XS_WRITE, "OK");
	send(c1, XS_SET_PERMS, 0, "/local/domain/1/g\0n1\0r2\0b3", 27);
	EXPECT(c1, XS_SET_PERMS, "OK");
	send(c1, XS_GET_PERMS, 0, "/local/domain/1/g", 18);
	expect(c1, XS_GET_PERMS, "n1\0r2\0b3\0", 9);
	send(c1, XS_DIRECTORY, 0, "/local/domain/1", 16);
	expect(c1, XS_DIRECTORY, "g\0", 2);
}

static void test_peer_that_never_reads_replies_is_throttled_not_overrun(void **state)
{
	(void)state;
	static char big[3000 + 20] = "/local/domain/1/big";
	memset(big + 20, 'b', 3000);
	send(c1, XS_WRITE, 0, big, sizeof(big));
	EXPECT(c1, XS_WRITE, "OK");
	size_t taken = 0, offered = 0;
	for (unsigned i = 0; i < 100; i++) {
		offered += sizeof(struct xsd_sockmsg) + 20;
		taken += send_raw(c1, XS_READ, i, 0, "/local/domain/1/big", 20, 20);
	}
	assert_true(taken < offered);
	assert_true(c1->out_len <= XSD_OUT_SIZE);
	/* Reading the replies lets the rest in. */
	struct xsd_sockmsg h;
	char b[XSD_MSG_MAX];
	while (next(c1, &h, b))
		;
	assert_true(send_raw(c1, XS_READ, 1000, 0, "/local/domain/1/big", 20, 20) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_write_then_read_echoes_req_id, setup),
		cmocka_unit_test_setup(test_relative_paths_are_under_the_home, setup),
		cmocka_unit_test_setup(test_errors_are_xen_names, setup),
		cmocka_unit_test_setup(test_malformed_messages_get_einval, setup),
		cmocka_unit_test_setup(test_oversized_payload_is_einval_and_ends_the_connection, setup),
		cmocka_unit_test_setup(test_bytes_one_at_a_time_make_one_request, setup),
		cmocka_unit_test_setup(test_watch_fires_first_event_then_on_changes_below, setup),
		cmocka_unit_test_setup(test_watch_events_only_to_those_who_may_read, setup),
		cmocka_unit_test_setup(test_removal_fires_watches_inside_the_subtree, setup),
		cmocka_unit_test_setup(test_special_watches_go_to_the_privileged, setup),
		cmocka_unit_test_setup(test_watch_limits, setup),
		cmocka_unit_test_setup(test_introduce_parses_its_numbers_and_the_domain_is_known, setup),
		cmocka_unit_test_setup(test_transaction_over_the_wire_and_conflict, setup),
		cmocka_unit_test_setup(test_get_perms_in_xen_format, setup),
		cmocka_unit_test_setup(test_guests_cannot_take_every_transaction_slot, setup),
		cmocka_unit_test_setup(test_peer_that_never_reads_replies_is_throttled_not_overrun, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
