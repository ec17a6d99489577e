/* Both ends of PV block over a real shared ring (lib/ring.c) in host memory: batches answered with
 * one notification each way, responses matched to requests, a hostile index cutting the ring
 * instead of being followed, and a frontend reissuing to a new backend on a fresh ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/blkback.h"
#include "lib/blkfront.h"
#include "lib/ring.h"
#include "public/errno.h"
#include "tests/guests/ring/fake_shared.h"

#define PAGE    4096u
#define NPAGES  16u
#define SECTORS 256u

static _Alignas(4096) uint8_t ring_page[2][PAGE];
static uint8_t data[NPAGES][PAGE]; /* the frontend's pages; a grant ref is their index */
static uint8_t disk[SECTORS * 512];
static uint8_t bounce[BLKBACK_BOUNCE_SIZE];
static struct ring_front rf;
static struct ring_back rb;
static struct blkfront f;
static struct blkback_stats st;
static unsigned completed;
static int16_t last_status;
static domid_t granted_to[NPAGES];

static int grant(void *ctx, domid_t be, uint64_t gfn, bool ro)
{
	(void)ctx, (void)ro;
	granted_to[gfn] = be;
	return (int)gfn;
}
static int ungrant(void *ctx, grant_ref_t ref) { return (void)ctx, (void)ref, 0; }
static int queue(void *ctx, const struct blkif_request *r) { return (void)ctx, ring_front_put(&rf, r, sizeof(*r)); }
static void done(void *arg, int16_t status) { (void)arg, completed++, last_status = status; }

static int grant_copy(void *ctx, grant_ref_t gref, unsigned off, size_t boff, unsigned len, bool to_guest)
{
	(void)ctx;
	if (gref >= NPAGES)
		return -XEN_EINVAL;
	if (to_guest)
		memcpy(&data[gref][off], bounce + boff, len);
	else
		memcpy(bounce + boff, &data[gref][off], len);
	return 0;
}
static int disk_read(void *ctx, uint64_t sector, size_t boff, unsigned n)
{
	return (void)ctx, memcpy(bounce + boff, &disk[sector * 512], n * 512u), 0;
}
static int disk_write(void *ctx, uint64_t sector, size_t boff, unsigned n)
{
	return (void)ctx, memcpy(&disk[sector * 512], bounce + boff, n * 512u), 0;
}

static const struct blkback_io io = {
	.sectors = SECTORS, .grant_copy = grant_copy, .disk_read = disk_read, .disk_write = disk_write
};

/* A fresh ring on page @i, both ends attached, the frontend connected to backend @be. */
static void connect_ring(unsigned i, domid_t be)
{
	ring_shared_init(fake_gva(ring_page[i]), 0);
	assert_int_equal(ring_front_attach(&rf, fake_gva(ring_page[i]), PAGE, sizeof(struct blkif_request)), 0);
	assert_int_equal(ring_back_attach(&rb, fake_gva(ring_page[i]), PAGE, sizeof(struct blkif_request)), 0);
	assert_true(blkfront_connect(&f, be) >= 0);
}

static int setup(void **state)
{
	(void)state;
	static const struct blkfront_ops ops = { .grant = grant, .ungrant = ungrant, .queue = queue };
	fake_shared_reset();
	fake_shared_window(ring_page, sizeof(ring_page));
	memset(disk, 0, sizeof(disk));
	memset(&st, 0, sizeof(st));
	completed = 0;
	blkfront_init(&f, &ops);
	connect_ring(0, 1);
	return 0;
}

static void write_page(unsigned page, uint64_t sector, uint8_t fill)
{
	struct blkfront_seg s = { .gfn = page, .first_sect = 0, .last_sect = 7 };
	memset(data[page], fill, PAGE);
	assert_true(blkfront_submit(&f, BLKIF_OP_WRITE, sector, &s, 1, done, NULL) >= 0);
}

static void test_blkring_a_batch_is_served_with_one_notification_each_way(void **state)
{
	(void)state;
	bool notify;
	for (unsigned i = 0; i < 5; i++)
		write_page(i, i * 8, (uint8_t)(0x10 + i));
	assert_true(ring_front_push(&rf)); /* the backend asked for an event at the first request */

	assert_int_equal(blkback_serve(&rb, &io, &st, &notify), 5);
	assert_true(notify);
	assert_int_equal(blkfront_poll(&f, &rf), 5);
	assert_int_equal(completed, 5);
	assert_int_equal(last_status, BLKIF_RSP_OKAY);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(disk[i * 4096 + 4095], 0x10 + i);
	assert_int_equal(f.inflight, 0);
}

static void test_blkring_pushes_while_the_backend_is_behind_need_no_notification(void **state)
{
	(void)state;
	bool notify;
	write_page(0, 0, 1);
	assert_true(ring_front_push(&rf));
	write_page(1, 8, 2);
	assert_false(ring_front_push(&rf)); /* it has not looked yet: one event covers both */
	assert_int_equal(blkback_serve(&rb, &io, &st, &notify), 2);
	/* Having looked, it asks again: the next push notifies. */
	write_page(2, 16, 3);
	assert_true(ring_front_push(&rf));
}

static void test_blkring_backend_answers_a_malformed_request_and_goes_on(void **state)
{
	(void)state;
	bool notify;
	struct blkif_request bad = { .operation = BLKIF_OP_WRITE, .nr_segments = 200, .id = 3 };
	assert_int_equal(ring_front_put(&rf, &bad, sizeof(bad)), 0);
	write_page(0, 0, 9);
	ring_front_push(&rf);
	assert_int_equal(blkback_serve(&rb, &io, &st, &notify), 2);
	assert_int_equal(st.bad_requests, 1);
	assert_int_equal(disk[0], 9);
	/* The bad one's response names no request of the frontend's: dropped, the good one completes. */
	assert_int_equal(blkfront_poll(&f, &rf), 1);
	assert_int_equal(f.bad_responses, 1);
}

static void test_blkring_hostile_req_prod_breaks_the_ring_without_touching_the_disk(void **state)
{
	(void)state;
	bool notify;
	struct ring_sring_hdr *h = (struct ring_sring_hdr *)ring_page[0];
	h->req_prod = 1000;
	assert_int_equal(blkback_serve(&rb, &io, &st, &notify), -XEN_EIO);
	assert_int_equal(st.writes + st.reads + st.bad_requests, 0);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_blkring_hostile_rsp_prod_breaks_the_ring_for_the_frontend(void **state)
{
	(void)state;
	write_page(0, 0, 1);
	ring_front_push(&rf);
	((struct ring_sring_hdr *)ring_page[0])->rsp_prod = 40;
	assert_int_equal(blkfront_poll(&f, &rf), -XEN_EIO);
	assert_int_equal(completed, 0);
	assert_int_equal(f.inflight, 1);
}

static void test_blkring_unanswered_requests_reach_the_next_backend(void **state)
{
	(void)state;
	bool notify;
	for (unsigned i = 0; i < 4; i++)
		write_page(i, i * 8, (uint8_t)(0x20 + i));
	ring_front_push(&rf); /* the backend dies before serving them */
	blkfront_disconnect(&f);

	connect_ring(1, 7);
	assert_int_equal(f.reissued, 4);
	assert_int_equal(granted_to[3], 7);
	assert_true(ring_front_push(&rf));
	assert_int_equal(blkback_serve(&rb, &io, &st, &notify), 4);
	assert_int_equal(blkfront_poll(&f, &rf), 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(disk[i * 4096], 0x20 + i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_blkring_a_batch_is_served_with_one_notification_each_way, setup),
		cmocka_unit_test_setup(test_blkring_pushes_while_the_backend_is_behind_need_no_notification, setup),
		cmocka_unit_test_setup(test_blkring_backend_answers_a_malformed_request_and_goes_on, setup),
		cmocka_unit_test_setup(test_blkring_hostile_req_prod_breaks_the_ring_without_touching_the_disk, setup),
		cmocka_unit_test_setup(test_blkring_hostile_rsp_prod_breaks_the_ring_for_the_frontend, setup),
		cmocka_unit_test_setup(test_blkring_unanswered_requests_reach_the_next_backend, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
