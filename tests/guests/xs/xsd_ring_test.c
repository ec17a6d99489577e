/* The daemon's side of a store page on the host (guest addresses are host pointers, every access
 * checked to stay in the page): requests in, replies out across the indices' wrap, and hostile
 * peers (indices more than a ring apart, a payload too long, replies never read) that break or
 * throttle only their own connection, never crash the daemon or touch memory outside the page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "tests/guests/ring/fake_shared.h"
#include "lib/xs/xsd_ring.h"

static struct xsd d;
static _Alignas(4096) uint8_t page1[4096], page2[4096];
static struct xsd_conn *c1, *c2;

static uint32_t idx(uint8_t *page, unsigned off)
{
	uint32_t v;
	memcpy(&v, page + off, 4);
	return v;
}

static void set_idx(uint8_t *page, unsigned off, uint32_t v) { memcpy(page + off, &v, 4); }

static void start(uint8_t *page, uint32_t at)
{
	memset(page, 0, 4096);
	set_idx(page, XS_IF_REQ_CONS, at);
	set_idx(page, XS_IF_REQ_PROD, at);
	set_idx(page, XS_IF_RSP_CONS, at);
	set_idx(page, XS_IF_RSP_PROD, at);
}

static int setup(void **state)
{
	(void)state;
	xsd_core_init(&d);
	fake_shared_reset();
	fake_shared_window(page1, 4096);
	fake_shared_window(page2, 4096);
	start(page1, 0);
	start(page2, 0);
	c1 = xsd_conn_new(&d, 1, false);
	c2 = xsd_conn_new(&d, 2, false);
	c1->ring = fake_gva(page1);
	c2->ring = fake_gva(page2);
	const struct xs_caller dom0 = { 0, true, NULL, NULL, NULL };
	const struct xs_perm p1 = { 1, 0 }, p2 = { 2, 0 };
	xs_store_mkdir(&d.store, &dom0, "/local/domain/1");
	xs_store_set_perms(&d.store, &dom0, "/local/domain/1", &p1, 1);
	xs_store_mkdir(&d.store, &dom0, "/local/domain/2");
	xs_store_set_perms(&d.store, &dom0, "/local/domain/2", &p2, 1);
	return 0;
}

/* The guest's side: bytes into req (as much as fits), bytes out of rsp. */
static size_t guest_put(uint8_t *page, const void *data, size_t len)
{
	uint32_t cons = idx(page, XS_IF_REQ_CONS), prod = idx(page, XS_IF_REQ_PROD);
	size_t n = 0;
	for (; n < len && prod - cons < XENSTORE_RING_SIZE; n++, prod++)
		page[XS_IF_REQ + MASK_XENSTORE_IDX(prod)] = ((const uint8_t *)data)[n];
	set_idx(page, XS_IF_REQ_PROD, prod);
	return n;
}

static size_t guest_get(uint8_t *page, void *buf, size_t max)
{
	uint32_t cons = idx(page, XS_IF_RSP_CONS), prod = idx(page, XS_IF_RSP_PROD);
	size_t n = 0;
	for (; n < max && cons != prod; n++, cons++)
		((uint8_t *)buf)[n] = (uint8_t)page[XS_IF_RSP + MASK_XENSTORE_IDX(cons)];
	set_idx(page, XS_IF_RSP_CONS, cons);
	return n;
}

static size_t request(uint8_t *page, uint32_t type, const char *body, uint32_t len)
{
	uint8_t buf[XSD_MSG_MAX];
	struct xsd_sockmsg h = { type, 42, 0, len };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), body, len);
	return guest_put(page, buf, sizeof(h) + len);
}

static void expect_reply(uint8_t *page, uint32_t type, const char *body, uint32_t len)
{
	uint8_t buf[XSD_MSG_MAX];
	struct xsd_sockmsg h;
	assert_int_equal(guest_get(page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(h.type, type);
	assert_int_equal(h.req_id, 42);
	assert_int_equal(h.len, len);
	assert_int_equal(guest_get(page, buf, len), len);
	assert_memory_equal(buf, body, len);
}

static void test_request_in_req_ring_is_answered_in_rsp_ring(void **state)
{
	(void)state;
	unsigned handled = 0;
	request(page1, XS_WRITE, "/local/domain/1/x\0hello", 23);
	assert_true(xsd_ring_serve(&d, c1, &handled));
	assert_int_equal(handled, 1);
	expect_reply(page1, XS_WRITE, "OK", 3);
	request(page1, XS_READ, "x", 2);
	xsd_ring_serve(&d, c1, &handled);
	expect_reply(page1, XS_READ, "hello", 5);
	assert_int_equal(idx(page1, XS_IF_REQ_CONS), idx(page1, XS_IF_REQ_PROD));
	assert_false(xsd_ring_serve(&d, c1, &handled)); /* nothing to move: nobody to notify */
	assert_int_equal(fake_shared_strays, 0);
}

static void test_indices_wrap_past_two_to_the_32(void **state)
{
	(void)state;
	unsigned handled = 0;
	start(page1, 0xfffffff0u);
	for (unsigned i = 0; i < 50; i++) {
		request(page1, XS_WRITE, "/local/domain/1/w\0value-that-moves-along", 41);
		xsd_ring_serve(&d, c1, &handled);
		expect_reply(page1, XS_WRITE, "OK", 3);
	}
	assert_int_equal(handled, 50);
	assert_true(idx(page1, XS_IF_REQ_CONS) < 0x1000);
}

static void test_long_request_arrives_in_pieces(void **state)
{
	(void)state;
	static char body[3000];
	unsigned handled = 0;
	memcpy(body, "/local/domain/1/big", 20);
	memset(body + 20, 'v', sizeof(body) - 20);
	uint8_t msg[sizeof(struct xsd_sockmsg) + sizeof(body)];
	struct xsd_sockmsg h = { XS_WRITE, 42, 0, sizeof(body) };
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), body, sizeof(body));
	size_t sent = 0;
	for (unsigned round = 0; sent < sizeof(msg) && round < 10; round++) {
		sent += guest_put(page1, msg + sent, sizeof(msg) - sent);
		xsd_ring_serve(&d, c1, &handled);
	}
	assert_int_equal(sent, sizeof(msg));
	assert_int_equal(handled, 1);
	expect_reply(page1, XS_WRITE, "OK", 3);
}

static void test_req_prod_more_than_a_ring_ahead_breaks_only_that_connection(void **state)
{
	(void)state;
	unsigned handled = 0;
	set_idx(page1, XS_IF_REQ_PROD, XENSTORE_RING_SIZE + 1); /* 1025 bytes "outstanding" */
	assert_true(xsd_ring_serve(&d, c1, &handled));
	assert_true(c1->broken);
	assert_int_equal(idx(page1, XS_IF_ERROR), XENSTORE_ERROR_RINGIDX);
	assert_int_equal(idx(page1, XS_IF_REQ_CONS), 0);
	assert_int_equal(handled, 0);
	/* Served no more, whatever the peer writes now. */
	start(page1, 0);
	request(page1, XS_READ, "x", 2);
	assert_false(xsd_ring_serve(&d, c1, &handled));
	assert_int_equal(idx(page1, XS_IF_RSP_PROD), 0);
	/* The other domain is served as before. */
	request(page2, XS_WRITE, "a\0b", 3);
	xsd_ring_serve(&d, c2, &handled);
	expect_reply(page2, XS_WRITE, "OK", 3);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_hostile_indices_in_every_direction_never_escape_the_page(void **state)
{
	(void)state;
	static const uint32_t bad[] = { 0x80000000u, 0xffffffffu, 1025, 4096, 0x7fffffffu };
	for (unsigned f = 0; f < 4; f++)
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			setup(NULL);
			/* A pending reply so the rsp side is exercised too. */
			request(page1, XS_READ, "/local/domain/1", 16);
			set_idx(page1, XS_IF_REQ_CONS + 4 * f, bad[i]);
			unsigned handled = 0;
			xsd_ring_serve(&d, c1, &handled);
			xsd_ring_serve(&d, c1, &handled);
			assert_int_equal(fake_shared_strays, 0);
			assert_true(c1->out_len <= XSD_OUT_SIZE);
		}
}

static void test_oversized_payload_gets_einval_then_the_ring_is_given_up(void **state)
{
	(void)state;
	unsigned handled = 0;
	struct xsd_sockmsg h = { XS_WRITE, 42, 0, XENSTORE_PAYLOAD_MAX + 1 };
	guest_put(page1, &h, sizeof(h));
	guest_put(page1, "junk", 4);
	xsd_ring_serve(&d, c1, &handled);
	expect_reply(page1, XS_ERROR, "EINVAL", 7);
	assert_true(c1->broken);
	assert_int_equal(idx(page1, XS_IF_ERROR), XENSTORE_ERROR_PROTO);
}

static void test_peer_that_never_reads_replies_stalls_itself_only(void **state)
{
	(void)state;
	unsigned handled = 0;
	static char big[2000 + 20] = "/local/domain/1/big";
	memset(big + 20, 'b', 2000);
	const struct xs_caller dom1 = { 1, false, NULL, NULL, NULL };
	xs_store_write(&d.store, &dom1, "/local/domain/1/big", big + 20, 2000);
	/* Keep asking for the 2000-byte value and never read an answer. */
	unsigned asked = 0;
	for (unsigned round = 0; round < 40; round++) {
		asked += request(page1, XS_READ, "big", 4) == sizeof(struct xsd_sockmsg) + 4;
		xsd_ring_serve(&d, c1, &handled);
	}
	assert_true(handled < asked + 1);
	assert_true(handled <= 1 + (XENSTORE_RING_SIZE + XSD_OUT_SIZE) / 2000);
	assert_int_equal(idx(page1, XS_IF_RSP_PROD) - idx(page1, XS_IF_RSP_CONS), XENSTORE_RING_SIZE);
	assert_true(c1->out_len <= XSD_OUT_SIZE);
	/* Meanwhile the other domain is served. */
	request(page2, XS_WRITE, "a\0b", 3);
	xsd_ring_serve(&d, c2, &handled);
	expect_reply(page2, XS_WRITE, "OK", 3);
	/* Reading the answers lets it go on. */
	uint8_t sink[4096];
	unsigned before = handled;
	for (unsigned round = 0; round < 200; round++) {
		guest_get(page1, sink, sizeof(sink));
		xsd_ring_serve(&d, c1, &handled);
	}
	assert_true(handled > before);
	assert_int_equal(fake_shared_strays, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_request_in_req_ring_is_answered_in_rsp_ring, setup),
		cmocka_unit_test_setup(test_indices_wrap_past_two_to_the_32, setup),
		cmocka_unit_test_setup(test_long_request_arrives_in_pieces, setup),
		cmocka_unit_test_setup(test_req_prod_more_than_a_ring_ahead_breaks_only_that_connection, setup),
		cmocka_unit_test_setup(test_hostile_indices_in_every_direction_never_escape_the_page, setup),
		cmocka_unit_test_setup(test_oversized_payload_gets_einval_then_the_ring_is_given_up, setup),
		cmocka_unit_test_setup(test_peer_that_never_reads_replies_stalls_itself_only, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
