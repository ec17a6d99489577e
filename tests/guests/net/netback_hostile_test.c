/* Frontends breaking the protocol: bad refs, sizes beyond the page or the frame, offsets that wrap,
 * ring indices outside the ring, forged source addresses, floods. Each gets an error or is cut off;
 * the backend keeps serving the others and never hands one frontend's frame to another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"
#include "tests/guests/net/netback_fixture.h"
#include "tests/guests/ring/fake_shared.h"

/* After the culprit's round: fe[1] still gets fe[2]'s frame to it. */
static void assert_others_served(void)
{
	struct netif_rx_response r;
	nbf_post_rx(&fe[1], 1);
	nbf_frame(&fe[2], 0, 0, 64, fe[1].mac, NULL, 0x77, 9);
	nbf_push(&fe[2]);
	netback_poll(&nb);
	assert_int_equal(nbf_tx_status(&fe[2], 9), NETIF_RSP_OKAY);
	assert_int_equal(nbf_rx(&fe[1], &r), 1);
	assert_int_equal(r.status, 64);
	assert_int_equal(fe[1].page[8][20], 0x77);
}

static void test_netback_bad_gref_answers_error_and_serves_others(void **state)
{
	(void)state;
	nbf_tx(&fe[0], NPAGES + 5, 0, 64, 0, 1);
	nbf_tx(&fe[0], 0xffffffffu, 0, 64, 0, 2);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(nbf_tx_status(&fe[0], 1), NETIF_RSP_ERROR);
	assert_int_equal(nbf_tx_status(&fe[0], 2), NETIF_RSP_ERROR);
	assert_int_equal(fe[0].vif.st.tx_errors, 2);
	assert_false(fe[0].vif.broken);
	assert_others_served();
}

/* Each is refused before any byte moves. */
static void test_netback_sizes_and_offsets_outside_the_page_or_frame_answer_error(void **state)
{
	(void)state;
	static const struct {
		unsigned off, size;
	} bad[] = {
		{ 4000, 200 },                 /* beyond the page */
		{ 0xffff, 1514 },              /* offset + size past 64 KiB */
		{ 4095, 14 },     { 0, 13 },   /* shorter than an Ethernet header */
		{ 0, 0 },         { 0, 1515 }, /* longer than the MTU allows */
		{ 0, 0xffff },
	};
	for (uint16_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		nbf_tx(&fe[0], 0, bad[i].off, bad[i].size, 0, i);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	for (uint16_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nbf_tx_status(&fe[0], i), NETIF_RSP_ERROR);
	assert_int_equal(grant_copies, 0);
	assert_others_served();
}

static void test_netback_malformed_chains_answer_error_on_every_slot(void **state)
{
	(void)state;
	/* Pieces adding up to more than the frame. */
	nbf_tx(&fe[0], 0, 0, 100, NETTXF_more_data, 1);
	nbf_tx(&fe[0], 1, 0, 100, 0, 2);
	/* An extra_info slot, which was never offered. */
	nbf_tx(&fe[0], 0, 0, 64, NETTXF_extra_info, 3);
	/* A chain longer than XEN_NETIF_NR_SLOTS_MIN: cut there, the slots so far refused. */
	for (uint16_t i = 0; i < XEN_NETIF_NR_SLOTS_MIN; i++)
		nbf_tx(&fe[0], 0, 0, i ? 1 : 1000, NETTXF_more_data, (uint16_t)(10 + i));
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(nbf_tx_status(&fe[0], 1), NETIF_RSP_ERROR);
	assert_int_equal(nbf_tx_status(&fe[0], 2), NETIF_RSP_ERROR);
	assert_int_equal(nbf_tx_status(&fe[0], 3), NETIF_RSP_ERROR);
	for (uint16_t i = 0; i < XEN_NETIF_NR_SLOTS_MIN; i++)
		assert_int_equal(nbf_tx_status(&fe[0], (uint16_t)(10 + i)), NETIF_RSP_ERROR);
	assert_int_equal(grant_copies, 0);
	assert_others_served();
}

static void test_netback_tx_req_prod_beyond_the_ring_cuts_off_only_that_frontend(void **state)
{
	(void)state;
	struct netif_rx_response r;
	nbf_post_rx(&fe[0], 1);
	*(uint32_t *)(fe[0].tx_page + RING_OFF_REQ_PROD) = 1000;
	assert_int_equal(netback_poll(&nb), 0);
	assert_true(fe[0].vif.broken);
	assert_int_equal(*(uint32_t *)(fe[0].tx_page + RING_OFF_RSP_PROD), 0);
	assert_others_served();
	/* Nothing reaches the cut-off frontend any more. */
	nbf_frame(&fe[2], 1, 0, 64, bcast_mac, NULL, 0, 10);
	nbf_push(&fe[2]);
	netback_poll(&nb);
	assert_int_equal(nbf_rx(&fe[0], &r), 0);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_netback_tx_req_prod_gone_backwards_cuts_off_only_that_frontend(void **state)
{
	(void)state;
	nbf_frame(&fe[0], 0, 0, 64, fe[2].mac, NULL, 0, 1);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	*(uint32_t *)(fe[0].tx_page + RING_OFF_REQ_PROD) = 0xfffffff0u;
	netback_poll(&nb);
	assert_true(fe[0].vif.broken);
	assert_others_served();
}

static void test_netback_rx_req_prod_beyond_the_ring_cuts_off_the_receiver_not_the_sender(void **state)
{
	(void)state;
	*(uint32_t *)(fe[1].rx_page + RING_OFF_REQ_PROD) = 5000;
	nbf_post_rx(&fe[2], 1);
	nbf_frame(&fe[0], 0, 0, 64, bcast_mac, NULL, 0x42, 1);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(nbf_tx_status(&fe[0], 1), NETIF_RSP_OKAY);
	assert_true(fe[1].vif.broken);
	assert_false(fe[0].vif.broken);
	struct netif_rx_response r;
	assert_int_equal(nbf_rx(&fe[2], &r), 1);
	assert_int_equal(fe[2].page[8][20], 0x42);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_netback_rx_bad_gref_answers_error_in_that_slot(void **state)
{
	(void)state;
	struct netif_rx_request q = { .id = 3, .gref = 999 };
	struct netif_rx_response r;
	assert_int_equal(ring_front_put(&fe[1].rx, &q, sizeof(q)), 0);
	ring_front_push(&fe[1].rx);
	nbf_frame(&fe[0], 0, 0, 64, fe[1].mac, NULL, 0, 1);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(nbf_tx_status(&fe[0], 1), NETIF_RSP_OKAY);
	assert_int_equal(nbf_rx(&fe[1], &r), 1);
	assert_int_equal(r.id, 3);
	assert_int_equal(r.status, NETIF_RSP_ERROR);
	assert_int_equal(fe[1].vif.st.rx_errors, 1);
	assert_false(fe[1].vif.broken);
}

static void test_netback_forged_source_address_is_dropped_not_learned(void **state)
{
	(void)state;
	struct netif_rx_response r;
	nbf_post_rx(&fe[1], 1);
	nbf_post_rx(&fe[2], 1);
	/* fe[0] poses as fe[1] to draw fe[1]'s traffic, and as the outside host. */
	nbf_frame(&fe[0], 0, 0, 64, bcast_mac, fe[1].mac, 0, 1);
	nbf_frame(&fe[0], 1, 0, 64, fe[2].mac, outside_mac, 0, 2);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(nbf_tx_status(&fe[0], 1), NETIF_RSP_ERROR);
	assert_int_equal(nbf_tx_status(&fe[0], 2), NETIF_RSP_ERROR);
	assert_int_equal(fe[0].vif.st.tx_spoofed, 2);
	assert_int_equal(nbf_rx(&fe[1], &r), 0);
	assert_int_equal(nbf_rx(&fe[2], &r), 0);
	assert_int_equal(wire_frames, 0);
	assert_int_equal(netsw_lookup(&nb.sw, fe[1].mac), 2);
	assert_int_equal(netsw_lookup(&nb.sw, outside_mac), -XEN_ENOENT);
}

static void test_netback_flooding_frontend_gets_its_budget_and_others_are_served(void **state)
{
	(void)state;
	struct netif_rx_response r;
	nbf_wire_in(bcast_mac, 64, 0); /* the switch learns where outside is */
	nbf_post_rx(&fe[1], 1);
	/* fe[0] fills its whole ring with frames for the wire. */
	for (uint16_t i = 0; i < 256; i++)
		nbf_frame(&fe[0], i % NPAGES, 0, 64, outside_mac, NULL, 0, i);
	nbf_push(&fe[0]);
	nbf_frame(&fe[2], 0, 0, 64, fe[1].mac, NULL, 0x66, 1);
	nbf_push(&fe[2]);
	assert_int_equal(netback_poll(&nb), 1);
	assert_int_equal(fe[0].vif.st.tx_frames, NETBACK_BUDGET);
	assert_int_equal(nbf_tx_status(&fe[2], 1), NETIF_RSP_OKAY);
	assert_int_equal(nbf_rx(&fe[1], &r), 1);
	assert_int_equal(fe[1].page[8][20], 0x66);
	unsigned rounds = 1;
	while (netback_poll(&nb))
		rounds++;
	assert_int_equal(rounds, 256 / NETBACK_BUDGET);
	assert_int_equal(fe[0].vif.st.tx_frames, 256);
	/* The rest of the flood drained over the next rounds, every slot answered. */
	for (uint16_t i = 0; i < 256; i++)
		assert_int_equal(nbf_tx_status(&fe[0], i), NETIF_RSP_OKAY);
	assert_int_equal(wire_frames, 256);
	assert_int_equal(fe[1].vif.st.rx_frames + fe[2].vif.st.rx_frames, 1);
}

static void test_netback_receiver_without_buffers_drops_and_the_sender_goes_on(void **state)
{
	(void)state;
	for (uint16_t i = 0; i < 5; i++)
		nbf_frame(&fe[0], i, 0, 64, fe[1].mac, NULL, 0, i);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	for (uint16_t i = 0; i < 5; i++)
		assert_int_equal(nbf_tx_status(&fe[0], i), NETIF_RSP_OKAY);
	assert_int_equal(fe[1].vif.st.rx_dropped, 5);
	assert_others_served();
}

static void test_netback_malformed_wire_frames_are_dropped(void **state)
{
	(void)state;
	struct netif_rx_response r;
	nbf_post_rx(&fe[0], 2);
	nbf_wire_in(fe[0].mac, 13, 0);
	nbf_wire_in(fe[0].mac, NETBACK_FRAME_MAX + 1, 0);
	assert_int_equal(nb.wire_dropped, 2);
	assert_int_equal(nbf_rx(&fe[0], &r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_netback_bad_gref_answers_error_and_serves_others, nbf_setup),
		cmocka_unit_test_setup(test_netback_sizes_and_offsets_outside_the_page_or_frame_answer_error,
				       nbf_setup),
		cmocka_unit_test_setup(test_netback_malformed_chains_answer_error_on_every_slot, nbf_setup),
		cmocka_unit_test_setup(test_netback_tx_req_prod_beyond_the_ring_cuts_off_only_that_frontend, nbf_setup),
		cmocka_unit_test_setup(test_netback_tx_req_prod_gone_backwards_cuts_off_only_that_frontend, nbf_setup),
		cmocka_unit_test_setup(test_netback_rx_req_prod_beyond_the_ring_cuts_off_the_receiver_not_the_sender,
				       nbf_setup),
		cmocka_unit_test_setup(test_netback_rx_bad_gref_answers_error_in_that_slot, nbf_setup),
		cmocka_unit_test_setup(test_netback_forged_source_address_is_dropped_not_learned, nbf_setup),
		cmocka_unit_test_setup(test_netback_flooding_frontend_gets_its_budget_and_others_are_served, nbf_setup),
		cmocka_unit_test_setup(test_netback_receiver_without_buffers_drops_and_the_sender_goes_on, nbf_setup),
		cmocka_unit_test_setup(test_netback_malformed_wire_frames_are_dropped, nbf_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
