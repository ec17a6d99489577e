/* The learning switch: where a frame goes, what it learns, and that a frontend's pinned address
 * cannot be drawn to another port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/netsw.h"
#include "public/errno.h"

static struct netsw sw;
static const uint8_t mac1[6] = { 0x00, 0x16, 0x3e, 0, 0, 1 }, mac2[6] = { 0x00, 0x16, 0x3e, 0, 0, 2 },
		     mac3[6] = { 0x00, 0x16, 0x3e, 0, 0, 3 }, outside[6] = { 0x02, 0, 0, 0, 0, 9 },
		     bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };

static uint32_t route(unsigned in, const uint8_t *dst, const uint8_t *src)
{
	uint8_t hdr[ETH_HLEN] = { 0 };
	memcpy(hdr, dst, 6);
	memcpy(hdr + 6, src, 6);
	return netsw_route(&sw, in, hdr);
}

static int setup(void **state)
{
	(void)state;
	netsw_init(&sw);
	assert_int_equal(netsw_port_up(&sw, 0, NULL), 0);
	assert_int_equal(netsw_port_up(&sw, 1, mac1), 0);
	assert_int_equal(netsw_port_up(&sw, 2, mac2), 0);
	assert_int_equal(netsw_port_up(&sw, 3, mac3), 0);
	return 0;
}

static void test_netsw_known_destination_goes_only_to_its_port(void **state)
{
	(void)state;
	assert_int_equal(route(1, mac2, mac1), 1u << 2);
	assert_int_equal(route(3, mac1, mac3), 1u << 1);
}

static void test_netsw_broadcast_and_multicast_flood_every_other_port(void **state)
{
	(void)state;
	assert_int_equal(route(1, bcast, mac1), (1u << 0) | (1u << 2) | (1u << 3));
	assert_int_equal(route(0, mcast, outside), (1u << 1) | (1u << 2) | (1u << 3));
}

static void test_netsw_unknown_destination_goes_only_to_the_uplink_until_learned(void **state)
{
	(void)state;
	assert_int_equal(route(1, outside, mac1), 1u << 0);
	assert_int_equal(netsw_lookup(&sw, outside), -XEN_ENOENT);
	assert_int_equal(route(0, mac1, outside), 1u << 1);
	assert_int_equal(netsw_lookup(&sw, outside), 0);
	assert_int_equal(route(1, outside, mac1), 1u << 0);
}

static void test_netsw_frame_to_its_own_port_goes_nowhere(void **state)
{
	(void)state;
	route(0, mac1, outside);
	assert_int_equal(route(0, outside, outside), 0);
}

static void test_netsw_pinned_address_is_not_learned_on_another_port(void **state)
{
	(void)state;
	/* Port 3 sends from port 2's address: port 2 keeps its traffic. */
	route(3, bcast, mac2);
	assert_int_equal(netsw_lookup(&sw, mac2), 2);
	assert_int_equal(route(1, mac2, mac1), 1u << 2);
	assert_int_equal(netsw_port_up(&sw, 4, mac2), -XEN_EEXIST);
}

static void test_netsw_owner_coming_up_takes_its_address_back(void **state)
{
	(void)state;
	static const uint8_t mac5[6] = { 0x00, 0x16, 0x3e, 0, 0, 5 };
	route(0, bcast, mac5);
	assert_int_equal(netsw_lookup(&sw, mac5), 0);
	assert_int_equal(netsw_port_up(&sw, 5, mac5), 0);
	assert_int_equal(netsw_lookup(&sw, mac5), 5);
	assert_int_equal(route(0, mac5, outside), 1u << 5);
}

static void test_netsw_port_down_forgets_its_addresses_and_gets_nothing(void **state)
{
	(void)state;
	route(0, mac1, outside);
	netsw_port_down(&sw, 0);
	assert_int_equal(netsw_lookup(&sw, outside), -XEN_ENOENT);
	assert_int_equal(route(1, outside, mac1), 0); /* no uplink: an unknown address is nowhere */
	netsw_port_down(&sw, 2);
	assert_int_equal(netsw_lookup(&sw, mac2), -XEN_ENOENT);
	assert_int_equal(route(1, bcast, mac1), 1u << 3);
	assert_int_equal(route(2, bcast, mac2), 0); /* a port that is down sends nothing */
}

static void test_netsw_reserved_address_of_a_port_not_up_never_leaves_on_the_uplink(void **state)
{
	(void)state;
	const uint8_t mac4[6] = { 0x00, 0x16, 0x3e, 0, 0, 4 };
	assert_int_equal(netsw_port_reserve(&sw, 4, mac4), 0);
	assert_int_equal(route(1, mac4, mac1), 0); /* not up: dropped, not flooded to port 0 */
	assert_int_equal(route(0, mac4, outside), 0);
	assert_int_equal(route(2, mac4, mac4), 0); /* nor taken by another port sending from it */
	assert_int_equal(netsw_lookup(&sw, mac4), 4);
	assert_int_equal(netsw_port_reserve(&sw, 5, mac4), -XEN_EEXIST);
	assert_int_equal(netsw_port_reserve(&sw, 5, mcast), -XEN_EINVAL);
	assert_int_equal(netsw_port_up(&sw, 4, mac4), 0);
	assert_int_equal(route(1, mac4, mac1), 1u << 4);
}

static void test_netsw_full_table_replaces_the_stalest_learned_entry(void **state)
{
	(void)state;
	uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0 };
	for (unsigned i = 0; i < NETSW_ENTRIES; i++) {
		m[5] = (uint8_t)i;
		route(0, bcast, m);
	}
	/* 3 pinned + 61 learned fit; the first three learned are gone, the pinned ones stay. */
	m[5] = 0;
	assert_int_equal(netsw_lookup(&sw, m), -XEN_ENOENT);
	m[5] = NETSW_ENTRIES - 1;
	assert_int_equal(netsw_lookup(&sw, m), 0);
	assert_int_equal(netsw_lookup(&sw, mac1), 1);
	assert_int_equal(netsw_lookup(&sw, mac3), 3);
}

static void test_netsw_bad_ports_and_addresses_are_refused(void **state)
{
	(void)state;
	assert_int_equal(netsw_port_up(&sw, NETSW_PORTS, NULL), -XEN_EINVAL);
	assert_int_equal(netsw_port_up(&sw, 6, bcast), -XEN_EINVAL);
	assert_int_equal(route(NETSW_PORTS + 7, bcast, mac1), 0);
	netsw_port_down(&sw, 999);
	assert_int_equal(route(1, mac2, mac1), 1u << 2);
}

static void test_netsw_mac_parse_takes_only_the_xenstore_form(void **state)
{
	(void)state;
	uint8_t m[6];
	assert_true(netsw_mac_parse("00:16:3E:0a:ff:01", m));
	assert_memory_equal(m, ((uint8_t[6]){ 0x00, 0x16, 0x3e, 0x0a, 0xff, 0x01 }), 6);
	assert_false(netsw_mac_parse("00:16:3e:00:00:1", m));
	assert_false(netsw_mac_parse("00:16:3e:00:00:011", m));
	assert_false(netsw_mac_parse("00-16-3e-00-00-01", m));
	assert_false(netsw_mac_parse("0g:16:3e:00:00:01", m));
	assert_false(netsw_mac_parse("", m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_netsw_known_destination_goes_only_to_its_port, setup),
		cmocka_unit_test_setup(test_netsw_broadcast_and_multicast_flood_every_other_port, setup),
		cmocka_unit_test_setup(test_netsw_unknown_destination_goes_only_to_the_uplink_until_learned, setup),
		cmocka_unit_test_setup(test_netsw_frame_to_its_own_port_goes_nowhere, setup),
		cmocka_unit_test_setup(test_netsw_pinned_address_is_not_learned_on_another_port, setup),
		cmocka_unit_test_setup(test_netsw_owner_coming_up_takes_its_address_back, setup),
		cmocka_unit_test_setup(test_netsw_port_down_forgets_its_addresses_and_gets_nothing, setup),
		cmocka_unit_test_setup(test_netsw_reserved_address_of_a_port_not_up_never_leaves_on_the_uplink, setup),
		cmocka_unit_test_setup(test_netsw_full_table_replaces_the_stalest_learned_entry, setup),
		cmocka_unit_test_setup(test_netsw_bad_ports_and_addresses_are_refused, setup),
		cmocka_unit_test(test_netsw_mac_parse_takes_only_the_xenstore_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
