/* The shared ring library on the host: both ends over one page, the notify-if-needed rule, 32-bit
 * index wrap-around, and a hostile peer's indices detected without a slot outside the page read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ring.h"
#include "public/errno.h"
#include "tests/guests/ring/fake_shared.h"

#define PAGE 4096u

/* A blkif-sized slot: 32 of them in a page. */
struct msg {
	uint64_t id;
	uint8_t body[104];
};

static _Alignas(4096) uint8_t page[PAGE];

struct pair {
	struct ring_front f;
	struct ring_back b;
};

static void open_at(struct pair *p, RING_IDX start)
{
	fake_shared_reset();
	memset(page, 0xa5, sizeof(page));
	fake_shared_window(page, sizeof(page));
	ring_shared_init(fake_gva(page), start);
	assert_int_equal(ring_front_attach(&p->f, fake_gva(page), PAGE, sizeof(struct msg)), 0);
	assert_int_equal(ring_back_attach(&p->b, fake_gva(page), PAGE, sizeof(struct msg)), 0);
}

static struct msg msg(uint64_t id)
{
	struct msg m = { .id = id };
	memset(m.body, (int)(id & 0xff), sizeof(m.body));
	return m;
}

static RING_IDX hdr(unsigned off)
{
	RING_IDX v;
	memcpy(&v, page + off, 4);
	return v;
}

static void set_hdr(unsigned off, RING_IDX v) { memcpy(page + off, &v, 4); }

static void test_ring_slots_is_the_largest_power_of_two_after_the_header(void **state)
{
	(void)state;
	assert_int_equal(ring_slots(PAGE, 112), 32); /* blkif: 4032 / 112 = 36 -> 32 */
	assert_int_equal(ring_slots(PAGE, 8), 256);  /* 504 -> 256 */
	assert_int_equal(ring_slots(PAGE, 4032), 1);
	assert_int_equal(ring_slots(PAGE, 4033), 0);
	assert_int_equal(ring_slots(64, 8), 0);
	assert_int_equal(ring_slots(PAGE, 0), 0);
	struct ring_front f;
	assert_int_equal(ring_front_attach(&f, fake_gva(page), PAGE, 5000), -XEN_EINVAL);
}

static void test_shared_init_sets_producers_and_events(void **state)
{
	struct pair p;
	(void)state;
	open_at(&p, 7);
	assert_int_equal(hdr(RING_OFF_REQ_PROD), 7);
	assert_int_equal(hdr(RING_OFF_RSP_PROD), 7);
	assert_int_equal(hdr(RING_OFF_REQ_EVENT), 8);
	assert_int_equal(hdr(RING_OFF_RSP_EVENT), 8);
	assert_int_equal(ring_front_free(&p.f), 32);
}

static void test_requests_and_responses_cross_in_order(void **state)
{
	struct pair p;
	struct msg m;
	(void)state;
	open_at(&p, 0);
	for (uint64_t i = 1; i <= 3; i++) {
		m = msg(i);
		assert_int_equal(ring_front_put(&p.f, &m, sizeof(m)), 0);
	}
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 0); /* put is not published */
	ring_front_push(&p.f);
	for (uint64_t i = 1; i <= 3; i++) {
		assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
		struct msg want = msg(i);
		assert_memory_equal(&m, &want, sizeof(m));
		m.id += 100;
		assert_int_equal(ring_back_put(&p.b, &m, sizeof(m)), 0);
	}
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 0);
	assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), 0); /* not pushed yet */
	ring_back_push(&p.b);
	for (uint64_t i = 1; i <= 3; i++) {
		assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), 1);
		assert_int_equal(m.id, 100 + i);
	}
	assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), 0);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_full_ring_refuses_put_until_responses_are_taken(void **state)
{
	struct pair p;
	struct msg m = msg(1);
	(void)state;
	open_at(&p, 0);
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(ring_front_put(&p.f, &m, sizeof(m)), 0);
	assert_int_equal(ring_front_free(&p.f), 0);
	assert_int_equal(ring_front_put(&p.f, &m, sizeof(m)), -XEN_EBUSY);
	ring_front_push(&p.f);
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
	assert_int_equal(ring_back_put(&p.b, &m, sizeof(m)), 0);
	ring_back_push(&p.b);
	assert_int_equal(ring_front_put(&p.f, &m, sizeof(m)), -XEN_EBUSY); /* response not yet taken */
	assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), 1);
	assert_int_equal(ring_front_free(&p.f), 1);
	assert_int_equal(ring_front_put(&p.f, &m, sizeof(m)), 0);
}

static void test_oversized_put_and_take_are_einval(void **state)
{
	struct pair p;
	uint8_t big[sizeof(struct msg) + 1] = { 0 };
	(void)state;
	open_at(&p, 0);
	assert_int_equal(ring_front_put(&p.f, big, sizeof(big)), -XEN_EINVAL);
	assert_int_equal(ring_front_take(&p.f, big, sizeof(big)), -XEN_EINVAL);
	assert_int_equal(ring_back_take(&p.b, big, sizeof(big)), -XEN_EINVAL);
}

static void test_back_put_without_a_request_taken_is_einval(void **state)
{
	struct pair p;
	struct msg m = msg(1);
	(void)state;
	open_at(&p, 0);
	assert_int_equal(ring_back_put(&p.b, &m, sizeof(m)), -XEN_EINVAL);
	ring_front_put(&p.f, &m, sizeof(m));
	ring_front_push(&p.f);
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
	assert_int_equal(ring_back_put(&p.b, &m, sizeof(m)), 0);
	assert_int_equal(ring_back_put(&p.b, &m, sizeof(m)), -XEN_EINVAL);
}

/* The first push crosses the initial req_event; later ones notify only once the backend re-armed
 * the event index with its final check, and only when the push crosses it. */
static void test_push_notifies_exactly_when_the_event_index_is_crossed(void **state)
{
	struct pair p;
	struct msg m = msg(1);
	(void)state;
	open_at(&p, 0);
	ring_front_put(&p.f, &m, sizeof(m));
	assert_true(ring_front_push(&p.f)); /* 0 -> 1 crosses req_event 1 */
	ring_front_put(&p.f, &m, sizeof(m));
	assert_false(ring_front_push(&p.f)); /* 1 -> 2: the backend is still busy, it asked nothing */
	assert_false(ring_front_push(&p.f)); /* nothing new */
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
	assert_false(ring_back_final_check(&p.b)); /* arms req_event = 3 */
	assert_int_equal(hdr(RING_OFF_REQ_EVENT), 3);
	ring_front_put(&p.f, &m, sizeof(m));
	ring_front_put(&p.f, &m, sizeof(m));
	assert_true(ring_front_push(&p.f)); /* 2 -> 4 crosses 3 */
	ring_front_put(&p.f, &m, sizeof(m));
	assert_false(ring_front_push(&p.f)); /* 4 -> 5 does not */
	/* An event index further ahead than the push: no notify either. */
	set_hdr(RING_OFF_REQ_EVENT, 9);
	ring_front_put(&p.f, &m, sizeof(m));
	assert_false(ring_front_push(&p.f)); /* 5 -> 6 */
	set_hdr(RING_OFF_REQ_EVENT, 7);
	ring_front_put(&p.f, &m, sizeof(m));
	assert_true(ring_front_push(&p.f)); /* 6 -> 7 lands exactly on it */
}

static void test_response_push_follows_rsp_event(void **state)
{
	struct pair p;
	struct msg m = msg(1);
	(void)state;
	open_at(&p, 0);
	for (int i = 0; i < 3; i++)
		ring_front_put(&p.f, &m, sizeof(m));
	ring_front_push(&p.f);
	for (int i = 0; i < 3; i++)
		ring_back_take(&p.b, &m, sizeof(m));
	ring_back_put(&p.b, &m, sizeof(m));
	assert_true(ring_back_push(&p.b)); /* crosses rsp_event 1 */
	ring_back_put(&p.b, &m, sizeof(m));
	assert_false(ring_back_push(&p.b));
	assert_true(ring_front_final_check(&p.f)); /* two responses are there: no arming needed */
	assert_int_equal(hdr(RING_OFF_RSP_EVENT), 1);
	ring_front_take(&p.f, &m, sizeof(m));
	ring_front_take(&p.f, &m, sizeof(m));
	assert_false(ring_front_final_check(&p.f));
	assert_int_equal(hdr(RING_OFF_RSP_EVENT), 3);
	ring_back_put(&p.b, &m, sizeof(m));
	assert_true(ring_back_push(&p.b));
}

/* A response published between the empty take and the arming is seen by the final check's second
 * look: the frontend never sleeps with a response waiting. */
static void test_final_check_sees_a_response_that_raced_with_arming(void **state)
{
	struct pair p;
	struct msg m = msg(1);
	(void)state;
	open_at(&p, 0);
	ring_front_put(&p.f, &m, sizeof(m));
	ring_front_push(&p.f);
	ring_back_take(&p.b, &m, sizeof(m));
	ring_back_put(&p.b, &m, sizeof(m));
	assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), 0);
	ring_back_push(&p.b); /* lands after the take */
	assert_true(ring_front_final_check(&p.f));
	assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), 1);
}

static void test_indices_wrap_past_2_to_the_32(void **state)
{
	struct pair p;
	struct msg m;
	unsigned notified = 0;
	(void)state;
	open_at(&p, 0xfffffff0u);
	for (uint64_t i = 0; i < 200; i++) {
		m = msg(i);
		assert_int_equal(ring_front_put(&p.f, &m, sizeof(m)), 0);
		if (i % 3 == 2)
			notified += ring_front_push(&p.f);
		if (i % 3 == 2)
			while (ring_back_take(&p.b, &m, sizeof(m)) == 1) {
				assert_int_equal(ring_back_put(&p.b, &m, sizeof(m)), 0);
				ring_back_final_check(&p.b);
			}
		ring_back_push(&p.b);
		while (ring_front_take(&p.f, &m, sizeof(m)) == 1) {
			struct msg want = msg(m.id);
			assert_memory_equal(&m, &want, sizeof(m));
		}
	}
	assert_int_equal(p.f.req_prod_pvt, (RING_IDX)(0xfffffff0u + 200));
	assert_int_equal(hdr(RING_OFF_REQ_PROD), (RING_IDX)(0xfffffff0u + 198)); /* the last two puts are unpushed */
	assert_int_equal(p.b.req_cons, (RING_IDX)(0xfffffff0u + 198));
	assert_true(notified > 1);
	assert_false(p.f.broken || p.b.broken);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_hostile_rsp_prod_beyond_requests_breaks_the_frontend(void **state)
{
	struct pair p;
	struct msg m = msg(1);
	(void)state;
	open_at(&p, 0xfffffffeu);
	ring_front_put(&p.f, &m, sizeof(m));
	ring_front_put(&p.f, &m, sizeof(m));
	ring_front_push(&p.f);
	set_hdr(RING_OFF_RSP_PROD, 0xfffffffeu + 3); /* three responses to two requests */
	assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), -XEN_EIO);
	assert_true(p.f.broken);
	assert_int_equal(ring_front_put(&p.f, &m, sizeof(m)), -XEN_EIO);
	assert_false(ring_front_final_check(&p.f));
	assert_int_equal(ring_front_free(&p.f), 0);
	/* A wild value far beyond: the same, with no access outside the page. */
	open_at(&p, 0);
	ring_front_put(&p.f, &m, sizeof(m));
	ring_front_push(&p.f);
	set_hdr(RING_OFF_RSP_PROD, 0x80000000u);
	assert_true(ring_front_final_check(&p.f));
	assert_int_equal(ring_front_take(&p.f, &m, sizeof(m)), -XEN_EIO);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_hostile_req_prod_more_than_a_ring_ahead_breaks_the_backend(void **state)
{
	struct pair p;
	struct msg m;
	(void)state;
	open_at(&p, 100);
	set_hdr(RING_OFF_REQ_PROD, 100 + 32); /* a full ring: legal */
	for (int i = 0; i < 32; i++)
		assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 0);
	set_hdr(RING_OFF_REQ_PROD, 100 + 33); /* one more than it could have put unanswered */
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), -XEN_EIO);
	assert_true(p.b.broken);
	assert_int_equal(ring_back_put(&p.b, &m, sizeof(m)), -XEN_EIO);
	assert_false(ring_back_push(&p.b));
	open_at(&p, 0);
	set_hdr(RING_OFF_REQ_PROD, 0xffffff00u);
	assert_true(ring_back_final_check(&p.b));
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), -XEN_EIO);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_hostile_req_prod_going_back_breaks_the_backend(void **state)
{
	struct pair p;
	struct msg m;
	(void)state;
	open_at(&p, 0);
	set_hdr(RING_OFF_REQ_PROD, 3);
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), 1);
	set_hdr(RING_OFF_REQ_PROD, 1); /* behind the two already taken */
	assert_int_equal(ring_back_take(&p.b, &m, sizeof(m)), -XEN_EIO);
}

static void test_backend_attach_resumes_after_the_last_response(void **state)
{
	struct pair p;
	struct msg m = msg(5);
	(void)state;
	open_at(&p, 0);
	for (int i = 0; i < 3; i++)
		ring_front_put(&p.f, &m, sizeof(m));
	ring_front_push(&p.f);
	ring_back_take(&p.b, &m, sizeof(m));
	ring_back_put(&p.b, &m, sizeof(m));
	ring_back_push(&p.b);
	struct ring_back again; /* a restarted backend: requests 2 and 3 are still to serve */
	assert_int_equal(ring_back_attach(&again, fake_gva(page), PAGE, sizeof(m)), 0);
	assert_int_equal(ring_back_take(&again, &m, sizeof(m)), 1);
	assert_int_equal(ring_back_take(&again, &m, sizeof(m)), 1);
	assert_int_equal(ring_back_take(&again, &m, sizeof(m)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_slots_is_the_largest_power_of_two_after_the_header),
		cmocka_unit_test(test_shared_init_sets_producers_and_events),
		cmocka_unit_test(test_requests_and_responses_cross_in_order),
		cmocka_unit_test(test_full_ring_refuses_put_until_responses_are_taken),
		cmocka_unit_test(test_oversized_put_and_take_are_einval),
		cmocka_unit_test(test_back_put_without_a_request_taken_is_einval),
		cmocka_unit_test(test_push_notifies_exactly_when_the_event_index_is_crossed),
		cmocka_unit_test(test_response_push_follows_rsp_event),
		cmocka_unit_test(test_final_check_sees_a_response_that_raced_with_arming),
		cmocka_unit_test(test_indices_wrap_past_2_to_the_32),
		cmocka_unit_test(test_hostile_rsp_prod_beyond_requests_breaks_the_frontend),
		cmocka_unit_test(test_hostile_req_prod_more_than_a_ring_ahead_breaks_the_backend),
		cmocka_unit_test(test_hostile_req_prod_going_back_breaks_the_backend),
		cmocka_unit_test(test_backend_attach_resumes_after_the_last_response),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
