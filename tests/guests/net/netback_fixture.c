#include "tests/guests/net/netback_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"
#include "tests/guests/ring/fake_shared.h"

struct fe fe[NFE];
struct netback nb;
unsigned grant_copies, wire_frames, wire_last_len;
uint8_t wire_last[NETBACK_FRAME_MAX];
const uint8_t outside_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 }, bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint8_t stage[2 * NETBACK_STAGE_SIZE];

/* GNTTABOP_copy's checks as the hypervisor makes them: a ref the domain never granted fails. The
 * engine must never ask for bytes beyond the page (the hypervisor would refuse too, but the
 * engine's own check is what is tested). */
static int grant_copy(void *ctx, domid_t dom, grant_ref_t gref, unsigned off, size_t boff, unsigned len, bool to_guest)
{
	(void)ctx;
	grant_copies++;
	assert_true(off + len <= 4096 && boff + len <= sizeof(stage));
	if (dom < 1 || dom > NFE || gref >= NPAGES)
		return -XEN_EINVAL;
	uint8_t *p = &fe[dom - 1].page[gref][off];
	if (to_guest)
		memcpy(p, stage + boff, len);
	else
		memcpy(stage + boff, p, len);
	return 0;
}

static void peek(void *ctx, size_t boff, void *buf, unsigned len)
{
	(void)ctx;
	assert_true(boff + len <= sizeof(stage));
	memcpy(buf, stage + boff, len);
}

static int wire_send(void *ctx, size_t boff, unsigned len)
{
	(void)ctx;
	assert_true(len <= sizeof(wire_last));
	memcpy(wire_last, stage + boff, len);
	wire_last_len = len;
	wire_frames++;
	return 0;
}

int nbf_setup(void **state)
{
	(void)state;
	static const struct netback_io io = { .grant_copy = grant_copy, .peek = peek, .wire_send = wire_send };

	fake_shared_reset();
	grant_copies = wire_frames = wire_last_len = 0;
	netback_init(&nb, &io, true);
	for (unsigned i = 0; i < NFE; i++) {
		struct fe *f = &fe[i];
		memset(f, 0, sizeof(*f));
		f->dom = (domid_t)(i + 1);
		memcpy(f->mac, (uint8_t[6]){ 0x00, 0x16, 0x3e, 0, 0, (uint8_t)(i + 1) }, 6);
		fake_shared_window(f->tx_page, 4096);
		fake_shared_window(f->rx_page, 4096);
		ring_shared_init(fake_gva(f->tx_page), 0);
		ring_shared_init(fake_gva(f->rx_page), 0);
		assert_int_equal(ring_front_attach(&f->tx, fake_gva(f->tx_page), 4096, sizeof(struct netif_tx_request)),
				 0);
		assert_int_equal(ring_front_attach(&f->rx, fake_gva(f->rx_page), 4096, sizeof(struct netif_rx_request)),
				 0);
		assert_int_equal(netback_vif_connect(&nb, &f->vif, i + 1, f->dom, f->mac, fake_gva(f->tx_page),
						     fake_gva(f->rx_page)),
				 0);
	}
	return 0;
}

void nbf_tx(struct fe *f, grant_ref_t ref, unsigned off, unsigned len, uint16_t flags, uint16_t id)
{
	struct netif_tx_request r = {
		.gref = ref, .offset = (uint16_t)off, .flags = flags, .id = id, .size = (uint16_t)len
	};
	assert_int_equal(ring_front_put(&f->tx, &r, sizeof(r)), 0);
}

void nbf_frame(struct fe *f, unsigned ref, unsigned off, unsigned len, const uint8_t *dst, const uint8_t *src,
	       uint8_t fill, uint16_t id)
{
	uint8_t *p = &f->page[ref][off];
	memset(p, fill, len);
	memcpy(p, dst, 6);
	memcpy(p + 6, src ? src : f->mac, 6);
	nbf_tx(f, ref, off, len, 0, id);
}

void nbf_push(struct fe *f)
{
	ring_front_push(&f->tx);
	ring_front_push(&f->rx);
}

void nbf_post_rx(struct fe *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct netif_rx_request r = { .id = (uint16_t)(100 + i), .gref = 8 + i % (NPAGES - 8) };
		assert_int_equal(ring_front_put(&f->rx, &r, sizeof(r)), 0);
	}
	ring_front_push(&f->rx);
}

int nbf_tx_status(struct fe *f, uint16_t id)
{
	struct netif_tx_response r;
	assert_int_equal(ring_front_take(&f->tx, &r, sizeof(r)), 1);
	assert_int_equal(r.id, id);
	return r.status;
}

int nbf_rx(struct fe *f, struct netif_rx_response *rsp)
{
	int rc = ring_front_take(&f->rx, rsp, sizeof(*rsp));
	assert_true(rc >= 0);
	return rc;
}

void nbf_wire_in(const uint8_t *dst, unsigned len, uint8_t fill)
{
	memset(stage + WIRE_BOFF, fill, len);
	memcpy(stage + WIRE_BOFF, dst, 6);
	memcpy(stage + WIRE_BOFF + 6, outside_mac, 6);
	netback_wire_rx(&nb, WIRE_BOFF, len);
	netback_push_rx(&nb);
}
