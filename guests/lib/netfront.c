/* Ids are slot indices: a response's id is checked against the table before it is used, so a
 * backend naming an id twice or one never sent gets nothing. */
#include "lib/netfront.h"

#include "public/errno.h"

void netfront_init(struct netfront *f, const struct netfront_ops *ops) { *f = (struct netfront){ .ops = *ops }; }

static int grant(struct netfront *f, struct netfront_buf *b, bool readonly)
{
	int ref = f->ops.grant(f->ops.ctx, f->backend, b->gfn, readonly);
	if (ref < 0)
		return ref;
	b->ref = (grant_ref_t)ref;
	b->granted = true;
	return 0;
}

static void ungrant(struct netfront *f, struct netfront_buf *b)
{
	if (b->granted && !f->ops.ungrant(f->ops.ctx, b->ref))
		b->granted = false;
}

static int post(struct netfront *f, uint16_t id)
{
	struct netfront_buf *b = &f->rx[id];
	int rc = grant(f, b, false);
	if (rc)
		return rc;
	struct netif_rx_request req = { .id = id, .gref = b->ref };
	if ((rc = f->ops.rx_queue(f->ops.ctx, &req)))
		ungrant(f, b);
	return rc;
}

int netfront_connect(struct netfront *f, domid_t backend)
{
	int n = 0, rc;

	f->backend = backend;
	f->connected = true;
	for (unsigned i = 0; i < NETFRONT_RX_IDS; i++) {
		if (!f->rx[i].busy)
			continue;
		if ((rc = post(f, (uint16_t)i)))
			return rc;
		n++;
	}
	return n;
}

void netfront_disconnect(struct netfront *f)
{
	f->connected = false;
	for (unsigned i = 0; i < NETFRONT_TX_IDS; i++) {
		if (!f->tx[i].busy)
			continue;
		ungrant(f, &f->tx[i]);
		f->tx[i].busy = false;
		f->tx_lost++;
	}
	f->tx_inflight = 0;
	for (unsigned i = 0; i < NETFRONT_RX_IDS; i++)
		ungrant(f, &f->rx[i]);
}

static int free_id(const struct netfront_buf *t, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!t[i].busy)
			return (int)i;
	return -XEN_EBUSY;
}

int netfront_send(struct netfront *f, uint64_t gfn, unsigned off, unsigned len)
{
	int id, rc;

	if (len < 14 || len > XEN_NETIF_MAX_TX_SIZE || off >= NETFRONT_PAGE || len > NETFRONT_PAGE - off)
		return -XEN_EINVAL;
	if (!f->connected)
		return -XEN_EAGAIN;
	if ((id = free_id(f->tx, NETFRONT_TX_IDS)) < 0)
		return id;
	struct netfront_buf *b = &f->tx[id];
	b->gfn = gfn;
	if ((rc = grant(f, b, true)))
		return rc;
	struct netif_tx_request req = {
		.gref = b->ref, .offset = (uint16_t)off, .id = (uint16_t)id, .size = (uint16_t)len
	};
	if ((rc = f->ops.tx_queue(f->ops.ctx, &req))) {
		ungrant(f, b);
		return rc;
	}
	b->busy = true;
	f->tx_inflight++;
	return id;
}

int netfront_post_rx(struct netfront *f, uint64_t gfn)
{
	int id = free_id(f->rx, NETFRONT_RX_IDS), rc;

	if (id < 0)
		return id;
	f->rx[id].gfn = gfn;
	if (f->connected && (rc = post(f, (uint16_t)id)))
		return rc;
	f->rx[id].busy = true;
	f->rx_posted++;
	return id;
}

int netfront_tx_complete(struct netfront *f, const struct netif_tx_response *rsp)
{
	struct netfront_buf *b = rsp->id < NETFRONT_TX_IDS ? &f->tx[rsp->id] : NULL;

	if (!b || !b->busy) {
		f->bad_responses++;
		return -XEN_EINVAL;
	}
	ungrant(f, b);
	b->busy = false;
	f->tx_inflight--;
	if (rsp->status == NETIF_RSP_OKAY)
		f->tx_done++;
	else
		f->tx_errors++;
	return rsp->status;
}

int netfront_rx_complete(struct netfront *f, const struct netif_rx_response *rsp, uint64_t *gfn, unsigned *off,
			 unsigned *len)
{
	struct netfront_buf *b = rsp->id < NETFRONT_RX_IDS ? &f->rx[rsp->id] : NULL;

	if (!b || !b->busy || !b->granted) {
		f->bad_responses++;
		return -XEN_EINVAL;
	}
	ungrant(f, b);
	b->busy = false;
	f->rx_posted--;
	*gfn = b->gfn;
	*off = rsp->offset;
	*len = rsp->status > 0 ? (unsigned)rsp->status : 0;
	if (rsp->status <= 0 || rsp->offset + *len > NETFRONT_PAGE) {
		f->rx_errors++;
		*len = 0;
		return 0;
	}
	f->rx_frames++;
	return 1;
}
