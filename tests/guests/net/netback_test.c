/* The backend engine doing its job: frames switched between frontends and the wire by address,
 * copied intact through the grants, batches answered with one notification, more_data chains
 * gathered, and no frame seen by a frontend it was not for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"
#include "tests/guests/net/netback_fixture.h"
#include "tests/guests/ring/fake_shared.h"

/* The frame the frontend @f received in its page @ref: @len bytes from @src to @dst, filled with @fill. */
static void assert_frame(const struct fe *f, unsigned ref, unsigned len, const uint8_t *dst, const uint8_t *src,
			 uint8_t fill)
{
	const uint8_t *p = f->page[ref];
	assert_memory_equal(p, dst, 6);
	assert_memory_equal(p + 6, src, 6);
	for (unsigned i = 12; i < len; i++)
		assert_int_equal(p[i], fill);
}

static void test_netback_unicast_reaches_only_its_destination(void **state)
{
	(void)state;
	struct netif_rx_response r;
	for (unsigned i = 0; i < NFE; i++)
		nbf_post_rx(&fe[i], 4);
	nbf_frame(&fe[0], 0, 0, 1514, fe[1].mac, NULL, 0xa1, 7);
	nbf_push(&fe[0]);
	assert_int_equal(netback_poll(&nb), 0);
	assert_int_equal(nbf_tx_status(&fe[0], 7), NETIF_RSP_OKAY);
	assert_int_equal(nbf_rx(&fe[1], &r), 1);
	assert_int_equal(r.id, 100);
	assert_int_equal(r.status, 1514);
	assert_int_equal(r.offset, 0);
	assert_frame(&fe[1], 8, 1514, fe[1].mac, fe[0].mac, 0xa1);
	assert_int_equal(nbf_rx(&fe[2], &r), 0);
	assert_int_equal(nbf_rx(&fe[0], &r), 0);
	assert_int_equal(wire_frames, 0);
	assert_int_equal(fe[0].vif.st.tx_frames, 1);
	assert_int_equal(fe[1].vif.st.rx_bytes, 1514);
}

static void test_netback_broadcast_reaches_every_other_frontend_and_the_wire(void **state)
{
	(void)state;
	struct netif_rx_response r;
	for (unsigned i = 0; i < NFE; i++)
		nbf_post_rx(&fe[i], 1);
	nbf_frame(&fe[2], 3, 100, 60, bcast_mac, NULL, 0x33, 1);
	nbf_push(&fe[2]);
	netback_poll(&nb);
	assert_int_equal(nbf_rx(&fe[0], &r), 1);
	assert_int_equal(r.status, 60);
	assert_frame(&fe[0], 8, 60, bcast_mac, fe[2].mac, 0x33);
	assert_int_equal(nbf_rx(&fe[1], &r), 1);
	assert_int_equal(nbf_rx(&fe[2], &r), 0);
	assert_int_equal(wire_frames, 1);
	assert_int_equal(wire_last_len, 60);
	assert_memory_equal(wire_last + 6, fe[2].mac, 6);
}

static void test_netback_outside_address_is_learned_from_the_wire(void **state)
{
	(void)state;
	struct netif_rx_response r;
	for (unsigned i = 0; i < NFE; i++)
		nbf_post_rx(&fe[i], 2);
	/* Unknown to the switch: to the wire only, never to another frontend. */
	nbf_frame(&fe[0], 0, 0, 64, outside_mac, NULL, 1, 1);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(wire_frames, 1);
	assert_int_equal(nbf_rx(&fe[1], &r), 0);
	assert_int_equal(nbf_rx(&fe[2], &r), 0);
	/* The answer from outside goes to fe[0] only, and teaches the switch where outside is. */
	nbf_wire_in(fe[0].mac, 200, 0x5a);
	assert_int_equal(nbf_rx(&fe[0], &r), 1);
	assert_int_equal(r.status, 200);
	assert_frame(&fe[0], 8, 200, fe[0].mac, outside_mac, 0x5a);
	assert_int_equal(nbf_rx(&fe[1], &r), 0);
	assert_int_equal(nbf_rx(&fe[2], &r), 0);
	nbf_frame(&fe[0], 1, 0, 64, outside_mac, NULL, 2, 2);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(wire_frames, 2);
	assert_int_equal(nbf_rx(&fe[1], &r), 0);
	assert_int_equal(nbf_rx(&fe[2], &r), 0);
	assert_int_equal(nb.wire_rx, 1);
	assert_int_equal(nb.wire_tx, 2);
}

static void test_netback_batch_is_answered_with_one_push_and_one_notification(void **state)
{
	(void)state;
	nbf_post_rx(&fe[1], 10);
	for (uint16_t i = 0; i < 10; i++)
		nbf_frame(&fe[0], i, 0, 64, fe[1].mac, NULL, (uint8_t)i, i);
	nbf_push(&fe[0]);
	assert_int_equal(netback_poll(&nb), 0);
	assert_true(fe[0].vif.notify);
	assert_true(fe[1].vif.notify);
	/* All ten responses were published by one index store. */
	assert_int_equal(*(uint32_t *)(fe[0].tx_page + RING_OFF_RSP_PROD), 10);
	assert_int_equal(*(uint32_t *)(fe[1].rx_page + RING_OFF_RSP_PROD), 10);
	for (uint16_t i = 0; i < 10; i++)
		assert_int_equal(nbf_tx_status(&fe[0], i), NETIF_RSP_OKAY);
	assert_int_equal(fe[1].vif.st.rx_frames, 10);
}

static void test_netback_frontend_that_did_not_rearm_is_not_notified(void **state)
{
	(void)state;
	nbf_frame(&fe[0], 0, 0, 64, fe[1].mac, NULL, 0, 0);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_true(fe[0].vif.notify);
	assert_int_equal(nbf_tx_status(&fe[0], 0), NETIF_RSP_OKAY);
	fe[0].vif.notify = false;
	/* It took the response without asking for the next one (no final check): quiet. */
	nbf_frame(&fe[0], 1, 0, 64, fe[1].mac, NULL, 0, 1);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_false(fe[0].vif.notify);
	assert_int_equal(nbf_tx_status(&fe[0], 1), NETIF_RSP_OKAY);
	/* Re-armed: told again. */
	assert_false(ring_front_final_check(&fe[0].tx));
	nbf_frame(&fe[0], 2, 0, 64, fe[1].mac, NULL, 0, 2);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_true(fe[0].vif.notify);
}

static void test_netback_more_data_chain_is_gathered_across_pages(void **state)
{
	(void)state;
	struct netif_rx_response r;
	nbf_post_rx(&fe[1], 1);
	/* 100 bytes: the first 40 at the end of page 0, the other 60 at the start of page 1. */
	uint8_t *a = &fe[0].page[0][4056], *b = fe[0].page[1];
	memset(a, 0x11, 40);
	memcpy(a, fe[1].mac, 6);
	memcpy(a + 6, fe[0].mac, 6);
	memset(b, 0x22, 60);
	nbf_tx(&fe[0], 0, 4056, 100, NETTXF_more_data, 5);
	nbf_push(&fe[0]);
	/* Half a frame: nothing moves, nothing is answered yet. */
	netback_poll(&nb);
	assert_int_equal(grant_copies, 0);
	assert_int_equal(*(uint32_t *)(fe[0].tx_page + RING_OFF_RSP_PROD), 0);
	nbf_tx(&fe[0], 1, 0, 60, 0, 6);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(nbf_tx_status(&fe[0], 5), NETIF_RSP_OKAY);
	assert_int_equal(nbf_tx_status(&fe[0], 6), NETIF_RSP_OKAY);
	assert_int_equal(nbf_rx(&fe[1], &r), 1);
	assert_int_equal(r.status, 100);
	assert_memory_equal(fe[1].page[8], a, 40);
	assert_memory_equal(fe[1].page[8] + 40, b, 60);
}

static void test_netback_disconnected_frontend_gets_nothing_and_its_port_is_free(void **state)
{
	(void)state;
	struct netif_rx_response r;
	nbf_post_rx(&fe[1], 1);
	nbf_post_rx(&fe[2], 1);
	netback_vif_disconnect(&nb, &fe[1].vif);
	nbf_frame(&fe[0], 0, 0, 64, bcast_mac, NULL, 0, 0);
	nbf_push(&fe[0]);
	netback_poll(&nb);
	assert_int_equal(*(uint32_t *)(fe[1].rx_page + RING_OFF_RSP_PROD), 0);
	assert_int_equal(nbf_rx(&fe[2], &r), 1);
	/* A new frontend for that domain takes the port again on fresh rings. */
	assert_int_equal(
	    netback_vif_connect(&nb, &fe[1].vif, 2, 2, fe[1].mac, fake_gva(fe[1].tx_page), fake_gva(fe[1].rx_page)), 0);
	assert_int_equal(netback_vif_connect(&nb, &fe[2].vif, 2, 3, fe[2].mac, 0, 0), -XEN_EBUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_netback_unicast_reaches_only_its_destination, nbf_setup),
		cmocka_unit_test_setup(test_netback_broadcast_reaches_every_other_frontend_and_the_wire, nbf_setup),
		cmocka_unit_test_setup(test_netback_outside_address_is_learned_from_the_wire, nbf_setup),
		cmocka_unit_test_setup(test_netback_batch_is_answered_with_one_push_and_one_notification, nbf_setup),
		cmocka_unit_test_setup(test_netback_frontend_that_did_not_rearm_is_not_notified, nbf_setup),
		cmocka_unit_test_setup(test_netback_more_data_chain_is_gathered_across_pages, nbf_setup),
		cmocka_unit_test_setup(test_netback_disconnected_frontend_gets_nothing_and_its_port_is_free, nbf_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
