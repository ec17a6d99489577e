/* One request in, one reply out, per Xen's wire rules: NUL-terminated arguments, paths relative to
 * the caller's home resolved, errors as XS_ERROR with the errno's name, an unknown transaction id
 * ENOENT and an unknown type EINVAL, as Xen's daemon answers. */
#include <string.h>

#include "lib/xs/errname.h"
#include "lib/xs/xsd_core.h"
#include "public/errno.h"

struct req {
	struct xsd *d;
	struct xsd_conn *c;
	const struct xsd_sockmsg *h;
	const char *body;
	struct xs_caller who;
	char path[XS_PATH_MAX + 32];
	char out[XENSTORE_PAYLOAD_MAX];
};

static void reply(struct req *r, uint32_t type, const void *p, size_t len)
{
	xsd_queue(r->c, type, r->h->req_id, r->h->tx_id, p, len, NULL, 0);
}

static void error(struct req *r, int err)
{
	const char *name = xs_errname(err);
	reply(r, XS_ERROR, name, strlen(name) + 1);
}

static void ok(struct req *r) { reply(r, r->h->type, "OK", 3); }

static void done(struct req *r, int rc) { rc ? error(r, rc) : ok(r); }

/* The @i-th NUL-terminated argument of the body; NULL when there are fewer. */
static const char *arg(const struct req *r, unsigned i)
{
	const char *p = r->body, *end = r->body + r->h->len;

	for (;; i--) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return NULL;
		if (!i)
			return p;
		p = nul + 1;
	}
}

/* The argument as an absolute path (relative ones are under the caller's home). */
static const char *path_arg(struct req *r, unsigned i)
{
	const char *p = arg(r, i);
	if (!p || p[0] == '/' || p[0] == '@')
		return p;
	size_t home = xsd_home(r->c->id, r->path), len = strlen(p);
	if (home + 1 + len >= sizeof(r->path))
		return NULL;
	r->path[home] = '/';
	memcpy(r->path + home + 1, p, len + 1);
	return r->path;
}

static bool number(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (n = n * 10 + (uint64_t)(*s - '0')) > max)
			return false;
	}
	*v = n;
	return true;
}

static int perms_parse(struct req *r, struct xs_perm *perms, unsigned *np)
{
	unsigned n = 0;
	for (const char *p; (p = arg(r, n + 1)) != NULL; n++) {
		uint64_t id;
		if (n == XS_PERMS_MAX || !number(p + 1, DOMID_FIRST_RESERVED - 1, &id))
			return -XEN_EINVAL;
		static const char modes[] = "nrwb";
		const char *m = *p ? memchr(modes, *p, 4) : NULL;
		if (!m)
			return -XEN_EINVAL;
		perms[n] = (struct xs_perm){ (domid_t)id, (uint8_t)(m - modes) };
	}
	*np = n;
	return n ? 0 : -XEN_EINVAL;
}

/* A copy of the store per transaction is costly: two at once per connection, and the last slot
 * kept for the privileged, so no guest can starve Dom0's toolstack of transactions. */
static void tx_start(struct req *r)
{
	struct xsd_tx *slot = NULL;
	unsigned mine = 0, guests = 0;

	if (r->h->tx_id)
		return error(r, -XEN_EBUSY);
	for (unsigned i = 0; i < XSD_TX_MAX; i++) {
		struct xsd_tx *t = &r->d->tx[i];
		if (!t->conn)
			slot = slot ? slot : t;
		else {
			mine += t->conn == r->c;
			guests += !t->conn->priv;
		}
	}
	if (!slot || mine >= XSD_TX_CONN || (!r->c->priv && guests >= XSD_TX_MAX - 1))
		return error(r, -XEN_ENOSPC);
	if (!r->c->next_tx)
		r->c->next_tx = 1; /* 0 is "no transaction" */
	slot->conn = r->c;
	slot->id = r->c->next_tx++;
	xs_tx_state_begin(&slot->st, &r->d->store);
	char id[21];
	reply(r, XS_TRANSACTION_START, id, xs_utoa(slot->id, id) + 1);
}

static void tx_end(struct req *r, struct xsd_tx *t)
{
	const char *a = arg(r, 0);
	if (!t || !a || a[1] || (a[0] != 'T' && a[0] != 'F'))
		return error(r, t ? -XEN_EINVAL : -XEN_ENOENT);
	struct xs_caller who = { r->c->id, r->c->priv, NULL, xsd_watch_fire, r->d };
	int rc = a[0] == 'T' ? xs_tx_state_commit(&t->st, &r->d->store, &who) : 0;
	t->conn = NULL;
	done(r, rc);
}

/* Requests on nodes: the caller's view (its transaction's if any) and rights. */
static void node_op(struct req *r)
{
	struct xs_store *s = &r->d->store;
	const char *path = path_arg(r, 0), *val;
	size_t len = 0;
	int rc;

	if (!path || path[0] == '@')
		return error(r, -XEN_EINVAL);
	switch (r->h->type) {
	case XS_READ:
		rc = xs_store_read(s, &r->who, path, &val, &len);
		return rc ? error(r, rc) : reply(r, XS_READ, val, len);
	case XS_WRITE: {
		size_t plen = strlen(arg(r, 0)) + 1;
		return done(r, xs_store_write(s, &r->who, path, r->body + plen, r->h->len - plen));
	}
	case XS_MKDIR: return done(r, xs_store_mkdir(s, &r->who, path));
	case XS_RM: return done(r, xs_store_rm(s, &r->who, path));
	case XS_DIRECTORY:
		rc = xs_store_directory(s, &r->who, path, r->out, sizeof(r->out), &len);
		return rc ? error(r, rc) : reply(r, XS_DIRECTORY, r->out, len);
	case XS_GET_PERMS: {
		struct xs_perm p[XS_PERMS_MAX];
		unsigned n;
		if ((rc = xs_store_get_perms(s, &r->who, path, p, &n)))
			return error(r, rc);
		for (unsigned i = 0; i < n; i++) {
			r->out[len] = "nrwb"[p[i].mode & 3];
			len += xs_utoa(p[i].id, r->out + len + 1) + 2;
		}
		return reply(r, XS_GET_PERMS, r->out, len);
	}
	case XS_SET_PERMS: {
		struct xs_perm p[XS_PERMS_MAX];
		unsigned n;
		rc = perms_parse(r, p, &n);
		return done(r, rc ? rc : xs_store_set_perms(s, &r->who, path, p, n));
	}
	}
}

/* The privileged requests about domains, and the read-only ones anyone may make. */
static void domain_op(struct req *r)
{
	uint64_t id, gfn, port;
	struct xsd_hooks *k = &r->d->hooks;

	if (!number(arg(r, 0), DOMID_FIRST_RESERVED - 1, &id))
		return error(r, -XEN_EINVAL);
	switch (r->h->type) {
	case XS_GET_DOMAIN_PATH: return reply(r, XS_GET_DOMAIN_PATH, r->out, xsd_home((domid_t)id, r->out) + 1);
	case XS_IS_DOMAIN_INTRODUCED: return reply(r, r->h->type, xsd_conn_of(r->d, (domid_t)id) ? "T" : "F", 2);
	}
	if (!r->c->priv)
		return error(r, -XEN_EACCES);
	if (r->h->type == XS_RELEASE)
		return done(r, k->release ? k->release(r->d, (domid_t)id) : -XEN_ENOSYS);
	if (!number(arg(r, 1), UINT64_MAX / 10, &gfn) || !number(arg(r, 2), UINT32_MAX, &port))
		return error(r, -XEN_EINVAL);
	done(r, k->introduce ? k->introduce(r->d, (domid_t)id, gfn, (uint32_t)port) : -XEN_ENOSYS);
}

static struct xsd_tx *tx_of(struct xsd *d, struct xsd_conn *c, uint32_t id)
{
	for (unsigned i = 0; i < XSD_TX_MAX && id; i++)
		if (d->tx[i].conn == c && d->tx[i].id == id)
			return &d->tx[i];
	return NULL;
}

void xsd_handle(struct xsd *d, struct xsd_conn *c, const struct xsd_sockmsg *h, const char *body)
{
	static struct req req; /* one request at a time; too big for a guest's stack */
	struct req *r = &req;
	struct xsd_tx *t = tx_of(d, c, h->tx_id);

	r->d = d, r->c = c, r->h = h, r->body = body;
	r->who = (struct xs_caller){ c->id, c->priv, t ? &t->st : NULL, xsd_watch_fire, d };
	if (h->tx_id && !t && h->type != XS_TRANSACTION_START)
		return error(r, -XEN_ENOENT);
	switch (h->type) {
	case XS_READ:
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM:
	case XS_DIRECTORY:
	case XS_GET_PERMS:
	case XS_SET_PERMS: return node_op(r);
	case XS_WATCH:
	case XS_UNWATCH: {
		const char *path = path_arg(r, 0), *token = arg(r, 1);
		if (!path || !token)
			return error(r, -XEN_EINVAL);
		int rc =
		    h->type == XS_WATCH ? xsd_watch_add(d, c, arg(r, 0), token) : xsd_watch_del(d, c, arg(r, 0), token);
		done(r, rc);
		if (!rc && h->type == XS_WATCH)
			xsd_watch_first(d, c, arg(r, 0), token);
		return;
	}
	case XS_TRANSACTION_START: return tx_start(r);
	case XS_TRANSACTION_END: return tx_end(r, t);
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_GET_DOMAIN_PATH:
	case XS_IS_DOMAIN_INTRODUCED: return domain_op(r);
	case XS_RESET_WATCHES: xsd_watch_drop_conn(d, c); return ok(r);
	default: return error(r, -XEN_EINVAL);
	}
}
