/* The client's transport: whole messages through the store ring (1024 bytes each way, so a long
 * request goes in pieces as the daemon drains it) or the local daemon; watch events that come
 * between a request and its reply are queued for xs_next_event. */
#include "lib/evtchn.h"
#include "lib/guest.h"
#include "lib/xs/client_int.h"
#include "lib/xs/errname.h"
#include "public/errno.h"

#define WAIT_MAX 2000000u /* idles before the daemon counts as gone */

void xs_client_idle(struct xs_client *c)
{
	if (c->local)
		c->local->serve();
	else
		gl_evtchn_wait(1);
}

/* Bytes into the request ring. The daemon is told once the whole message is there (xs_request),
 * or before waiting for room, when it must drain the ring first: one event per request, not one
 * per piece. */
static void notify_written(struct xs_client *c)
{
	if (c->unsent)
		gl_evtchn_notify(c->port);
	c->unsent = false;
}

static int put(struct xs_client *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	for (unsigned idle = 0; len;) {
		int n = c->local ? (int)c->local->input(p, len) : ring_bytes_write(&c->req, p, len);
		if (n < 0)
			return n;
		c->unsent |= n > 0 && !c->local;
		p += n, len -= (size_t)n;
		if (len && n == 0) {
			if (++idle == WAIT_MAX)
				return -XEN_EIO;
			notify_written(c);
			xs_client_idle(c);
		}
	}
	return 0;
}

/* Bytes out of the response ring. The room they leave is announced when the pump stops, before
 * the client can wait: the daemon may hold more for us, and it must hear of the room once, not
 * once per header and once per payload. */
static int get(struct xs_client *c, void *buf, size_t len)
{
	if (c->local)
		return (int)c->local->output(buf, len);
	int n = ring_bytes_read(&c->rsp, buf, len);
	c->unsent |= n > 0;
	return n;
}

static void queue_event(struct xs_client *c, const char *body, uint32_t len)
{
	if (len + 2 > XS_EVQ_SIZE - c->evq_len) {
		c->ev_dropped++;
		return;
	}
	c->evq[c->evq_len] = (uint8_t)len;
	c->evq[c->evq_len + 1] = (uint8_t)(len >> 8);
	__builtin_memcpy(c->evq + c->evq_len + 2, body, len);
	c->evq_len += len + 2;
}

/* One whole message into c->msg if the transport has it: 1, 0 when not yet, -1 when broken. */
static int take_message(struct xs_client *c, struct xsd_sockmsg *h)
{
	size_t hs = sizeof(*h);

	for (;;) {
		size_t want = hs;
		if (c->have >= hs) {
			__builtin_memcpy(h, c->msg, hs);
			if (h->len > XENSTORE_PAYLOAD_MAX)
				return -1; /* a daemon that breaks the protocol: nothing more is read */
			want += h->len;
		}
		if (c->have == want && c->have >= hs)
			break;
		int n = get(c, c->msg + c->have, want - c->have);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		c->have += (uint32_t)n;
	}
	c->have = 0;
	c->msg[hs + h->len] = '\0';
	return 1;
}

/* Every whole message there is: events queued, up to the first reply. Reading on after an event
 * matters: the event's notification may have woken us for the reply behind it too. */
bool xs_client_pump(struct xs_client *c, bool *got_event)
{
	struct xsd_sockmsg h;

	for (;;) {
		int rc = c->broken ? -1 : take_message(c, &h);
		if (rc < 0)
			c->broken = true;
		if (rc <= 0 || h.type != XS_WATCH_EVENT)
			notify_written(c);
		if (rc <= 0)
			return false;
		if (h.type != XS_WATCH_EVENT)
			return true;
		queue_event(c, c->msg + sizeof(h), h.len);
		if (got_event)
			*got_event = true;
	}
}

int xs_request(struct xs_client *c, uint32_t type, xs_tx_t tx, const void *const *parts, const size_t *lens, unsigned n)
{
	size_t total = 0;
	for (unsigned i = 0; i < n; i++)
		total += lens[i];
	if (total > XENSTORE_PAYLOAD_MAX)
		return -XEN_E2BIG;
	if (!c || c->broken)
		return -XEN_EIO;
	struct xsd_sockmsg h = { type, ++c->req_id, tx, (uint32_t)total };
	int rc = put(c, &h, sizeof(h));
	for (unsigned i = 0; !rc && i < n; i++)
		rc = put(c, parts[i], lens[i]);
	if (rc)
		return c->broken = true, rc;
	notify_written(c);
	for (unsigned idle = 0; !xs_client_pump(c, NULL); idle++) {
		if (c->broken || idle == WAIT_MAX)
			return c->broken = true, -XEN_EIO;
		xs_client_idle(c);
	}
	__builtin_memcpy(&h, c->msg, sizeof(h));
	if (h.req_id != c->req_id)
		return c->broken = true, -XEN_EIO;
	if (h.type == XS_ERROR)
		return xs_errno(xs_reply(c), h.len);
	return h.type == type ? (int)h.len : -XEN_EIO;
}
