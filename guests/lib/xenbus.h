/* The xenbus handshake over the xenstore, for any split driver: libxl's frontend and backend
 * directories, each end's "state" node, and the steps each end takes from its own state and its
 * peer's until both are Connected, and back down when either goes away (a backend restarted). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/xs.h"
#include "public/grant_table.h"
#include "public/io/xenbus.h"
#include "public/xen.h"

#define XENBUS_PATH 96u

/* One device: frontend @fe's /local/domain/<fe>/device/<type>/<id>, backend @be's
 * /local/domain/<be>/backend/<type>/<fe>/<id>. */
struct xenbus_dev {
	struct xs_client *xs;
	domid_t fe, be;
	char front[XENBUS_PATH], back[XENBUS_PATH];
};

/* Fills @d's paths; false when they do not fit (a @type too long). */
bool xenbus_dev_init(struct xenbus_dev *d, struct xs_client *xs, const char *type, domid_t fe, domid_t be, unsigned id);

/* The state in @dir/state: XenbusStateUnknown when the node is missing or not a state number (a
 * peer that went away reads so). */
enum xenbus_state xenbus_read_state(struct xs_client *xs, const char *dir);
int xenbus_write_state(struct xs_client *xs, const char *dir, enum xenbus_state s);
/* A decimal number in node @dir/@key: 0 and *@v, or -errno (-XEN_EINVAL when it is no number). */
int xenbus_read_u64(struct xs_client *xs, const char *dir, const char *key, uint64_t *v);
int xenbus_write_u64(struct xs_client *xs, const char *dir, const char *key, uint64_t v);

/* The toolstack's part (Dom0): both directories as libxl writes them, in one transaction: the
 * frontend's owned by @fe and readable by @be (backend, backend-id, state 1), the backend's owned
 * by @be and readable by @fe (frontend, frontend-id, online 1, state 1). 0 or -errno. */
int xenbus_create(const struct xenbus_dev *d);

/* A backend's discovery: calls @add for every device the toolstack listed under its
 * backend/@type/<fe>/<id> (decimal names only; anything else there is no device of ours). */
void xenbus_backend_scan(struct xs_client *xs, const char *type, void (*add)(domid_t fe, unsigned id));

/* What an end does next, from its own state and its peer's. */
enum xenbus_action {
	XENBUS_WAIT,          /* nothing until the peer moves */
	XENBUS_BACK_INIT,     /* backend: advertise itself, InitWait */
	XENBUS_FRONT_SETUP,   /* frontend: make the ring, publish ring-ref and event-channel, Initialised */
	XENBUS_BACK_CONNECT,  /* backend: map the frontend's ring, bind its port, Connected */
	XENBUS_FRONT_CONNECT, /* frontend: start using the ring, Connected */
	XENBUS_CLOSE,         /* either: the peer is leaving or gone; drop the ring, Closing then Closed */
	XENBUS_RESTART,       /* either: closed, and the peer starts over; back to the beginning */
};
enum xenbus_action xenbus_front_next(enum xenbus_state own, enum xenbus_state peer);
enum xenbus_action xenbus_back_next(enum xenbus_state own, enum xenbus_state peer);

/* The driver's side of each action, as a frontend or backend provides it. */
struct xenbus_ops {
	void *ctx;
	/* Frontend: a fresh ring granted to the backend and an unbound port for it. */
	int (*front_setup)(void *ctx, grant_ref_t *ring_ref, evtchn_port_t *port);
	/* Backend: the frontend's ring and port, to map and bind. */
	int (*back_connect)(void *ctx, grant_ref_t ring_ref, evtchn_port_t port);
	/* Frontend: the backend is Connected. */
	int (*front_connect)(void *ctx);
	/* Either: undo setup/connect (unmap, unbind, end grants the peer no longer uses). */
	void (*close)(void *ctx);
};

/* One step of the frontend / backend: reads both states, runs the action's callback and writes the
 * new state (publishing ring-ref and event-channel with Initialised in one transaction). Returns
 * the action taken (XENBUS_WAIT: nothing to do; call again when a watch on the peer's state fires),
 * or -errno when a callback or the store failed (the state is left as it was). */
int xenbus_front_step(const struct xenbus_dev *d, const struct xenbus_ops *ops);
int xenbus_back_step(const struct xenbus_dev *d, const struct xenbus_ops *ops);
