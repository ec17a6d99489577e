/* The frontend's request tracking with fake grants and a fake ring: ids match responses to
 * requests, bogus responses are dropped, and what a dead backend never answered is issued again,
 * oldest first, granted to the new backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/blkfront.h"
#include "public/errno.h"

#define NREFS 512u

static struct {
	bool live;
	domid_t dom;
	uint64_t gfn;
	bool ro;
} refs[NREFS];
static unsigned live_refs;
static struct blkif_request queued[256];
static unsigned nqueued;
static int queue_rc;
static struct blkfront f;
static int16_t statuses[64];
static unsigned ndone;

static int grant(void *ctx, domid_t dom, uint64_t gfn, bool ro)
{
	(void)ctx;
	for (unsigned r = 8; r < NREFS; r++) /* refs below 8 are reserved, as in Xen's tables */
		if (!refs[r].live) {
			refs[r].live = true;
			refs[r].dom = dom;
			refs[r].gfn = gfn;
			refs[r].ro = ro;
			live_refs++;
			return (int)r;
		}
	return -XEN_ENOSPC;
}

static int ungrant(void *ctx, grant_ref_t ref)
{
	(void)ctx;
	assert_true(ref < NREFS && refs[ref].live); /* never a ref twice, never one not granted */
	refs[ref].live = false;
	live_refs--;
	return 0;
}

static int queue(void *ctx, const struct blkif_request *req)
{
	(void)ctx;
	if (queue_rc)
		return queue_rc;
	assert_true(nqueued < 256);
	queued[nqueued++] = *req;
	return 0;
}

static void done(void *arg, int16_t status)
{
	assert_true(ndone < 64);
	statuses[ndone++] = status;
	(void)arg;
}

static const struct blkfront_ops ops = { .grant = grant, .ungrant = ungrant, .queue = queue };

static int setup(void **state)
{
	(void)state;
	memset(refs, 0, sizeof(refs));
	live_refs = nqueued = ndone = 0;
	queue_rc = 0;
	blkfront_init(&f, &ops);
	assert_int_equal(blkfront_connect(&f, 5), 0);
	return 0;
}

static int64_t write_at(uint64_t sector, uint64_t gfn)
{
	struct blkfront_seg s = { .gfn = gfn, .first_sect = 0, .last_sect = 7 };
	return blkfront_submit(&f, BLKIF_OP_WRITE, sector, &s, 1, done, NULL);
}

static struct blkif_response answer(const struct blkif_request *r, int16_t status)
{
	return (struct blkif_response){ .id = r->id, .operation = r->operation, .status = status };
}

static void test_blkfront_submit_grants_pages_to_the_backend_and_queues_the_request(void **state)
{
	(void)state;
	struct blkfront_seg s[2] = { { 0x40010, 2, 7 }, { 0x40011, 0, 3 } };
	int64_t id = blkfront_submit(&f, BLKIF_OP_READ, 100, s, 2, done, NULL);

	assert_true(id >= 0);
	assert_int_equal(nqueued, 1);
	assert_int_equal(queued[0].id, id);
	assert_int_equal(queued[0].sector_number, 100);
	assert_int_equal(queued[0].nr_segments, 2);
	assert_int_equal(queued[0].seg[0].first_sect, 2);
	assert_int_equal(queued[0].seg[1].last_sect, 3);
	grant_ref_t g = queued[0].seg[1].gref;
	assert_true(refs[g].live);
	assert_int_equal(refs[g].dom, 5);
	assert_int_equal(refs[g].gfn, 0x40011);
	assert_false(refs[g].ro); /* the backend writes what it reads from disk into the page */
	int64_t w = write_at(0, 0x40020);
	assert_int_equal(w, queued[1].id);
	assert_true(refs[queued[1].seg[0].gref].ro);
}

static void test_blkfront_responses_are_matched_by_id_in_any_order(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3; i++)
		assert_true(write_at(i * 8, 0x40000 + i) >= 0);
	assert_int_equal(live_refs, 3);

	struct blkif_response r2 = answer(&queued[2], BLKIF_RSP_ERROR), r0 = answer(&queued[0], BLKIF_RSP_OKAY);
	assert_int_equal(blkfront_complete(&f, &r2), 0);
	assert_int_equal(blkfront_complete(&f, &r0), 0);
	assert_int_equal(ndone, 2);
	assert_int_equal(statuses[0], BLKIF_RSP_ERROR);
	assert_int_equal(statuses[1], BLKIF_RSP_OKAY);
	assert_int_equal(f.inflight, 1);
	assert_int_equal(live_refs, 1);
	assert_true(refs[queued[1].seg[0].gref].live); /* the one unanswered keeps its grant */
}

static void test_blkfront_ids_are_unique_among_requests_in_flight(void **state)
{
	(void)state;
	for (unsigned i = 0; i < BLKFRONT_MAX_INFLIGHT; i++)
		assert_true(write_at(i, 0x40000 + i) >= 0);
	for (unsigned i = 0; i < nqueued; i++)
		for (unsigned j = i + 1; j < nqueued; j++)
			assert_true(queued[i].id != queued[j].id);
}

static void test_blkfront_bogus_responses_are_dropped(void **state)
{
	(void)state;
	assert_true(write_at(0, 0x40000) >= 0);
	struct blkif_response unknown = { .id = 31, .operation = BLKIF_OP_WRITE }, huge = { .id = ~0ull },
			      wrong_op = answer(&queued[0], 0), ok = answer(&queued[0], 0);
	wrong_op.operation = BLKIF_OP_READ;

	assert_int_equal(blkfront_complete(&f, &unknown), -XEN_EINVAL);
	assert_int_equal(blkfront_complete(&f, &huge), -XEN_EINVAL);
	assert_int_equal(blkfront_complete(&f, &wrong_op), -XEN_EINVAL);
	assert_int_equal(ndone, 0);
	assert_int_equal(blkfront_complete(&f, &ok), 0);
	assert_int_equal(blkfront_complete(&f, &ok), -XEN_EINVAL); /* answered twice */
	assert_int_equal(ndone, 1);
	assert_int_equal(f.bad_responses, 4);
}

static void test_blkfront_response_to_a_reused_slots_old_request_is_dropped(void **state)
{
	(void)state;
	assert_true(write_at(0, 0x40000) >= 0);
	struct blkif_response old = answer(&queued[0], 0);
	assert_int_equal(blkfront_complete(&f, &old), 0);
	assert_true(write_at(8, 0x40001) >= 0);
	assert_int_equal(queued[1].id & 0xff, queued[0].id & 0xff); /* the same slot again */

	assert_int_equal(blkfront_complete(&f, &old), -XEN_EINVAL);
	assert_int_equal(f.inflight, 1);
}

static void test_blkfront_more_than_ring_size_in_flight_is_ebusy(void **state)
{
	(void)state;
	for (unsigned i = 0; i < BLKFRONT_MAX_INFLIGHT; i++)
		assert_true(write_at(i, 0x40000) >= 0);
	assert_int_equal(write_at(99, 0x40000), -XEN_EBUSY);
	assert_int_equal(nqueued, BLKFRONT_MAX_INFLIGHT);
	assert_int_equal(live_refs, BLKFRONT_MAX_INFLIGHT);
}

static void test_blkfront_malformed_submissions_are_einval(void **state)
{
	(void)state;
	struct blkfront_seg s[12] = { { 0x40000, 0, 7 } }, bad = { 0x40000, 3, 2 }, past = { 0x40000, 0, 8 };

	assert_int_equal(blkfront_submit(&f, BLKIF_OP_WRITE, 0, s, 0, done, NULL), -XEN_EINVAL);
	assert_int_equal(blkfront_submit(&f, BLKIF_OP_WRITE, 0, s, 12, done, NULL), -XEN_EINVAL);
	assert_int_equal(blkfront_submit(&f, BLKIF_OP_READ, 0, &bad, 1, done, NULL), -XEN_EINVAL);
	assert_int_equal(blkfront_submit(&f, BLKIF_OP_READ, 0, &past, 1, done, NULL), -XEN_EINVAL);
	assert_int_equal(blkfront_submit(&f, BLKIF_OP_FLUSH_DISKCACHE, 0, s, 1, done, NULL), -XEN_EINVAL);
	assert_int_equal(blkfront_submit(&f, BLKIF_OP_DISCARD, 0, s, 1, done, NULL), -XEN_EINVAL);
	assert_int_equal(nqueued, 0);
	assert_true(blkfront_submit(&f, BLKIF_OP_FLUSH_DISKCACHE, 0, NULL, 0, done, NULL) >= 0);
}

static void test_blkfront_full_ring_leaves_nothing_granted(void **state)
{
	(void)state;
	struct blkfront_seg s[3] = { { 0x40000, 0, 7 }, { 0x40001, 0, 7 }, { 0x40002, 0, 7 } };
	queue_rc = -XEN_ENOSPC;
	assert_int_equal(blkfront_submit(&f, BLKIF_OP_WRITE, 0, s, 3, done, NULL), -XEN_ENOSPC);
	assert_int_equal(live_refs, 0);
	assert_int_equal(f.inflight, 0);
}

static void test_blkfront_reconnect_reissues_unanswered_requests_oldest_first(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 6; i++)
		assert_true(write_at(i * 8, 0x40100 + i) >= 0);
	struct blkif_response a1 = answer(&queued[1], 0), a4 = answer(&queued[4], 0);
	assert_int_equal(blkfront_complete(&f, &a1), 0);
	assert_int_equal(blkfront_complete(&f, &a4), 0);

	blkfront_disconnect(&f);
	assert_int_equal(live_refs, 0);          /* the dead backend's grants ended */
	assert_true(write_at(48, 0x40106) >= 0); /* taken while disconnected, queued on connect */
	assert_int_equal(nqueued, 6);

	assert_int_equal(blkfront_connect(&f, 9), 5);
	assert_int_equal(nqueued, 11);
	const uint64_t want[] = { 0, 16, 24, 40, 48 };
	for (unsigned i = 0; i < 5; i++) {
		const struct blkif_request *r = &queued[6 + i];
		assert_int_equal(r->sector_number, want[i]);
		assert_true(refs[r->seg[0].gref].live);
		assert_int_equal(refs[r->seg[0].gref].dom, 9);
		assert_int_equal(refs[r->seg[0].gref].gfn, 0x40100 + want[i] / 8);
	}
	assert_int_equal(live_refs, 5);
	assert_int_equal(f.reissued, 4); /* the fifth was never sent before */

	/* The new backend's answers complete the original requests. */
	for (unsigned i = 0; i < 5; i++) {
		struct blkif_response a = answer(&queued[6 + i], 0);
		assert_int_equal(blkfront_complete(&f, &a), 0);
	}
	assert_int_equal(ndone, 7);
	assert_int_equal(f.inflight, 0);
	assert_int_equal(live_refs, 0);
}

static void test_blkfront_responses_while_disconnected_are_dropped(void **state)
{
	(void)state;
	assert_true(write_at(0, 0x40000) >= 0);
	struct blkif_response a = answer(&queued[0], 0);
	blkfront_disconnect(&f);
	assert_int_equal(blkfront_complete(&f, &a), -XEN_EINVAL);
	assert_int_equal(f.inflight, 1);
}

static void test_blkfront_failed_reissue_ends_every_new_grant(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3; i++)
		assert_true(write_at(i * 8, 0x40000 + i) >= 0);
	blkfront_disconnect(&f);
	queue_rc = -XEN_ENOSPC;
	assert_int_equal(blkfront_connect(&f, 9), -XEN_ENOSPC);
	assert_false(f.connected);
	assert_int_equal(live_refs, 0);
	queue_rc = 0;
	assert_int_equal(blkfront_connect(&f, 9), 3);
	assert_int_equal(live_refs, 3);
	assert_int_equal(f.reissued, 3);
}

static void test_blkfront_requests_taken_before_the_first_connection_are_not_reissues(void **state)
{
	(void)state;
	blkfront_disconnect(&f);
	blkfront_init(&f, &ops);
	for (unsigned i = 0; i < 3; i++)
		assert_true(write_at(i * 8, 0x40000 + i) >= 0);
	assert_int_equal(nqueued, 0);
	assert_int_equal(blkfront_connect(&f, 4), 3);
	assert_int_equal(nqueued, 3);
	assert_int_equal(f.reissued, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_blkfront_submit_grants_pages_to_the_backend_and_queues_the_request, setup),
		cmocka_unit_test_setup(test_blkfront_responses_are_matched_by_id_in_any_order, setup),
		cmocka_unit_test_setup(test_blkfront_ids_are_unique_among_requests_in_flight, setup),
		cmocka_unit_test_setup(test_blkfront_bogus_responses_are_dropped, setup),
		cmocka_unit_test_setup(test_blkfront_response_to_a_reused_slots_old_request_is_dropped, setup),
		cmocka_unit_test_setup(test_blkfront_more_than_ring_size_in_flight_is_ebusy, setup),
		cmocka_unit_test_setup(test_blkfront_malformed_submissions_are_einval, setup),
		cmocka_unit_test_setup(test_blkfront_full_ring_leaves_nothing_granted, setup),
		cmocka_unit_test_setup(test_blkfront_reconnect_reissues_unanswered_requests_oldest_first, setup),
		cmocka_unit_test_setup(test_blkfront_responses_while_disconnected_are_dropped, setup),
		cmocka_unit_test_setup(test_blkfront_failed_reissue_ends_every_new_grant, setup),
		cmocka_unit_test_setup(test_blkfront_requests_taken_before_the_first_connection_are_not_reissues,
				       setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
