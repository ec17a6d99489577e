/* The network driver domain: owns the card its device tree passes through (the sim NIC, or a
 * virtio-mmio network device on QEMU: nic.h), and serves every vif the toolstack lists under its
 * backend/vif directory as Linux's xen-netback does (InitWait with feature-rx-copy; on Initialised
 * both rings mapped and the port bound; Connected), switching frames between its frontends and the
 * card with lib/netback's learning switch. Each vif's address is the one the toolstack wrote in the
 * backend's directory, never the frontend's claim. Shuts down once every frontend it served has
 * closed.
 * Bootargs: netback.nic=0: no card (frontends only). */
#include <string.h>

#include "core/format.h"
#include "lib/evtchn.h"
#include "lib/gnttab.h"
#include "lib/guest.h"
#include "lib/netback.h"
#include "lib/xenbus.h"
#include "lib/xs.h"
#include "nic.h"
#include "public/errno.h"

#define MAX_VIFS 4

struct vif {
	bool used, closed;
	domid_t fe;
	unsigned handle;
	char path[XENBUS_PATH], fe_path[XENBUS_PATH];
	struct gnttab_mapping tx_map, rx_map;
	evtchn_port_t port;
	struct netback_vif nv;
};

/* Statics cleared at start: the sim links one copy of this program per build. */
static struct {
	struct xs_client *xs;
	uint64_t stage; /* NETBACK_STAGE_SIZE, then the card's receive buffers */
	bool has_nic;
	struct nic nic;
	struct netback nb;
	struct vif vif[MAX_VIFS];
} b;

static int grant_copy(void *ctx, domid_t dom, grant_ref_t gref, unsigned off, size_t boff, unsigned len, bool to_guest)
{
	(void)ctx;
	return gnttab_copy(dom, gref, off, b.stage + boff, len, to_guest);
}

static void peek(void *ctx, size_t boff, void *buf, unsigned len) { (void)ctx, gl_copy_from(b.stage + boff, buf, len); }
static int wire_send(void *ctx, size_t boff, unsigned len) { return (void)ctx, nic_tx(&b.nic, boff, len); }
static void kick(evtchn_port_t port, void *arg) { (void)port, (void)arg; }

static void disconnect(struct vif *v)
{
	if (!v->nv.connected)
		return;
	netback_vif_disconnect(&b.nb, &v->nv);
	gl_evtchn_close(v->port);
	gnttab_unmap(&v->tx_map);
	gnttab_unmap(&v->rx_map);
	const struct netback_stats *st = &v->nv.st;
	gl_printf(
	    "netback: d%u vif %u disconnected: tx %llu frames %llu errors %llu spoofed, rx %llu frames %llu dropped "
	    "%llu errors\n",
	    v->fe, v->handle, (unsigned long long)st->tx_frames, (unsigned long long)st->tx_errors,
	    (unsigned long long)st->tx_spoofed, (unsigned long long)st->rx_frames, (unsigned long long)st->rx_dropped,
	    (unsigned long long)st->rx_errors);
}

/* The frontend is Initialised: both rings mapped, its port bound, its port on the switch. */
static int connect(struct vif *v)
{
	uint64_t tx, rx, port, copy = 0;
	char mac_s[32], key[XENBUS_PATH];
	uint8_t mac[ETH_ALEN];
	int rc = xenbus_read_u64(b.xs, v->fe_path, NETIF_KEY_TX_RING_REF, &tx);

	rc = rc ?: xenbus_read_u64(b.xs, v->fe_path, NETIF_KEY_RX_RING_REF, &rx);
	rc = rc ?: xenbus_read_u64(b.xs, v->fe_path, NETIF_KEY_EVENT_CHANNEL, &port);
	xenbus_read_u64(b.xs, v->fe_path, NETIF_KEY_REQUEST_RX_COPY, &copy);
	fmt_snprintf(key, sizeof(key), "%s/" NETIF_KEY_MAC, v->path);
	if (!rc && (tx > UINT32_MAX || rx > UINT32_MAX || port > UINT32_MAX || copy != 1 ||
		    xs_read(b.xs, XS_TX_NONE, key, mac_s, sizeof(mac_s)) < 0 || !netsw_mac_parse(mac_s, mac)))
		rc = -XEN_EINVAL;
	rc = rc ?: gnttab_map(v->fe, (grant_ref_t)tx, false, &v->tx_map);
	if (rc)
		return rc;
	rc = gnttab_map(v->fe, (grant_ref_t)rx, false, &v->rx_map);
	rc = rc ?: gl_evtchn_bind_interdomain(v->fe, (evtchn_port_t)port, &v->port);
	rc = rc
		 ?: netback_vif_connect(&b.nb, &v->nv, (unsigned)(v - b.vif) + 1, v->fe, mac, v->tx_map.gva,
					v->rx_map.gva);
	if (rc) {
		gnttab_unmap(&v->tx_map);
		if (v->rx_map.gva)
			gnttab_unmap(&v->rx_map);
		return rc;
	}
	gl_evtchn_set_handler(v->port, kick, NULL);
	gl_printf("netback: d%u vif %u connected (%s, tx-ring-ref %llu, rx-ring-ref %llu, port %llu)\n", v->fe,
		  v->handle, mac_s, (unsigned long long)tx, (unsigned long long)rx, (unsigned long long)port);
	return xenbus_write_state(b.xs, v->path, XenbusStateConnected);
}

static void step(struct vif *v)
{
	enum xenbus_state fs = xenbus_read_state(b.xs, v->fe_path);
	bool up = fs == XenbusStateInitialised || fs == XenbusStateConnected;

	if (!v->nv.connected && up) {
		int rc = connect(v);
		if (rc)
			gl_printf("netback: d%u vif %u: cannot connect: %d\n", v->fe, v->handle, rc);
	} else if (v->nv.connected && !up) {
		disconnect(v);
		xenbus_write_state(b.xs, v->path,
				   fs == XenbusStateClosing || fs == XenbusStateClosed ? XenbusStateClosed
										       : XenbusStateInitWait);
		v->closed = fs == XenbusStateClosed || fs == XenbusStateUnknown;
	} else if (!v->nv.connected && !v->closed && (fs == XenbusStateClosed || fs == XenbusStateUnknown)) {
		/* Cut off earlier (a broken ring), and now gone. */
		xenbus_write_state(b.xs, v->path, XenbusStateClosed);
		v->closed = true;
	}
}

static void add_vif(domid_t fe, unsigned handle)
{
	struct vif *v = NULL;
	uint64_t fe_id;
	char key[XENBUS_PATH], dir[XENBUS_PATH];

	for (unsigned i = 0; i < MAX_VIFS; i++) {
		if (b.vif[i].used && b.vif[i].fe == fe && b.vif[i].handle == handle)
			return;
		if (!b.vif[i].used && !v)
			v = &b.vif[i];
	}
	if (!v)
		return;
	*v = (struct vif){ .used = true, .fe = fe, .handle = handle };
	fmt_snprintf(v->path, sizeof(v->path), "backend/vif/%u/%u", (unsigned)fe, handle);
	fmt_snprintf(key, sizeof(key), "%s/frontend", v->path);
	if (xs_read(b.xs, XS_TX_NONE, key, v->fe_path, sizeof(v->fe_path)) < 0 ||
	    xenbus_read_u64(b.xs, v->path, "frontend-id", &fe_id) || fe_id != fe) {
		gl_printf("netback: %s: no frontend path or id\n", v->path);
		v->used = false;
		return;
	}
	/* The toolstack's address for the vif is its own on the switch from now on, connected or not. */
	char mac_s[32];
	uint8_t mac[ETH_ALEN];
	fmt_snprintf(key, sizeof(key), "%s/" NETIF_KEY_MAC, v->path);
	if (xs_read(b.xs, XS_TX_NONE, key, mac_s, sizeof(mac_s)) < 0 || !netsw_mac_parse(mac_s, mac) ||
	    netback_vif_reserve(&b.nb, (unsigned)(v - b.vif) + 1, mac))
		gl_printf("netback: %s: no address of its own to reserve\n", v->path);
	xenbus_write_u64(b.xs, v->path, NETIF_KEY_FEATURE_RX_COPY, 1);
	xenbus_write_state(b.xs, v->path, XenbusStateInitWait);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/device", fe);
	xs_watch(b.xs, dir, "fe");
	gl_printf("netback: d%u vif %u: frontend %s\n", fe, handle, v->fe_path);
}

static bool all_closed(void)
{
	unsigned seen = 0;

	for (unsigned i = 0; i < MAX_VIFS; i++) {
		if (b.vif[i].used && !b.vif[i].closed)
			return false;
		seen += b.vif[i].used;
	}
	return seen > 0;
}

/* Frontends' rings, then the card's received frames; events to whoever asked. True when any work
 * was done. */
static bool serve(void)
{
	bool busy = false;
	size_t boff;
	unsigned len;

	for (unsigned rounds = 0; rounds < 8 && netback_poll(&b.nb); rounds++)
		busy = true;
	for (unsigned n = 0; b.has_nic && n < NIC_RING && nic_rx(&b.nic, &boff, &len); n++) {
		if (len)
			netback_wire_rx(&b.nb, boff, len);
		nic_rx_done(&b.nic);
		busy = true;
	}
	netback_push_rx(&b.nb);
	for (unsigned i = 0; i < MAX_VIFS; i++) {
		struct vif *v = &b.vif[i];
		if (v->nv.broken && v->nv.connected) {
			gl_printf("netback: d%u vif %u broke its ring: cut off\n", v->fe, v->handle);
			disconnect(v);
			xenbus_write_state(b.xs, v->path, XenbusStateClosing);
		} else if (v->nv.connected && v->nv.notify) {
			v->nv.notify = false;
			gl_evtchn_notify(v->port);
			busy = true;
		}
	}
	return busy;
}

void guest_main(const void *fdt)
{
	uint64_t ram, ram_size;

	memset(&b, 0, sizeof(b));
	if (!gl_ram_bank(fdt, &ram, &ram_size) || ram_size < (2u << 20)) {
		gl_printf("netback: FAIL: no RAM\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	b.stage = ram + (1u << 20); /* past the program's image */
	b.has_nic = gl_bootarg_u64(fdt, "netback.nic=", 1) && !nic_probe(&b.nic, fdt);
	static const struct netback_io io = { .grant_copy = grant_copy, .peek = peek, .wire_send = wire_send };
	struct netback_io nio = io;
	if (!b.has_nic)
		nio.wire_send = NULL;
	netback_init(&b.nb, &nio, b.has_nic);
	if (b.has_nic)
		nic_start(&b.nic, b.stage + NETBACK_STAGE_SIZE + NIC_RING * NIC_BUF, b.stage, NETBACK_STAGE_SIZE);
	int rc = gl_evtchn_init(fdt);
	rc = rc ?: gnttab_init(fdt);
	b.xs = rc ? NULL : xs_open(fdt);
	if (!b.xs) {
		gl_printf("netback: FAIL: no event channels, grant table or xenstore (%d)\n", rc);
		gl_shutdown(SHUTDOWN_crash);
	}
	gl_printf("netback: switching %s\n", b.has_nic ? "vifs and the NIC" : "vifs");
	xs_watch(b.xs, "backend/vif", "vif");
	while (!all_closed()) {
		char path[XENBUS_PATH], token[8];
		bool any = false;
		while (xs_next_event(b.xs, path, sizeof(path), token, sizeof(token), false)) {
			if (token[0] == 'v')
				xenbus_backend_scan(b.xs, "vif", add_vif);
			for (unsigned i = 0; i < MAX_VIFS; i++)
				if (b.vif[i].used)
					step(&b.vif[i]);
			any = true;
		}
		any |= serve();
		any |= gl_evtchn_poll() > 0;
		/* The card raises no interrupt here: with it, a short yield instead of a wait. */
		if (!any && !all_closed()) {
			if (b.has_nic)
				gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
			else
				gl_evtchn_wait(0);
		}
	}
	gl_printf("netback: every frontend closed; wire rx %llu tx %llu dropped %llu, card missed %u: done\n",
		  (unsigned long long)b.nb.wire_rx, (unsigned long long)b.nb.wire_tx,
		  (unsigned long long)b.nb.wire_dropped, b.has_nic ? nic_missed(&b.nic) : 0);
	gl_shutdown(SHUTDOWN_poweroff);
}
