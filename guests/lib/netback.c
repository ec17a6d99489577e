/* Frontends on switch ports, and the transmit side: a frame's slots gathered (a more_data chain may
 * span rounds), checked as a whole, copied out of the grants, then switched. */
#include "lib/netback.h"

#include <string.h>

#include "public/errno.h"

void netback_init(struct netback *nb, const struct netback_io *io, bool uplink)
{
	*nb = (struct netback){ .io = *io };
	netsw_init(&nb->sw);
	if (uplink)
		netsw_port_up(&nb->sw, NETBACK_UPLINK, NULL);
}

int netback_vif_connect(struct netback *nb, struct netback_vif *v, unsigned port, domid_t dom,
			const uint8_t mac[ETH_ALEN], uint64_t tx_sring, uint64_t rx_sring)
{
	int rc;

	if (port == NETBACK_UPLINK || port >= NETSW_PORTS || netsw_multicast(mac))
		return -XEN_EINVAL;
	if (nb->vif[port])
		return -XEN_EBUSY;
	*v = (struct netback_vif){ .dom = dom, .port = port };
	memcpy(v->mac, mac, ETH_ALEN);
	if (ring_back_attach(&v->tx, tx_sring, NETBACK_PAGE, sizeof(struct netif_tx_request)) ||
	    ring_back_attach(&v->rx, rx_sring, NETBACK_PAGE, sizeof(struct netif_rx_request)))
		return -XEN_EINVAL;
	if ((rc = netsw_port_up(&nb->sw, port, mac)))
		return rc;
	v->connected = true;
	nb->vif[port] = v;
	return 0;
}

int netback_vif_reserve(struct netback *nb, unsigned port, const uint8_t mac[ETH_ALEN])
{
	if (port == NETBACK_UPLINK)
		return -XEN_EINVAL;
	return netsw_port_reserve(&nb->sw, port, mac);
}

/* Off the switch, its address kept reserved: the vif is still listed and may reconnect. */
static void port_off(struct netback *nb, struct netback_vif *v)
{
	netsw_port_down(&nb->sw, v->port);
	netsw_port_reserve(&nb->sw, v->port, v->mac);
}

void netback_vif_disconnect(struct netback *nb, struct netback_vif *v)
{
	if (v->port < NETSW_PORTS && nb->vif[v->port] == v) {
		port_off(nb, v);
		nb->vif[v->port] = NULL;
	}
	v->connected = false;
}

/* The frontend wrote an index outside its ring: it is cut off from the switch, the rest goes on. */
void netback_vif_break(struct netback *nb, struct netback_vif *v)
{
	v->broken = true;
	port_off(nb, v);
}

int netback_tx_check(const struct netif_tx_request *req, unsigned n, unsigned len[])
{
	unsigned rest = 0;

	if (!n || n > XEN_NETIF_NR_SLOTS_MIN || (req[n - 1].flags & NETTXF_more_data))
		return NETIF_RSP_ERROR;
	if (req[0].size < ETH_HLEN || req[0].size > NETBACK_FRAME_MAX)
		return NETIF_RSP_ERROR;
	for (unsigned i = 1; i < n; i++)
		rest += len[i] = req[i].size; /* at most 17 * 0xffff: no wrap */
	if (rest >= req[0].size)
		return NETIF_RSP_ERROR;
	len[0] = req[0].size - rest;
	for (unsigned i = 0; i < n; i++)
		if ((req[i].flags & NETTXF_extra_info) || !len[i] || req[i].offset + len[i] > NETBACK_PAGE)
			return NETIF_RSP_ERROR;
	return NETIF_RSP_OKAY;
}

/* Gathers the pending chain into the staging area and switches it; every slot answered. */
static int tx_frame(struct netback *nb, struct netback_vif *v)
{
	unsigned len[XEN_NETIF_NR_SLOTS_MIN];
	int16_t st = (int16_t)netback_tx_check(v->pend, v->npend, len);
	size_t boff = 0;
	uint8_t hdr[ETH_HLEN];

	for (unsigned i = 0; st == NETIF_RSP_OKAY && i < v->npend; boff += len[i++])
		if (nb->io.grant_copy(nb->io.ctx, v->dom, v->pend[i].gref, v->pend[i].offset, boff, len[i], false))
			st = NETIF_RSP_ERROR;
	if (st == NETIF_RSP_OKAY) {
		nb->io.peek(nb->io.ctx, 0, hdr, ETH_HLEN);
		if (memcmp(hdr + ETH_ALEN, v->mac, ETH_ALEN)) {
			st = NETIF_RSP_ERROR;
			v->st.tx_spoofed++;
		} else {
			v->st.tx_frames++;
			v->st.tx_bytes += boff;
			netback_deliver(nb, netsw_route(&nb->sw, v->port, hdr), 0, (unsigned)boff);
		}
	} else {
		v->st.tx_errors++;
	}
	for (unsigned i = 0; i < v->npend; i++) {
		struct netif_tx_response rsp = { .id = v->pend[i].id, .status = st };
		if (ring_back_put(&v->tx, &rsp, sizeof(rsp)))
			return -XEN_EIO;
	}
	v->npend = 0;
	return 0;
}

/* Up to the budget of @v's transmit slots. 1 when more are waiting, 0 when idle, -XEN_EIO when its
 * ring is broken. */
static int tx_round(struct netback *nb, struct netback_vif *v)
{
	for (unsigned taken = 0; taken < NETBACK_BUDGET; taken++) {
		struct netif_tx_request r;
		int rc = ring_back_take(&v->tx, &r, sizeof(r));
		if (rc < 0)
			return rc;
		if (!rc) {
			v->notify |= ring_back_push(&v->tx);
			return ring_back_final_check(&v->tx);
		}
		v->pend[v->npend++] = r;
		if ((r.flags & NETTXF_more_data) && v->npend < XEN_NETIF_NR_SLOTS_MIN)
			continue;
		if (tx_frame(nb, v))
			return -XEN_EIO;
	}
	v->notify |= ring_back_push(&v->tx);
	return 1;
}

int netback_poll(struct netback *nb)
{
	int more = 0;

	for (unsigned p = 0; p < NETSW_PORTS; p++) {
		struct netback_vif *v = nb->vif[p];
		if (!v || v->broken)
			continue;
		int rc = tx_round(nb, v);
		if (rc < 0)
			netback_vif_break(nb, v);
		else
			more |= rc;
	}
	netback_push_rx(nb);
	return more;
}
