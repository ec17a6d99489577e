/* The daemon's protocol engine, independent of transport: a connection per domain with its input
 * assembly and output queue, requests decoded and answered per Xen's wire rules, transactions and
 * watches kept per connection. xsd.c moves bytes between these queues and the rings. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/xs/store.h"
#include "public/io/xs_wire.h"

#define XSD_CONNS       32u
#define XSD_TX_MAX      4u /* transactions open at once, all domains together */
#define XSD_TX_CONN     2u /* ... and per connection */
#define XSD_WATCHES     128u
#define XSD_WATCHES_DOM 32u  /* per connection */
#define XSD_WATCH_PATH  192u /* a watch's path, NUL included */
#define XSD_WATCH_TOKEN 64u
#define XSD_MSG_MAX     (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)
#define XSD_OUT_SIZE    (2 * XSD_MSG_MAX)

struct xsd_conn {
	bool used;
	bool broken; /* a protocol violation or a bad ring: no longer served */
	bool priv;   /* the control domain's */
	domid_t id;
	uint32_t next_tx;
	uint32_t dropped; /* watch events that found the output queue full */
	/* The transport's (xsd.c): the ring's guest address in this domain, 0 for a local one. */
	uint64_t ring;
	uint32_t port;
	uint32_t handle;
	bool shutdown; /* its shutdown was announced with @releaseDomain */
	/* A request being assembled, and the bytes waiting to go out (a circular queue). */
	uint32_t in_len;
	uint8_t in[XSD_MSG_MAX];
	uint32_t out_head, out_len;
	uint8_t out[XSD_OUT_SIZE];
};

struct xsd_tx {
	struct xsd_conn *conn; /* NULL: free */
	uint32_t id;
	struct xs_tx_state st;
};

struct xsd_watch {
	struct xsd_conn *conn; /* NULL: free */
	bool relative;         /* registered relative to the home: events say so too */
	char path[XSD_WATCH_PATH];
	char token[XSD_WATCH_TOKEN];
};

struct xsd;
/* What the engine asks of the transport for the privileged requests (NULL: refused, ENOSYS). */
struct xsd_hooks {
	int (*introduce)(struct xsd *d, domid_t id, uint64_t gfn, uint32_t port);
	int (*release)(struct xsd *d, domid_t id);
};

struct xsd {
	struct xs_store store;
	struct xsd_conn conns[XSD_CONNS];
	struct xsd_tx tx[XSD_TX_MAX];
	struct xsd_watch watches[XSD_WATCHES];
	struct xsd_hooks hooks;
};

void xsd_core_init(struct xsd *d);
/* A new connection for @id (Xen's rule: Dom0's is privileged), or NULL when all are in use. */
struct xsd_conn *xsd_conn_new(struct xsd *d, domid_t id, bool priv);
struct xsd_conn *xsd_conn_of(struct xsd *d, domid_t id);
/* Drops the connection with its watches and transactions. */
void xsd_conn_free(struct xsd *d, struct xsd_conn *c);

/* Bytes from the peer: requests are assembled and handled as they complete. Returns how many bytes
 * were taken: fewer than @n when the output queue has no room for another reply (call again once
 * it drained), and none once the connection is broken. */
size_t xsd_conn_input(struct xsd *d, struct xsd_conn *c, const void *bytes, size_t n, unsigned *handled);
/* How many bytes the connection takes now: the rest of the current header or request, 0 while the
 * output queue has no room for another reply or the connection is broken. A transport reads no more
 * than this from the peer's ring, so what the engine cannot take yet stays in the ring. */
size_t xsd_conn_want(const struct xsd_conn *c);
/* The output queue: up to @max bytes copied out (not yet consumed); xsd_conn_sent drops @n. */
size_t xsd_conn_peek(const struct xsd_conn *c, void *buf, size_t max);
void xsd_conn_sent(struct xsd_conn *c, size_t n);

/* One request, already whole (@body holds hdr->len bytes): the reply and any watch events go
 * to the output queues. */
void xsd_handle(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *hdr, const char *body);

/* Watches (xsd_watch.c). */
int xsd_watch_add(struct xsd *d, struct xsd_conn *c, const char *path, const char *token);
int xsd_watch_del(struct xsd *d, struct xsd_conn *c, const char *path, const char *token);
/* Xen's first event of a new watch, right after its reply: the watcher starts from a known state. */
void xsd_watch_first(struct xsd *d, struct xsd_conn *c, const char *path, const char *token);
void xsd_watch_drop_conn(struct xsd *d, struct xsd_conn *c);
/* A node changed (the store's callback; @d is the context), or a special "@..." event happened. */
void xsd_watch_fire(void *d, const char *path, bool removed);

/* Queues one message on @c (false: no room, the message is dropped). */
bool xsd_queue(struct xsd_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *a, size_t alen,
	       const void *b, size_t blen);
/* "/local/domain/<id>" into @buf (at least 24 bytes); its length. */
size_t xsd_home(domid_t id, char *buf);
