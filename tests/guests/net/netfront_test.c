/* The frontend's tracking with fake grants and rings: frames and receive pages granted to the
 * backend and ended when answered, responses naming nothing refused, receive pages posted again
 * to a new backend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/netfront.h"
#include "public/errno.h"

static struct netfront f;
static unsigned grants, ungrants, txq, rxq, full_after = ~0u;
static domid_t granted_to;
static bool last_ro;
static struct netif_tx_request last_tx;
static struct netif_rx_request last_rx;

static int grant(void *ctx, domid_t be, uint64_t gfn, bool ro)
{
	(void)ctx;
	granted_to = be;
	last_ro = ro;
	grants++;
	return (int)(1000 + gfn);
}
static int ungrant(void *ctx, grant_ref_t ref) { return (void)ctx, (void)ref, ungrants++, 0; }
static int tx_queue(void *ctx, const struct netif_tx_request *r)
{
	(void)ctx;
	if (txq >= full_after)
		return -XEN_EBUSY;
	last_tx = *r;
	txq++;
	return 0;
}
static int rx_queue(void *ctx, const struct netif_rx_request *r) { return (void)ctx, last_rx = *r, rxq++, 0; }

static int setup(void **state)
{
	(void)state;
	static const struct netfront_ops ops = {
		.grant = grant, .ungrant = ungrant, .tx_queue = tx_queue, .rx_queue = rx_queue
	};
	grants = ungrants = txq = rxq = 0;
	full_after = ~0u;
	netfront_init(&f, &ops);
	assert_int_equal(netfront_connect(&f, 5), 0);
	return 0;
}

static void test_netfront_send_grants_readonly_and_the_response_ends_it(void **state)
{
	(void)state;
	int id = netfront_send(&f, 42, 100, 1514);
	assert_true(id >= 0);
	assert_int_equal(granted_to, 5);
	assert_true(last_ro);
	assert_int_equal(last_tx.gref, 1042);
	assert_int_equal(last_tx.offset, 100);
	assert_int_equal(last_tx.size, 1514);
	assert_int_equal(last_tx.id, id);
	assert_int_equal(f.tx_inflight, 1);
	struct netif_tx_response r = { .id = (uint16_t)id, .status = NETIF_RSP_OKAY };
	assert_int_equal(netfront_tx_complete(&f, &r), NETIF_RSP_OKAY);
	assert_int_equal(ungrants, 1);
	assert_int_equal(f.tx_inflight, 0);
	assert_int_equal(f.tx_done, 1);
	/* The same response again names nothing in flight. */
	assert_int_equal(netfront_tx_complete(&f, &r), -XEN_EINVAL);
	assert_int_equal(f.bad_responses, 1);
	assert_int_equal(ungrants, 1);
}

static void test_netfront_send_refuses_frames_that_cross_the_page_or_are_too_short(void **state)
{
	(void)state;
	assert_int_equal(netfront_send(&f, 1, 4000, 200), -XEN_EINVAL);
	assert_int_equal(netfront_send(&f, 1, 0, 13), -XEN_EINVAL);
	assert_int_equal(netfront_send(&f, 1, 4096, 14), -XEN_EINVAL);
	assert_int_equal(grants, 0);
}

static void test_netfront_full_ring_ends_the_grant_it_made(void **state)
{
	(void)state;
	full_after = 0;
	assert_int_equal(netfront_send(&f, 1, 0, 64), -XEN_EBUSY);
	assert_int_equal(grants, 1);
	assert_int_equal(ungrants, 1);
	assert_int_equal(f.tx_inflight, 0);
}

static void test_netfront_every_id_in_flight_gives_ebusy(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NETFRONT_TX_IDS; i++)
		assert_int_equal(netfront_send(&f, i, 0, 64), (int)i);
	assert_int_equal(netfront_send(&f, 0, 0, 64), -XEN_EBUSY);
	struct netif_tx_response r = { .id = 0xffff, .status = 0 };
	assert_int_equal(netfront_tx_complete(&f, &r), -XEN_EINVAL);
	r.id = 17;
	r.status = NETIF_RSP_ERROR;
	assert_int_equal(netfront_tx_complete(&f, &r), NETIF_RSP_ERROR);
	assert_int_equal(f.tx_errors, 1);
	assert_int_equal(netfront_send(&f, 0, 0, 64), 17);
}

static void test_netfront_received_frame_is_handed_back_with_its_page(void **state)
{
	(void)state;
	int id = netfront_post_rx(&f, 77);
	assert_true(id >= 0);
	assert_false(last_ro);
	assert_int_equal(last_rx.gref, 1077);
	assert_int_equal(last_rx.id, id);
	struct netif_rx_response r = { .id = (uint16_t)id, .offset = 0, .status = 1514 };
	uint64_t gfn;
	unsigned off, len;
	assert_int_equal(netfront_rx_complete(&f, &r, &gfn, &off, &len), 1);
	assert_int_equal(gfn, 77);
	assert_int_equal(len, 1514);
	assert_int_equal(f.rx_posted, 0);
	assert_int_equal(netfront_rx_complete(&f, &r, &gfn, &off, &len), -XEN_EINVAL);
}

static void test_netfront_receive_response_beyond_the_page_is_an_error(void **state)
{
	(void)state;
	uint64_t gfn;
	unsigned off, len;
	int a = netfront_post_rx(&f, 1), b = netfront_post_rx(&f, 2);
	struct netif_rx_response r = { .id = (uint16_t)a, .offset = 4000, .status = 200 };
	assert_int_equal(netfront_rx_complete(&f, &r, &gfn, &off, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(gfn, 1);
	r = (struct netif_rx_response){ .id = (uint16_t)b, .status = NETIF_RSP_ERROR };
	assert_int_equal(netfront_rx_complete(&f, &r, &gfn, &off, &len), 0);
	assert_int_equal(gfn, 2);
	assert_int_equal(f.rx_errors, 2);
	r.id = 300;
	assert_int_equal(netfront_rx_complete(&f, &r, &gfn, &off, &len), -XEN_EINVAL);
}

static void test_netfront_new_backend_gets_the_posted_pages_and_loses_nothing_else(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3; i++)
		netfront_post_rx(&f, 10 + i);
	netfront_send(&f, 50, 0, 64);
	netfront_disconnect(&f);
	assert_int_equal(ungrants, 4);
	assert_int_equal(f.tx_lost, 1);
	assert_int_equal(netfront_send(&f, 50, 0, 64), -XEN_EAGAIN);
	/* Posted while disconnected: kept, not granted to anyone yet. */
	unsigned g = grants;
	assert_true(netfront_post_rx(&f, 20) >= 0);
	assert_int_equal(grants, g);
	/* A response from the dead backend's ring names nothing now. */
	struct netif_rx_response r = { .id = 0, .status = 64 };
	uint64_t gfn;
	unsigned off, len;
	assert_int_equal(netfront_rx_complete(&f, &r, &gfn, &off, &len), -XEN_EINVAL);
	rxq = 0;
	assert_int_equal(netfront_connect(&f, 9), 4);
	assert_int_equal(rxq, 4);
	assert_int_equal(granted_to, 9);
	assert_int_equal(netfront_rx_complete(&f, &r, &gfn, &off, &len), 1);
	assert_int_equal(gfn, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_netfront_send_grants_readonly_and_the_response_ends_it, setup),
		cmocka_unit_test_setup(test_netfront_send_refuses_frames_that_cross_the_page_or_are_too_short, setup),
		cmocka_unit_test_setup(test_netfront_full_ring_ends_the_grant_it_made, setup),
		cmocka_unit_test_setup(test_netfront_every_id_in_flight_gives_ebusy, setup),
		cmocka_unit_test_setup(test_netfront_received_frame_is_handed_back_with_its_page, setup),
		cmocka_unit_test_setup(test_netfront_receive_response_beyond_the_page_is_an_error, setup),
		cmocka_unit_test_setup(test_netfront_new_backend_gets_the_posted_pages_and_loses_nothing_else, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
