/* Watches as Xen keeps them: a watch on a path fires for a change of that node or anything below
 * it (and, when a subtree goes, for watches inside it), only to a connection that may read the
 * node; once at registration; "@introduceDomain"/"@releaseDomain" to privileged connections. */
#include <string.h>

#include "lib/xs/xsd_core.h"
#include "public/errno.h"

static const char *watch_abs(const struct xsd_watch *w, char *buf)
{
	if (!w->relative)
		return w->path;
	size_t home = xsd_home(w->conn->id, buf), len = strlen(w->path);
	buf[home] = '/';
	memcpy(buf + home + 1, w->path, len + 1);
	return buf;
}

/* @child is @parent or below it. */
static bool under(const char *child, const char *parent)
{
	if (parent[0] == '/' && !parent[1])
		return child[0] == '/';
	/* Stops at the child's end: a shorter child is never read past its NUL. */
	size_t n = 0;
	while (parent[n] && child[n] == parent[n])
		n++;
	return !parent[n] && (child[n] == '\0' || child[n] == '/');
}

static void send(struct xsd_watch *w, const char *abs_path)
{
	const char *p = abs_path;
	char home[32];
	if (w->relative) {
		size_t n = xsd_home(w->conn->id, home);
		p += n + 1; /* the event names the node as the watch did: relative to the home */
	}
	if (!xsd_queue(w->conn, XS_WATCH_EVENT, 0, 0, p, strlen(p) + 1, w->token, strlen(w->token) + 1))
		w->conn->dropped++;
}

void xsd_watch_fire(void *ctx, const char *path, bool removed)
{
	struct xsd *d = ctx;
	char buf[XSD_WATCH_PATH + 32];

	for (unsigned i = 0; i < XSD_WATCHES; i++) {
		struct xsd_watch *w = &d->watches[i];
		if (!w->conn || w->conn->broken)
			continue;
		if (path[0] == '@') {
			if (w->conn->priv && xs_streq(w->path, path))
				send(w, path);
			continue;
		}
		if (w->path[0] == '@')
			continue;
		const char *wp = watch_abs(w, buf), *at = NULL;
		if (under(path, wp))
			at = path;
		else if (removed && under(wp, path))
			at = wp;
		/* A relative watch's event must lie under the home to be named relative to it. */
		if (at && (!w->relative || under(at, buf)) &&
		    xs_store_can_read(&d->store, w->conn->id, w->conn->priv, at))
			send(w, at);
	}
}

int xsd_watch_add(struct xsd *d, struct xsd_conn *c, const char *path, const char *token)
{
	unsigned mine = 0;
	struct xsd_watch *slot = NULL;
	bool relative = path[0] != '/' && path[0] != '@';
	char buf[XSD_WATCH_PATH + 32];

	if (strlen(path) >= XSD_WATCH_PATH || strlen(token) >= XSD_WATCH_TOKEN)
		return -XEN_E2BIG;
	for (unsigned i = 0; i < XSD_WATCHES; i++) {
		struct xsd_watch *w = &d->watches[i];
		if (!w->conn) {
			slot = slot ? slot : w;
			continue;
		}
		if (w->conn != c)
			continue;
		mine++;
		if (xs_streq(w->path, path) && xs_streq(w->token, token))
			return -XEN_EEXIST;
	}
	if (!slot || mine >= XSD_WATCHES_DOM)
		return -XEN_ENOSPC;
	*slot = (struct xsd_watch){ .conn = c, .relative = relative };
	memcpy(slot->path, path, strlen(path) + 1);
	memcpy(slot->token, token, strlen(token) + 1);
	if (!xs_path_ok(watch_abs(slot, buf), true)) {
		slot->conn = NULL;
		return -XEN_EINVAL;
	}
	return 0;
}

void xsd_watch_first(struct xsd *d, struct xsd_conn *c, const char *path, const char *token)
{
	char buf[XSD_WATCH_PATH + 32];

	for (unsigned i = 0; i < XSD_WATCHES; i++) {
		struct xsd_watch *w = &d->watches[i];
		if (w->conn == c && xs_streq(w->path, path) && xs_streq(w->token, token))
			send(w, watch_abs(w, buf));
	}
}

int xsd_watch_del(struct xsd *d, struct xsd_conn *c, const char *path, const char *token)
{
	for (unsigned i = 0; i < XSD_WATCHES; i++) {
		struct xsd_watch *w = &d->watches[i];
		if (w->conn == c && xs_streq(w->path, path) && xs_streq(w->token, token)) {
			w->conn = NULL;
			return 0;
		}
	}
	return -XEN_ENOENT;
}

void xsd_watch_drop_conn(struct xsd *d, struct xsd_conn *c)
{
	for (unsigned i = 0; i < XSD_WATCHES; i++)
		if (d->watches[i].conn == c)
			d->watches[i].conn = NULL;
}
