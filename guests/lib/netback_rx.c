/* The receive side: a switched frame copied into a page the destination frontend posted, or
 * dropped when it posted none (the sender never waits for a slow receiver). */
#include "lib/netback.h"

#include "public/errno.h"

static void rx_one(struct netback *nb, struct netback_vif *v, size_t boff, unsigned len)
{
	struct netif_rx_request r;
	int rc = ring_back_take(&v->rx, &r, sizeof(r));

	if (rc < 0) {
		netback_vif_break(nb, v);
		return;
	}
	if (!rc) {
		v->st.rx_dropped++;
		return;
	}
	struct netif_rx_response rsp = { .id = r.id, .status = (int16_t)len };
	if (nb->io.grant_copy(nb->io.ctx, v->dom, r.gref, 0, boff, len, true)) {
		rsp.status = NETIF_RSP_ERROR;
		v->st.rx_errors++;
	} else {
		v->st.rx_frames++;
		v->st.rx_bytes += len;
	}
	if (ring_back_put(&v->rx, &rsp, sizeof(rsp)))
		netback_vif_break(nb, v);
}

void netback_deliver(struct netback *nb, uint32_t ports, size_t boff, unsigned len)
{
	for (unsigned p = 0; p < NETSW_PORTS; p++) {
		if (!(ports & (1u << p)))
			continue;
		if (p == NETBACK_UPLINK) {
			if (!nb->io.wire_send || nb->io.wire_send(nb->io.ctx, boff, len))
				nb->wire_dropped++;
			else
				nb->wire_tx++;
			continue;
		}
		struct netback_vif *v = nb->vif[p];
		if (v && v->connected && !v->broken)
			rx_one(nb, v, boff, len);
	}
}

void netback_wire_rx(struct netback *nb, size_t boff, unsigned len)
{
	uint8_t hdr[ETH_HLEN];

	if (len < ETH_HLEN || len > NETBACK_FRAME_MAX) {
		nb->wire_dropped++;
		return;
	}
	nb->wire_rx++;
	nb->io.peek(nb->io.ctx, boff, hdr, ETH_HLEN);
	netback_deliver(nb, netsw_route(&nb->sw, NETBACK_UPLINK, hdr), boff, len);
}

void netback_push_rx(struct netback *nb)
{
	for (unsigned p = 0; p < NETSW_PORTS; p++) {
		struct netback_vif *v = nb->vif[p];
		if (v && v->connected && !v->broken)
			v->notify |= ring_back_push(&v->rx);
	}
}
