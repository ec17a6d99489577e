/* A PV network DomU: connects its vif (device/vif/0, listed by the toolstack) and exchanges
 * numbered frames with a peer DomU through the network driver domain, with a window and
 * piggybacked acknowledgements so no receive page runs out; every frame checked byte for byte.
 * It also sends frames to the host at the far end of the NIC's wire and checks their echoes, and
 * counts the numbered broadcasts that host sends. Each frame received must be for our address
 * or broadcast: anything else is another domain's frame leaking to us.
 * Bootargs: netfront.peer=<domid> (the peer's address is 00:16:3e:00:00:<domid>),
 * netfront.frames=<n> (64), netfront.wire=<echoes> (0), netfront.broadcasts=<n to wait for> (0),
 * netfront.size=<bytes> (0: 64, 1514 and 600 in turn) for the peer's frames; the exchange's
 * virtual time is printed (bench/pvnet). netfront.hostile=1: first puts malformed requests on its
 * transmit ring behind lib/netfront's back (each must be answered NETIF_RSP_ERROR), and after its
 * exchange moves its req_prod far beyond the ring (the backend must cut it off, nobody else). */
#include <string.h>

#include "lib/evtchn.h"
#include "lib/gnttab.h"
#include "lib/guest.h"
#include "netfront.h"
#include "public/errno.h"

#define WINDOW   16u
#define ETH_DATA 0x88b5u /* local experimental: peers' frames and the wire's broadcasts */
#define ETH_WIRE 0x88b6u /* our frames to the wire's far end */
#define ACK_ONLY 0xffffffffu
#define RESEND   0xfffffffeu /* "send again from my ack on": a gap after a new backend came */

struct nf nf;

static const uint8_t wire_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static struct {
	uint8_t peer[6];
	unsigned frames, wire, broadcasts, size, hostile;
	unsigned sent, got, acked, ack_sent, wire_sent, wire_got, bcast_got;
	bool wire_waiting;
	/* Across a backend restart: the connection we last caught up with, and whether (and for which
	 * of our counts) the peer must be asked to send again what the dead backend lost. */
	unsigned conn_seen, resent, resend_for;
	bool resend_due;
} t;

void nf_fail(const char *what, long v)
{
	nf.failures++;
	gl_printf("netfront: FAIL: %s (%ld)\n", what, v);
}

static unsigned size_of(unsigned seq) { return t.size ? t.size : seq % 3 == 0 ? 64 : seq % 3 == 1 ? 1514 : 600; }
static uint8_t byte_of(const uint8_t *src, unsigned seq, unsigned i) { return (uint8_t)(seq * 7 + i + src[5]); }

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

/* Builds a frame in a free transmit page and sends it. */
static bool send(const uint8_t *dst, uint16_t type, uint32_t seq, unsigned len)
{
	uint8_t f[1514];

	if (!nf.connected || nf.f.tx_inflight >= TX_PAGES - 1)
		return false;
	memcpy(f, dst, 6);
	memcpy(f + 6, nf.mac, 6);
	f[12] = (uint8_t)(type >> 8), f[13] = (uint8_t)type;
	put32(f + 14, seq);
	put32(f + 18, t.got);
	for (unsigned i = 22; i < len; i++)
		f[i] = byte_of(nf.mac, seq, i);
	unsigned slot = 0;
	while (slot < TX_PAGES && nf.f.tx[slot].busy)
		slot++;
	uint64_t page = nf.pages + (uint64_t)(2 * RING_PAGES + RX_PAGES + slot) * PAGE;
	gl_copy_to(page, f, len);
	int id = netfront_send(&nf.f, page >> 12, 0, len);
	if (id < 0) {
		nf_fail("send", id);
		return false;
	}
	if ((unsigned)id != slot)
		nf_fail("transmit id and page out of step", id);
	if (!memcmp(dst, t.peer, 6))
		t.ack_sent = t.got; /* only the peer learns from it */
	return true;
}

static void received(const uint8_t *f, unsigned len)
{
	uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
	uint32_t seq = get32(f + 14);

	if (memcmp(f, nf.mac, 6) && memcmp(f, bcast, 6)) {
		nf_fail("a frame for another address reached us", f[5]);
		return;
	}
	if (!memcmp(f + 6, wire_mac, 6) && !memcmp(f, bcast, 6)) {
		/* The far end's numbered broadcast (hal/sim/nic_wire.c's script). */
		bool ok = len == 64 && type == ETH_DATA;
		for (unsigned i = 18; ok && i < 64; i++)
			ok = f[i] == (uint8_t)(seq + i);
		if (!ok)
			nf_fail("a broadcast from outside is corrupt", seq);
		t.bcast_got++;
		return;
	}
	if (!memcmp(f + 6, wire_mac, 6) && type == ETH_WIRE) {
		bool ok = seq == t.wire_got && len == size_of(seq);
		for (unsigned i = 22; ok && i < len; i++)
			ok = f[i] == byte_of(nf.mac, seq, i);
		if (!ok)
			nf_fail("an echo from the wire is wrong", seq);
		t.wire_got++;
		t.wire_waiting = false;
		return;
	}
	if (memcmp(f + 6, t.peer, 6) || type != ETH_DATA) {
		nf_fail("a frame from an unexpected sender", f[11]);
		return;
	}
	uint32_t ack = get32(f + 18);
	if (ack > t.frames) {
		nf_fail("the peer acknowledges frames never sent", ack);
		return;
	}
	t.acked = ack > t.acked ? ack : t.acked;
	if (seq == RESEND) {
		/* Go back: what the peer has not got died with the old backend. */
		t.resent += t.sent - t.acked;
		t.sent = t.acked;
		return;
	}
	if (seq == ACK_ONLY)
		return;
	bool restarted = nf.connections > 1;
	bool ok = (seq == t.got || (restarted && seq < t.got)) && len == size_of(seq);
	for (unsigned i = 22; ok && i < len; i++)
		ok = f[i] == byte_of(t.peer, seq, i);
	if (!ok && restarted && seq > t.got && seq < t.frames) {
		/* Frames before it were lost with the old backend: ask for them, keep order. */
		t.resend_due = t.resend_for != t.got;
		return;
	}
	if (!ok)
		nf_fail("a frame from the peer is missing, out of order or corrupt", seq);
	t.got = seq + 1 > t.got ? seq + 1 : t.got; /* a duplicate of a resend leaves it */
}

/* Responses of both rings: transmit slots freed, received frames checked and their pages posted
 * again. The number taken. */
static int take(void)
{
	int n = 0, rc;
	struct netif_tx_response tr;
	struct netif_rx_response rr;
	uint8_t f[1514];

	while ((rc = ring_front_take(&nf.tx, &tr, sizeof(tr))) == 1) {
		n++;
		if (netfront_tx_complete(&nf.f, &tr) != NETIF_RSP_OKAY)
			nf_fail("a frame was refused", tr.status);
	}
	if (rc < 0)
		nf_fail("the backend broke the transmit ring", rc);
	while ((rc = ring_front_take(&nf.rx, &rr, sizeof(rr))) == 1) {
		uint64_t gfn;
		unsigned off, len;
		n++;
		int got = netfront_rx_complete(&nf.f, &rr, &gfn, &off, &len);
		if (got < 0)
			nf_fail("a receive response names no page", rr.id);
		if (got == 1 && len >= 22) {
			gl_copy_from((gfn << 12) + off, f, len);
			received(f, len);
		} else if (got == 0) {
			nf_fail("a receive error", rr.status);
		}
		if (got >= 0)
			netfront_post_rx(&nf.f, gfn);
	}
	if (rc < 0)
		nf_fail("the backend broke the receive ring", rc);
	return n;
}

/* Requests lib/netfront never makes, ids above its own: bad ref, beyond the page, offset + size
 * past 64 KiB, shorter than a header, an extra_info nobody offered, a forged source address. */
#define HOSTILE_ID 1000u
#define HOSTILE_N  6u

static void hostile(void)
{
	uint64_t page = nf.pages + (uint64_t)(2 * RING_PAGES + RX_PAGES + TX_PAGES - 1) * PAGE;
	uint8_t f[64] = { 0 };
	int ref = gnttab_grant(nf.be, page >> 12, true);
	unsigned right = 0, got = 0;

	memcpy(f, t.peer, 6);
	memcpy(f + 6, t.peer, 6); /* the peer's address as our source */
	gl_copy_to(page, f, sizeof(f));
	const struct netif_tx_request r[HOSTILE_N] = {
		{ .gref = 7, .size = 64, .id = HOSTILE_ID },
		{ .gref = (grant_ref_t)ref, .offset = 4000, .size = 200, .id = HOSTILE_ID + 1 },
		{ .gref = (grant_ref_t)ref, .offset = 0xffff, .size = 1514, .id = HOSTILE_ID + 2 },
		{ .gref = (grant_ref_t)ref, .size = 10, .id = HOSTILE_ID + 3 },
		{ .gref = (grant_ref_t)ref, .size = 64, .flags = NETTXF_extra_info, .id = HOSTILE_ID + 4 },
		{ .gref = (grant_ref_t)ref, .size = 64, .id = HOSTILE_ID + 5 },
	};
	for (unsigned i = 0; i < HOSTILE_N; i++)
		ring_front_put(&nf.tx, &r[i], sizeof(r[i]));
	nf_push();
	while (got < HOSTILE_N) {
		struct netif_tx_response rsp;
		int rc = ring_front_take(&nf.tx, &rsp, sizeof(rsp));
		if (rc < 0)
			break;
		if (rc == 0) {
			if (!ring_front_final_check(&nf.tx))
				gl_evtchn_wait(0);
			continue;
		}
		got++;
		right += rsp.id >= HOSTILE_ID && rsp.id < HOSTILE_ID + HOSTILE_N && rsp.status == NETIF_RSP_ERROR;
	}
	gnttab_end((grant_ref_t)ref);
	if (right != HOSTILE_N)
		nf_fail("malformed requests not all refused", right);
	else
		gl_printf("netfront: PASS: the backend refused all %u malformed requests\n", HOSTILE_N);
}

/* Our transmit ring's producer index a thousand slots ahead: the backend must stop serving us. */
static void break_ring(void)
{
	gl_write32(nf.tx.sring + RING_OFF_REQ_PROD, gl_read32(nf.tx.sring + RING_OFF_REQ_PROD) + 1000);
	gl_evtchn_notify(nf.port);
	gl_printf("netfront: moved req_prod 1000 slots past the ring\n");
}

static bool finished(void)
{
	return t.sent == t.frames && t.got == t.frames && t.acked == t.frames && t.wire_got == t.wire &&
	       t.bcast_got >= t.broadcasts && nf.f.tx_inflight == 0;
}

static int grant(void *ctx, domid_t be, uint64_t gfn, bool ro) { return (void)ctx, gnttab_grant(be, gfn, ro); }
static int ungrant(void *ctx, grant_ref_t ref) { return (void)ctx, gnttab_end(ref); }
static int txq(void *ctx, const struct netif_tx_request *r) { return (void)ctx, ring_front_put(&nf.tx, r, sizeof(*r)); }
static int rxq(void *ctx, const struct netif_rx_request *r) { return (void)ctx, ring_front_put(&nf.rx, r, sizeof(*r)); }

void guest_main(const void *fdt)
{
	static const struct netfront_ops ops = { .grant = grant, .ungrant = ungrant, .tx_queue = txq, .rx_queue = rxq };
	uint64_t ram, ram_size;

	memset(&nf, 0, sizeof(nf));
	memset(&t, 0, sizeof(t));
	t.frames = (unsigned)gl_bootarg_u64(fdt, "netfront.frames=", 64);
	t.wire = (unsigned)gl_bootarg_u64(fdt, "netfront.wire=", 0);
	t.broadcasts = (unsigned)gl_bootarg_u64(fdt, "netfront.broadcasts=", 0);
	t.size = (unsigned)gl_bootarg_u64(fdt, "netfront.size=", 0);
	t.hostile = (unsigned)gl_bootarg_u64(fdt, "netfront.hostile=", 0);
	if (t.size && (t.size < 64 || t.size > 1514))
		t.size = 64;
	uint64_t peer = gl_bootarg_u64(fdt, "netfront.peer=", 0);
	memcpy(t.peer, (uint8_t[6]){ 0x00, 0x16, 0x3e, 0, 0, (uint8_t)peer }, 6);
	if (!gl_ram_bank(fdt, &ram, &ram_size) ||
	    ram_size < (1u << 20) + (2 * RING_PAGES + RX_PAGES + TX_PAGES) * PAGE) {
		gl_printf("netfront: FAIL: no RAM\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	nf.pages = ram + (1u << 20);
	netfront_init(&nf.f, &ops);
	int rc = gl_evtchn_init(fdt);
	rc = rc ?: gnttab_init(fdt);
	nf.xs = rc ? NULL : xs_open(fdt);
	rc = nf.xs ? nf_conn_init() : -XEN_ENODEV;
	if (rc) {
		gl_printf("netfront: FAIL: no event channels, grant table, xenstore or vif (%d)\n", rc);
		gl_shutdown(SHUTDOWN_crash);
	}
	for (unsigned i = 0; i < RX_PAGES; i++)
		netfront_post_rx(&nf.f, (nf.pages >> 12) + 2 * RING_PAGES + i);
	gl_printf("netfront: vif 0 is %02x:%02x:%02x:%02x:%02x:%02x, %u frames each way with d%u\n", nf.mac[0],
		  nf.mac[1], nf.mac[2], nf.mac[3], nf.mac[4], nf.mac[5], t.frames, (unsigned)peer);
	nf_conn_step();
	uint64_t start = 0;
	while (!finished() && !nf.failures) {
		if (!start && nf.connected)
			start = gl_sysreg_read(GL_CNTVCT_EL0);
		char path[XENBUS_PATH], token[8];
		bool any = false;
		while (xs_next_event(nf.xs, path, sizeof(path), token, sizeof(token), false))
			any = true;
		if (any)
			nf_conn_step();
		if (nf.connected && t.conn_seen != nf.connections) {
			/* A new backend: resend what the old one took and never acknowledged. */
			if (t.conn_seen) {
				t.resent += t.sent - t.acked;
				t.sent = t.acked;
				t.wire_sent -= t.wire_waiting;
				t.wire_waiting = false;
				t.resend_due = true, t.resend_for = ~0u, t.ack_sent = 0;
				gl_printf("netfront: reconnected (connection %u), resending from frame %u\n",
					  nf.connections, t.acked);
			}
			t.conn_seen = nf.connections;
		}
		if (nf.connected && t.resend_due && send(t.peer, ETH_DATA, RESEND, 64))
			t.resend_due = false, t.resend_for = t.got, any = true;
		if (nf.connected && t.hostile == 1) {
			hostile(); /* before any frame of ours is in flight */
			t.hostile = 2;
		}
		if (nf.connected) {
			any |= take() > 0;
			while (t.sent < t.frames && t.sent < t.acked + WINDOW &&
			       send(t.peer, ETH_DATA, t.sent, size_of(t.sent)))
				t.sent++, any = true;
			if (t.wire_sent < t.wire && !t.wire_waiting &&
			    send(wire_mac, ETH_WIRE, t.wire_sent, size_of(t.wire_sent)))
				t.wire_sent++, t.wire_waiting = true, any = true;
			if (t.got > t.ack_sent && send(t.peer, ETH_DATA, ACK_ONLY, 64))
				any = true;
			nf_push();
		}
		if (!any && !(nf.connected && (ring_front_final_check(&nf.tx) | ring_front_final_check(&nf.rx))))
			gl_evtchn_wait(0);
	}
	uint64_t ticks = gl_sysreg_read(GL_CNTVCT_EL0) - start;
	gl_printf("netfront: %u frames of %u bytes each way in %llu ticks at %llu Hz\n", t.frames, t.size,
		  (unsigned long long)ticks, (unsigned long long)gl_sysreg_read(GL_CNTFRQ_EL0));
	if (nf.connections > 1)
		gl_printf("netfront: %u connections, %u frames resent, %llu lost in flight\n", nf.connections, t.resent,
			  (unsigned long long)nf.f.tx_lost);
	if (!nf.failures)
		gl_printf(
		    "netfront: PASS: %u frames each way with the peer checked, %u echoes from the wire, %u broadcasts "
		    "from outside\n",
		    t.frames, t.wire_got, t.bcast_got);
	if (t.hostile && !nf.failures) {
		break_ring();
		/* Until the backend says it has cut us off (Closing), or a while. */
		for (unsigned i = 0; i < 1000 && xenbus_read_state(nf.xs, nf.be_path) == XenbusStateConnected; i++)
			gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	}
	nf_conn_close();
	gl_shutdown(nf.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
