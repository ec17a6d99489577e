/* A domain's store page from the daemon's side, over the byte rings of lib/ring.h. */
#include "lib/xs/xsd_ring.h"

#include "lib/guest.h"
#include "lib/ring.h"

static struct ring_bytes req_ring(uint64_t page)
{
	return (struct ring_bytes){ page + XS_IF_REQ, XENSTORE_RING_SIZE, page + XS_IF_REQ_CONS,
				    page + XS_IF_REQ_PROD };
}

static struct ring_bytes rsp_ring(uint64_t page)
{
	return (struct ring_bytes){ page + XS_IF_RSP, XENSTORE_RING_SIZE, page + XS_IF_RSP_CONS,
				    page + XS_IF_RSP_PROD };
}

static bool broken(struct xsd_conn *c, uint32_t why)
{
	c->broken = true;
	gl_write32(c->ring + XS_IF_ERROR, why);
	return true; /* notify: the peer may be waiting and should see the error */
}

bool xsd_ring_serve(struct xsd *d, struct xsd_conn *c, unsigned *handled)
{
	struct ring_bytes req = req_ring(c->ring), rsp = rsp_ring(c->ring);
	uint8_t buf[XENSTORE_RING_SIZE];
	bool moved = false;

	if (c->broken)
		return false;
	for (;;) {
		/* Out first: each reply sent makes room for the engine to take the next request. */
		size_t out = xsd_conn_peek(c, buf, sizeof(buf));
		int n = out ? ring_bytes_write(&rsp, buf, out) : 0;
		if (n < 0)
			return broken(c, XENSTORE_ERROR_RINGIDX);
		xsd_conn_sent(c, (size_t)n);
		moved |= n > 0;
		size_t want = xsd_conn_want(c);
		int in = want ? ring_bytes_read(&req, buf, want < sizeof(buf) ? want : sizeof(buf)) : 0;
		if (in < 0)
			return broken(c, XENSTORE_ERROR_RINGIDX);
		if (in > 0) {
			xsd_conn_input(d, c, buf, (size_t)in, handled);
			moved = true;
		}
		if (c->broken) {
			/* The engine's EINVAL for the violation goes out before the ring is given up. */
			c->broken = false;
			out = xsd_conn_peek(c, buf, sizeof(buf));
			n = out ? ring_bytes_write(&rsp, buf, out) : 0;
			xsd_conn_sent(c, n > 0 ? (size_t)n : 0);
			return broken(c, XENSTORE_ERROR_PROTO);
		}
		if (n <= 0 && in <= 0)
			return moved;
	}
}
