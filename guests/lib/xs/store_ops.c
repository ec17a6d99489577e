/* The store's operations with Xen's rules: read needs 'r', changing a node 'w' on it, creating one
 * 'w' on its deepest existing ancestor, whose permissions it inherits (an unprivileged creator
 * becomes the owner); a missing node reads as EACCES to whoever may not read its ancestor. */
#include <string.h>

#include "lib/xs/store_int.h"
#include "public/errno.h"

/* The store the caller works on, its transaction's copy if any. */
static struct xs_store *view(struct xs_store *s, const struct xs_caller *w) { return w->tx ? &w->tx->copy : s; }

static struct xs_node *lookup(struct xs_store *s, const struct xs_caller *w, const char *path, size_t len)
{
	if (w->tx)
		xs_tx_note(w->tx, s, path, len);
	return xs_store_find(s, path, len);
}

static void changed(const struct xs_caller *w, const char *path, bool removed)
{
	if (!w->tx && w->changed)
		w->changed(w->ctx, path, removed);
}

/* The node for an operation that needs @perm on it: ENOENT, or EACCES when the caller may not even
 * read the ancestor that exists (so a missing node tells nothing the caller could not see). */
static int get(struct xs_store *s, const struct xs_caller *w, const char *path, unsigned perm, struct xs_node **out)
{
	if (!xs_path_ok(path, false))
		return -XEN_EINVAL;
	size_t len = strlen(path);
	struct xs_node *n = lookup(s, w, path, len);
	if (!n) {
		struct xs_node *a = xs_store_ancestor(s, path, len);
		return a && (xs_node_perm(s, a, w->id, w->priv) & XS_PERM_READ) ? -XEN_ENOENT : -XEN_EACCES;
	}
	if ((xs_node_perm(s, n, w->id, w->priv) & perm) != perm)
		return -XEN_EACCES;
	*out = n;
	return 0;
}

/* A generation bump on the parent: its list of children changed, which conflicts transactions
 * that listed it, as Xen's children list in the parent node does. */
static void touch_parent(struct xs_store *s, const struct xs_caller *w, const char *path, size_t len)
{
	size_t plen = xs_parent_len(path, len);
	struct xs_node *p = lookup(s, w, path, plen);
	if (p && len > 1)
		p->gen = ++s->gen;
}

/* Creates @path and its missing ancestors, with the perms of the deepest one that exists. */
static int create(struct xs_store *s, const struct xs_caller *w, const char *path, size_t len, const char *val,
		  size_t vlen)
{
	struct xs_node *a = xs_store_ancestor(s, path, len);
	if (!a || !(xs_node_perm(s, a, w->id, w->priv) & XS_PERM_WRITE))
		return -XEN_EACCES;
	struct xs_perm perms[XS_PERMS_MAX];
	unsigned n = a->nperms;
	memcpy(perms, xs_node_perms(s, a), n * sizeof(perms[0]));
	if (!w->priv)
		perms[0].id = w->id;
	int rc = xs_quota_check(s, perms[0].id, w->priv, (uint32_t)(len + vlen + 8 * n));
	/* Shallowest first, each missing element in turn: the parent exists before its child. */
	for (size_t at = a->plen + 1; !rc && at <= len; at++) {
		if (at < len && path[at] != '/')
			continue;
		if (w->tx)
			xs_tx_note(w->tx, s, path, at);
		touch_parent(s, w, path, at);
		rc = xs_store_put(s, path, at, at == len ? val : "", at == len ? vlen : 0, perms, n, NULL);
	}
	return rc;
}

int xs_store_read(struct xs_store *s, const struct xs_caller *w, const char *path, const char **val, size_t *len)
{
	struct xs_node *n;
	s = view(s, w);
	int rc = get(s, w, path, XS_PERM_READ, &n);
	if (rc)
		return rc;
	*val = xs_node_value(s, n);
	*len = n->vlen;
	return 0;
}

int xs_store_write(struct xs_store *s, const struct xs_caller *w, const char *path, const char *val, size_t vlen)
{
	struct xs_node *n;
	s = view(s, w);
	if (vlen > XS_VALUE_MAX)
		return -XEN_E2BIG;
	int rc = get(s, w, path, XS_PERM_WRITE, &n);
	if (rc == -XEN_ENOENT)
		rc = create(s, w, path, strlen(path), val, vlen);
	else if (!rc && !(rc = xs_quota_check(s, xs_node_perms(s, n)[0].id, w->priv, (uint32_t)vlen)))
		rc = xs_store_put(s, path, n->plen, val, vlen, xs_node_perms(s, n), n->nperms, NULL);
	if (!rc)
		changed(w, path, false);
	return rc;
}

int xs_store_mkdir(struct xs_store *s, const struct xs_caller *w, const char *path)
{
	struct xs_node *n;
	s = view(s, w);
	int rc = get(s, w, path, XS_PERM_WRITE, &n);
	if (rc != -XEN_ENOENT)
		return rc; /* an existing node is fine, as in Xen */
	rc = create(s, w, path, strlen(path), "", 0);
	if (!rc)
		changed(w, path, false);
	return rc;
}

static bool below(const struct xs_store *s, const struct xs_node *n, const char *path, size_t len)
{
	const char *p = xs_node_path(s, n);
	return n->plen > len && !memcmp(p, path, len) && (len == 1 || p[len] == '/');
}

int xs_store_rm(struct xs_store *s, const struct xs_caller *w, const char *path)
{
	struct xs_node *n;
	s = view(s, w);
	if (path[0] == '/' && !path[1])
		return -XEN_EINVAL;
	int rc = get(s, w, path, XS_PERM_WRITE, &n);
	size_t len = strlen(path);
	if (rc == -XEN_ENOENT && xs_store_find(s, path, xs_parent_len(path, len)))
		return 0; /* Xen: a missing node under an existing parent is already removed */
	if (rc)
		return rc;
	for (unsigned i = 0; i < XS_NODES_MAX; i++) {
		struct xs_node *c = &s->nodes[i];
		if (c->used && below(s, c, path, len)) {
			if (w->tx)
				xs_tx_note(w->tx, s, xs_node_path(s, c), c->plen);
			xs_store_drop(s, c);
		}
	}
	xs_store_drop(s, n);
	touch_parent(s, w, path, len);
	changed(w, path, true);
	return 0;
}

int xs_store_directory(struct xs_store *s, const struct xs_caller *w, const char *path, char *out, size_t max,
		       size_t *len)
{
	struct xs_node *n;
	s = view(s, w);
	int rc = get(s, w, path, XS_PERM_READ, &n);
	if (rc)
		return rc;
	size_t plen = n->plen, used = 0, skip = plen == 1 ? 1 : plen + 1;
	for (unsigned i = 0; i < XS_NODES_MAX; i++) {
		struct xs_node *c = &s->nodes[i];
		if (!c->used || !below(s, c, path, plen) || memchr(xs_node_path(s, c) + skip, '/', c->plen - skip))
			continue;
		size_t nlen = c->plen - skip + 1;
		if (nlen > max - used)
			return -XEN_E2BIG;
		memcpy(out + used, xs_node_path(s, c) + skip, nlen);
		used += nlen;
	}
	*len = used;
	return 0;
}

int xs_store_get_perms(struct xs_store *s, const struct xs_caller *w, const char *path, struct xs_perm *perms,
		       unsigned *np)
{
	struct xs_node *n;
	s = view(s, w);
	int rc = get(s, w, path, XS_PERM_READ, &n);
	if (rc)
		return rc;
	*np = n->nperms;
	memcpy(perms, xs_node_perms(s, n), n->nperms * sizeof(*perms));
	return 0;
}

int xs_store_set_perms(struct xs_store *s, const struct xs_caller *w, const char *path, const struct xs_perm *perms,
		       unsigned np)
{
	struct xs_node *n;
	s = view(s, w);
	if (np == 0 || np > XS_PERMS_MAX)
		return -XEN_EINVAL;
	int rc = get(s, w, path, XS_PERM_WRITE, &n);
	if (rc)
		return rc;
	domid_t owner = xs_node_perms(s, n)[0].id;
	/* Only the owner changes the list (Xen's XS_PERM_OWNER), and only the privileged the owner. */
	if (!w->priv && owner != w->id)
		return -XEN_EACCES;
	if (!w->priv && perms[0].id != owner)
		return -XEN_EPERM;
	rc = xs_store_put(s, path, n->plen, xs_node_value(s, n), n->vlen, perms, np, NULL);
	if (!rc)
		changed(w, path, false);
	return rc;
}

bool xs_store_can_read(struct xs_store *s, domid_t id, bool priv, const char *path)
{
	/* A removed node is judged by what is left above it. */
	struct xs_node *n = xs_store_ancestor(s, path, strlen(path));
	return n && (xs_node_perm(s, n, id, priv) & XS_PERM_READ);
}
