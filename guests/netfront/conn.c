/* The netfront DomU's xenbus side, as Linux's xen-netfront: on the backend's InitWait fresh tx and
 * rx rings are granted and a port allocated (tx-ring-ref, rx-ring-ref, event-channel,
 * request-rx-copy, feature-rx-notify; Initialised); on Connected the receive pages are posted. */
#include <string.h>

#include "core/format.h"
#include "lib/evtchn.h"
#include "lib/gnttab.h"
#include "lib/guest.h"
#include "lib/netsw.h"
#include "netfront.h"
#include "public/errno.h"

static void kick(evtchn_port_t port, void *arg) { (void)port, (void)arg; }

void nf_push(void)
{
	if (!nf.connected)
		return;
	bool a = ring_front_push(&nf.tx), b = ring_front_push(&nf.rx);
	if (a || b)
		gl_evtchn_notify(nf.port);
}

static void teardown(void)
{
	if (!nf.ring_up)
		return;
	netfront_disconnect(&nf.f);
	gl_evtchn_close(nf.port);
	gnttab_end(nf.tx_ref);
	gnttab_end(nf.rx_ref);
	nf.ring_up = nf.connected = false;
	xenbus_write_state(nf.xs, nf.path, XenbusStateInitialising);
	gl_printf("netfront: backend d%u gone\n", nf.be);
}

static int grant_ring(struct ring_front *r, size_t slot, grant_ref_t *ref)
{
	uint64_t page = nf.pages + (uint64_t)nf.ring_next++ * PAGE;
	ring_shared_init(page, 0);
	int rc = ring_front_attach(r, page, PAGE, slot);
	rc = rc ?: gnttab_grant(nf.be, page >> 12, false);
	if (rc < 0)
		return rc;
	*ref = (grant_ref_t)rc;
	return 0;
}

static int setup_rings(void)
{
	if (nf.ring_next + 2 > 2 * RING_PAGES)
		return -XEN_ENOSPC;
	int rc = grant_ring(&nf.tx, sizeof(struct netif_tx_request), &nf.tx_ref);
	rc = rc ?: grant_ring(&nf.rx, sizeof(struct netif_rx_request), &nf.rx_ref);
	rc = rc ?: gl_evtchn_alloc_unbound(nf.be, &nf.port);
	if (rc)
		return rc;
	gl_evtchn_set_handler(nf.port, kick, NULL);
	xenbus_write_u64(nf.xs, nf.path, NETIF_KEY_TX_RING_REF, nf.tx_ref);
	xenbus_write_u64(nf.xs, nf.path, NETIF_KEY_RX_RING_REF, nf.rx_ref);
	xenbus_write_u64(nf.xs, nf.path, NETIF_KEY_EVENT_CHANNEL, nf.port);
	xenbus_write_u64(nf.xs, nf.path, NETIF_KEY_REQUEST_RX_COPY, 1);
	xenbus_write_u64(nf.xs, nf.path, NETIF_KEY_FEATURE_RX_NOTIFY, 1);
	nf.ring_up = true;
	return xenbus_write_state(nf.xs, nf.path, XenbusStateInitialised);
}

static void follow_backend(void)
{
	char path[XENBUS_PATH], key[XENBUS_PATH];
	uint64_t id;

	fmt_snprintf(key, sizeof(key), "%s/backend", nf.path);
	if (xs_read(nf.xs, XS_TX_NONE, key, path, sizeof(path)) < 0 ||
	    xenbus_read_u64(nf.xs, nf.path, "backend-id", &id) || id >= DOMID_FIRST_RESERVED)
		return;
	if (!memcmp(path, nf.be_path, strlen(path) + 1) && id == nf.be)
		return;
	teardown();
	/* The backend's state node only, as Linux's xenbus watches the other end: a watch on its whole
	 * domain would wake us (and cost three reads) for every key it writes for any of its vifs. The
	 * node's watch still fires when the backend's directory goes with its domain. */
	if (nf.be_path[0]) {
		fmt_snprintf(key, sizeof(key), "%s/state", nf.be_path);
		xs_unwatch(nf.xs, key, "bs");
	}
	memcpy(nf.be_path, path, sizeof(path));
	nf.be = (domid_t)id;
	fmt_snprintf(key, sizeof(key), "%s/state", nf.be_path);
	xs_watch(nf.xs, key, "bs");
}

void nf_conn_step(void)
{
	follow_backend();
	enum xenbus_state bs = nf.be_path[0] ? xenbus_read_state(nf.xs, nf.be_path) : XenbusStateUnknown;

	/* A connected backend back in InitWait is a new one under the same id and path (a restarted
	 * driver domain that got the old domid): its Closed came and went between two of our looks. */
	if (nf.ring_up &&
	    (nf.connected ? bs != XenbusStateConnected : bs != XenbusStateInitWait && bs != XenbusStateConnected))
		teardown();
	if (!nf.ring_up && bs == XenbusStateInitWait) {
		int rc = setup_rings();
		if (rc)
			nf_fail("cannot set up the rings", rc);
	}
	if (nf.ring_up && !nf.connected && bs == XenbusStateConnected) {
		int n = netfront_connect(&nf.f, nf.be);
		if (n < 0) {
			nf_fail("cannot post the receive pages", n);
			return;
		}
		nf.connected = true;
		nf.connections++;
		nf_push();
		xenbus_write_state(nf.xs, nf.path, XenbusStateConnected);
		gl_printf("netfront: connected to backend d%u (%s), %d receive pages posted\n", nf.be, nf.be_path, n);
	}
}

int nf_conn_init(void)
{
	char key[XENBUS_PATH], m[32];

	fmt_snprintf(nf.path, sizeof(nf.path), "device/vif/0");
	fmt_snprintf(key, sizeof(key), "%s/" NETIF_KEY_MAC, nf.path);
	for (unsigned tries = 0; xs_read(nf.xs, XS_TX_NONE, key, m, sizeof(m)) < 0; tries++) {
		if (tries > 1000)
			return -XEN_ENOENT;
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	}
	if (!netsw_mac_parse(m, nf.mac))
		return -XEN_EINVAL;
	xs_watch(nf.xs, nf.path, "fs");
	return 0;
}

void nf_conn_close(void)
{
	xenbus_write_state(nf.xs, nf.path, XenbusStateClosing);
	if (nf.ring_up)
		netfront_disconnect(&nf.f);
	nf.connected = false;
	xenbus_write_state(nf.xs, nf.path, XenbusStateClosed);
}
