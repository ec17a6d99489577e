/* The client's two transports: the store ring of a DomU, or the daemon in the same domain, which
 * registers itself with xs_client_local so that xs_open there talks to it directly. */
#pragma once

#include <stddef.h>

#include "lib/ring.h"
#include "lib/xs.h"
#include "public/io/xs_wire.h"

/* The daemon's side of a local connection. */
struct xs_local {
	size_t (*input)(const void *bytes, size_t n); /* requests in: the bytes taken */
	size_t (*output)(void *buf, size_t max);      /* replies and events out: the bytes given */
	void (*serve)(void);                          /* serves the other domains while this one waits */
};

#define XS_EVQ_SIZE 1024u

struct xs_client {
	const struct xs_local *local; /* NULL: the ring */
	struct ring_bytes req, rsp;
	uint64_t page;
	evtchn_port_t port;
	uint32_t req_id;
	uint32_t have; /* bytes of the incoming message in msg so far */
	bool broken;
	bool unsent; /* the rings moved since the daemon was last notified */
	/* Watch events that arrived while a reply was awaited: {u16 length, "path\0token\0"}... */
	uint32_t evq_len, ev_dropped;
	uint8_t evq[XS_EVQ_SIZE];
	char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
};

/* Makes this domain's client the direct connection to its daemon. */
struct xs_client *xs_client_local(const struct xs_local *ops);

/* One request of @n parts, its reply's payload left in c->msg after the header: the payload's
 * length, or -errno (XS_ERROR's name turned back into Xen's errno). */
int xs_request(struct xs_client *c, uint32_t type, xs_tx_t tx, const void *const *parts, const size_t *lens,
	       unsigned n);
/* The reply's payload, as xs_request left it. */
static inline const char *xs_reply(const struct xs_client *c) { return c->msg + sizeof(struct xsd_sockmsg); }
/* Waits for something to read once: the daemon served (local) or an event or a yield (ring). */
void xs_client_idle(struct xs_client *c);
/* Reads every whole incoming message there is, filing watch events, until a reply: true with the
 * reply in c->msg, false when none has come (yet). */
bool xs_client_pump(struct xs_client *c, bool *got_event);
