/* The xenbus handshake: each end looks at both state nodes, does what the pair of states asks and
 * writes its own state last, so a peer never sees a state whose work is not done. */
#include "lib/xenbus.h"

#include "core/format.h"
#include "public/errno.h"

#define NUM        24u /* a decimal u64 and its NUL */
#define NODE       (XENBUS_PATH + 32u)
#define TX_RETRIES 16u /* conflicting transactions before giving up: -XEN_EAGAIN */

bool xenbus_dev_init(struct xenbus_dev *d, struct xs_client *xs, const char *type, domid_t fe, domid_t be, unsigned id)
{
	*d = (struct xenbus_dev){ .xs = xs, .fe = fe, .be = be };
	int a = fmt_snprintf(d->front, sizeof(d->front), "/local/domain/%u/device/%s/%u", fe, type, id);
	int b = fmt_snprintf(d->back, sizeof(d->back), "/local/domain/%u/backend/%s/%u/%u", be, type, fe, id);
	return a > 0 && a < (int)sizeof(d->front) && b > 0 && b < (int)sizeof(d->back);
}

static int node(char *buf, const char *dir, const char *key)
{
	int n = fmt_snprintf(buf, NODE, "%s/%s", dir, key);
	return n > 0 && (unsigned)n < NODE ? 0 : -XEN_E2BIG;
}

static int read_u64(struct xs_client *xs, xs_tx_t tx, const char *dir, const char *key, uint64_t *v)
{
	char path[NODE], val[NUM];
	int rc = node(path, dir, key);

	if (!rc)
		rc = xs_read(xs, tx, path, val, sizeof(val));
	if (rc < 0)
		return rc;
	if (!val[0])
		return -XEN_EINVAL;
	uint64_t n = 0;
	for (const char *p = val; *p; p++) {
		if (*p < '0' || *p > '9' || n > (UINT64_MAX - 9) / 10)
			return -XEN_EINVAL;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*v = n;
	return 0;
}

static int write_str(struct xs_client *xs, xs_tx_t tx, const char *dir, const char *key, const char *val)
{
	char path[NODE];
	int rc = node(path, dir, key);
	return rc ? rc : xs_write(xs, tx, path, val);
}

static int write_u64(struct xs_client *xs, xs_tx_t tx, const char *dir, const char *key, uint64_t v)
{
	char val[NUM];
	fmt_snprintf(val, sizeof(val), "%llu", (unsigned long long)v);
	return write_str(xs, tx, dir, key, val);
}

int xenbus_read_u64(struct xs_client *xs, const char *dir, const char *key, uint64_t *v)
{
	return read_u64(xs, XS_TX_NONE, dir, key, v);
}

int xenbus_write_u64(struct xs_client *xs, const char *dir, const char *key, uint64_t v)
{
	return write_u64(xs, XS_TX_NONE, dir, key, v);
}

enum xenbus_state xenbus_read_state(struct xs_client *xs, const char *dir)
{
	uint64_t v;

	if (read_u64(xs, XS_TX_NONE, dir, "state", &v) || v > XenbusStateReconfigured)
		return XenbusStateUnknown;
	return (enum xenbus_state)v;
}

int xenbus_write_state(struct xs_client *xs, const char *dir, enum xenbus_state s)
{
	return write_u64(xs, XS_TX_NONE, dir, "state", (uint64_t)s);
}

/* Runs @fn(@arg, tx) in a transaction until it commits without a conflict. */
static int in_tx(struct xs_client *xs, int (*fn)(const void *arg, xs_tx_t tx), const void *arg)
{
	for (unsigned i = 0; i < TX_RETRIES; i++) {
		xs_tx_t tx;
		int rc = xs_tx_start(xs, &tx);
		if (rc)
			return rc;
		rc = fn(arg, tx);
		int end = xs_tx_end(xs, tx, rc == 0);
		if (rc)
			return rc;
		if (end != -XEN_EAGAIN)
			return end;
	}
	return -XEN_EAGAIN;
}

/* @dir's perms: owned by @owner, nobody else but @reader may read it. Set on the directory and on
 * every node written below it, so none is left with its writer's (the toolstack's) perms. */
static int perms(struct xs_client *xs, xs_tx_t tx, const char *path, domid_t owner, domid_t reader)
{
	char p[2 * NUM];
	int a = fmt_snprintf(p, sizeof(p), "n%u", owner);
	int b = fmt_snprintf(p + a + 1, sizeof(p) - (size_t)a - 1, "r%u", reader);
	return xs_set_perms(xs, tx, path, p, (size_t)a + 1 + (size_t)b + 1);
}

static int dir_write(struct xs_client *xs, xs_tx_t tx, const char *dir, const char *const kv[][2], unsigned n,
		     domid_t owner, domid_t reader)
{
	char path[NODE];
	int rc = xs_mkdir(xs, tx, dir);

	rc = rc ? rc : perms(xs, tx, dir, owner, reader);
	for (unsigned i = 0; i < n && !rc; i++) {
		rc = node(path, dir, kv[i][0]);
		rc = rc ? rc : xs_write(xs, tx, path, kv[i][1]);
		rc = rc ? rc : perms(xs, tx, path, owner, reader);
	}
	return rc;
}

/* A directory that was never there (nor its parent) is as removed as one can be. */
static int gone(int rc) { return rc == -XEN_ENOENT ? 0 : rc; }

static int create(const void *arg, xs_tx_t tx)
{
	const struct xenbus_dev *d = arg;
	char fe[NUM], be[NUM], state[NUM];

	fmt_snprintf(fe, sizeof(fe), "%u", d->fe);
	fmt_snprintf(be, sizeof(be), "%u", d->be);
	fmt_snprintf(state, sizeof(state), "%u", XenbusStateInitialising);
	const char *const front[][2] = { { "backend", d->back }, { "backend-id", be }, { "state", state } };
	const char *const back[][2] = {
		{ "frontend", d->front }, { "frontend-id", fe }, { "online", "1" }, { "state", state }
	};
	int rc = gone(xs_rm(d->xs, tx, d->front));
	rc = rc ? rc : gone(xs_rm(d->xs, tx, d->back));
	rc = rc ? rc : dir_write(d->xs, tx, d->front, front, 3, d->fe, d->be);
	return rc ? rc : dir_write(d->xs, tx, d->back, back, 4, d->be, d->fe);
}

int xenbus_create(const struct xenbus_dev *d) { return in_tx(d->xs, create, d); }

static bool leaving(enum xenbus_state s)
{
	return s == XenbusStateClosing || s == XenbusStateClosed || s == XenbusStateUnknown;
}

enum xenbus_action xenbus_front_next(enum xenbus_state own, enum xenbus_state peer)
{
	switch (own) {
	case XenbusStateUnknown:
	case XenbusStateInitialising: return peer == XenbusStateInitWait ? XENBUS_FRONT_SETUP : XENBUS_WAIT;
	case XenbusStateInitialised:
		if (peer == XenbusStateConnected)
			return XENBUS_FRONT_CONNECT;
		return leaving(peer) ? XENBUS_CLOSE : XENBUS_WAIT;
	case XenbusStateConnected:
		/* A backend starting over (a restarted driver domain) has lost our ring as surely as one
		 * that closed. */
		return leaving(peer) || peer == XenbusStateInitialising || peer == XenbusStateInitWait ? XENBUS_CLOSE
												       : XENBUS_WAIT;
	case XenbusStateClosing: return XENBUS_CLOSE;
	case XenbusStateClosed: return peer == XenbusStateInitWait ? XENBUS_RESTART : XENBUS_WAIT;
	default: return XENBUS_WAIT;
	}
}

enum xenbus_action xenbus_back_next(enum xenbus_state own, enum xenbus_state peer)
{
	switch (own) {
	case XenbusStateUnknown:
	case XenbusStateInitialising: return XENBUS_BACK_INIT;
	case XenbusStateInitWait:
		return peer == XenbusStateInitialised || peer == XenbusStateConnected ? XENBUS_BACK_CONNECT
										      : XENBUS_WAIT;
	case XenbusStateConnected: return leaving(peer) || peer == XenbusStateInitialising ? XENBUS_CLOSE : XENBUS_WAIT;
	case XenbusStateClosing: return XENBUS_CLOSE;
	case XenbusStateClosed: return peer == XenbusStateInitialising ? XENBUS_RESTART : XENBUS_WAIT;
	default: return XENBUS_WAIT;
	}
}

struct publish {
	const struct xenbus_dev *d;
	grant_ref_t ref;
	evtchn_port_t port;
};

static int publish(const void *arg, xs_tx_t tx)
{
	const struct publish *p = arg;
	struct xs_client *xs = p->d->xs;
	int rc = write_u64(xs, tx, p->d->front, "ring-ref", p->ref);

	rc = rc ? rc : write_u64(xs, tx, p->d->front, "event-channel", p->port);
	return rc ? rc : write_u64(xs, tx, p->d->front, "state", XenbusStateInitialised);
}

static int close_end(const struct xenbus_dev *d, const char *own, const struct xenbus_ops *ops)
{
	int rc = xenbus_write_state(d->xs, own, XenbusStateClosing);
	if (rc)
		return rc;
	ops->close(ops->ctx);
	rc = xenbus_write_state(d->xs, own, XenbusStateClosed);
	return rc ? rc : XENBUS_CLOSE;
}

/* The state write that ends an action, as the step's result. */
static int done(int rc, enum xenbus_action a) { return rc ? rc : (int)a; }

int xenbus_front_step(const struct xenbus_dev *d, const struct xenbus_ops *ops)
{
	enum xenbus_state own = xenbus_read_state(d->xs, d->front), peer = xenbus_read_state(d->xs, d->back);
	enum xenbus_action a = xenbus_front_next(own, peer);
	struct publish p = { .d = d };
	int rc;

	switch (a) {
	case XENBUS_FRONT_SETUP:
		if ((rc = ops->front_setup(ops->ctx, &p.ref, &p.port)))
			return rc;
		return done(in_tx(d->xs, publish, &p), a);
	case XENBUS_FRONT_CONNECT:
		if ((rc = ops->front_connect(ops->ctx)))
			return rc;
		return done(xenbus_write_state(d->xs, d->front, XenbusStateConnected), a);
	case XENBUS_CLOSE: return close_end(d, d->front, ops);
	case XENBUS_RESTART: return done(xenbus_write_state(d->xs, d->front, XenbusStateInitialising), a);
	default: return XENBUS_WAIT;
	}
}

int xenbus_back_step(const struct xenbus_dev *d, const struct xenbus_ops *ops)
{
	enum xenbus_state own = xenbus_read_state(d->xs, d->back), peer = xenbus_read_state(d->xs, d->front);
	enum xenbus_action a = xenbus_back_next(own, peer);
	uint64_t ref, port;
	int rc;

	switch (a) {
	case XENBUS_BACK_INIT: return done(xenbus_write_state(d->xs, d->back, XenbusStateInitWait), a);
	case XENBUS_BACK_CONNECT:
		rc = read_u64(d->xs, XS_TX_NONE, d->front, "ring-ref", &ref);
		rc = rc ? rc : read_u64(d->xs, XS_TX_NONE, d->front, "event-channel", &port);
		if (!rc && (ref > UINT32_MAX || port > UINT32_MAX))
			rc = -XEN_EINVAL; /* the frontend's numbers: checked like any guest input */
		if (rc || (rc = ops->back_connect(ops->ctx, (grant_ref_t)ref, (evtchn_port_t)port)))
			return rc;
		return done(xenbus_write_state(d->xs, d->back, XenbusStateConnected), a);
	case XENBUS_CLOSE: return close_end(d, d->back, ops);
	case XENBUS_RESTART: return done(xenbus_write_state(d->xs, d->back, XenbusStateInitialising), a);
	default: return XENBUS_WAIT;
	}
}

/* A decimal name up to 0xffff: a domid or a device id. */
static bool number(const char *s, unsigned *v)
{
	unsigned x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (unsigned)(*s - '0');
		if (x > 0xffffu)
			return false;
	}
	*v = x;
	return true;
}

static unsigned name_len(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

void xenbus_backend_scan(struct xs_client *xs, const char *type, void (*add)(domid_t fe, unsigned id))
{
	char fes[256], ids[256], dir[XENBUS_PATH];

	fmt_snprintf(dir, sizeof(dir), "backend/%s", type);
	int nfe = xs_directory(xs, XS_TX_NONE, dir, fes, sizeof(fes));
	for (const char *f = fes; nfe > 0; nfe--, f += name_len(f) + 1) {
		unsigned fe, id;
		if (!number(f, &fe) || fe >= DOMID_FIRST_RESERVED)
			continue;
		fmt_snprintf(dir, sizeof(dir), "backend/%s/%s", type, f);
		int nid = xs_directory(xs, XS_TX_NONE, dir, ids, sizeof(ids));
		for (const char *d = ids; nid > 0; nid--, d += name_len(d) + 1)
			if (number(d, &id))
				add((domid_t)fe, id);
	}
}
