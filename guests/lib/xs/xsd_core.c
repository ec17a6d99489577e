/* The daemon's connections: input assembled into whole requests with the header checked first (a
 * payload over XENSTORE_PAYLOAD_MAX is a protocol violation that ends the connection, as Xen's),
 * and a circular output queue that always has room for the reply of the request being handled. */
#include <string.h>

#include "lib/xs/errname.h"
#include "lib/xs/xsd_core.h"
#include "public/errno.h"

void xsd_core_init(struct xsd *d)
{
	memset(d, 0, sizeof(*d));
	xs_store_init(&d->store);
}

struct xsd_conn *xsd_conn_new(struct xsd *d, domid_t id, bool priv)
{
	if (xsd_conn_of(d, id))
		return NULL;
	for (unsigned i = 0; i < XSD_CONNS; i++) {
		struct xsd_conn *c = &d->conns[i];
		if (!c->used) {
			memset(c, 0, sizeof(*c));
			*c = (struct xsd_conn){ .used = true, .priv = priv, .id = id, .next_tx = 1 };
			return c;
		}
	}
	return NULL;
}

struct xsd_conn *xsd_conn_of(struct xsd *d, domid_t id)
{
	for (unsigned i = 0; i < XSD_CONNS; i++)
		if (d->conns[i].used && d->conns[i].id == id)
			return &d->conns[i];
	return NULL;
}

void xsd_conn_free(struct xsd *d, struct xsd_conn *c)
{
	xsd_watch_drop_conn(d, c);
	for (unsigned i = 0; i < XSD_TX_MAX; i++)
		if (d->tx[i].conn == c)
			d->tx[i].conn = NULL;
	c->used = false;
}

static size_t out_free(const struct xsd_conn *c) { return XSD_OUT_SIZE - c->out_len; }

bool xsd_queue(struct xsd_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *a, size_t alen,
	       const void *b, size_t blen)
{
	struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)(alen + blen) };
	const void *part[3] = { &h, a, b };
	size_t plen[3] = { sizeof(h), alen, blen };

	if (sizeof(h) + alen + blen > out_free(c))
		return false;
	for (unsigned p = 0; p < 3; p++)
		for (size_t i = 0; i < plen[p]; i++) {
			c->out[(c->out_head + c->out_len) % XSD_OUT_SIZE] = ((const uint8_t *)part[p])[i];
			c->out_len++;
		}
	return true;
}

size_t xsd_conn_peek(const struct xsd_conn *c, void *buf, size_t max)
{
	size_t n = c->out_len < max ? c->out_len : max;

	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = c->out[(c->out_head + i) % XSD_OUT_SIZE];
	return n;
}

void xsd_conn_sent(struct xsd_conn *c, size_t n)
{
	if (n > c->out_len)
		n = c->out_len;
	c->out_head = (uint32_t)((c->out_head + n) % XSD_OUT_SIZE);
	c->out_len -= (uint32_t)n;
}

/* A header the daemon cannot follow: Xen replies EINVAL where it can and stops reading the ring. */
static void violation(struct xsd_conn *c, const struct xsd_sockmsg *h)
{
	static const char einval[] = "EINVAL";

	xsd_queue(c, XS_ERROR, h->req_id, h->tx_id, einval, sizeof(einval), NULL, 0);
	c->broken = true;
	c->in_len = 0;
}

size_t xsd_conn_input(struct xsd *d, struct xsd_conn *c, const void *bytes, size_t n, unsigned *handled)
{
	const uint8_t *p = bytes;
	size_t used = 0;

	while (used < n && !c->broken) {
		size_t want = sizeof(struct xsd_sockmsg);
		struct xsd_sockmsg h;
		if (c->in_len >= want) {
			memcpy(&h, c->in, sizeof(h));
			want += h.len;
		}
		/* A new request only when its reply (and a few events) surely fits. */
		if (c->in_len == 0 && out_free(c) < XSD_MSG_MAX)
			break;
		size_t take = want - c->in_len < n - used ? want - c->in_len : n - used;
		memcpy(c->in + c->in_len, p + used, take);
		c->in_len += (uint32_t)take;
		used += take;
		if (c->in_len == sizeof(struct xsd_sockmsg)) {
			memcpy(&h, c->in, sizeof(h));
			if (h.len > XENSTORE_PAYLOAD_MAX) {
				violation(c, &h);
				break;
			}
		}
		if (c->in_len < sizeof(h))
			continue;
		memcpy(&h, c->in, sizeof(h));
		if (c->in_len == sizeof(h) + h.len) {
			c->in_len = 0;
			xsd_handle(d, c, &h, (const char *)c->in + sizeof(h));
			if (handled)
				++*handled;
		}
	}
	return used;
}

size_t xsd_conn_want(const struct xsd_conn *c)
{
	struct xsd_sockmsg h;

	if (c->broken || (c->in_len == 0 && out_free(c) < XSD_MSG_MAX))
		return 0;
	if (c->in_len < sizeof(h))
		return sizeof(h) - c->in_len;
	memcpy(&h, c->in, sizeof(h));
	return sizeof(h) + h.len - c->in_len;
}

size_t xsd_home(domid_t id, char *buf)
{
	static const char prefix[] = "/local/domain/";

	memcpy(buf, prefix, sizeof(prefix) - 1);
	return sizeof(prefix) - 1 + xs_utoa(id, buf + sizeof(prefix) - 1);
}
