/* The fake store: enough of xs.h for the handshake, every call checked for a sane transaction. */
#include "tests/guests/xenbus/fake_xs.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"

#define NODES 96

struct node {
	bool used;
	char path[128], val[128], perms[32];
	size_t plen;
};

struct xs_client {
	struct node n[NODES], snap[NODES];
	xs_tx_t open;
	unsigned conflicts;
};

static struct xs_client store;

struct xs_client *fake_xs_reset(void)
{
	memset(&store, 0, sizeof(store));
	return &store;
}

void fake_xs_conflicts(unsigned n) { store.conflicts = n; }

static void check_tx(xs_tx_t tx) { assert_true(tx == XS_TX_NONE || tx == store.open); }

static struct node *find(const char *path)
{
	for (unsigned i = 0; i < NODES; i++)
		if (store.n[i].used && !strcmp(store.n[i].path, path))
			return &store.n[i];
	return NULL;
}

static struct node *make(const char *path)
{
	struct node *n = find(path);
	for (unsigned i = 0; !n && i < NODES; i++)
		if (!store.n[i].used) {
			n = &store.n[i];
			*n = (struct node){ .used = true };
			assert_true(strlen(path) < sizeof(n->path));
			strcpy(n->path, path);
		}
	assert_non_null(n);
	return n;
}

const char *fake_xs_value(const char *path)
{
	struct node *n = find(path);
	return n ? n->val : NULL;
}

const char *fake_xs_perms(const char *path, size_t *len)
{
	struct node *n = find(path);
	*len = n ? n->plen : 0;
	return n ? n->perms : NULL;
}

int xs_read(struct xs_client *c, xs_tx_t tx, const char *path, char *buf, size_t len)
{
	(void)c;
	check_tx(tx);
	struct node *n = find(path);
	if (!n)
		return -XEN_ENOENT;
	size_t l = strlen(n->val);
	if (l + 1 > len)
		return -XEN_E2BIG;
	memcpy(buf, n->val, l + 1);
	return (int)l;
}

/* xenstored makes the missing parents of a node it writes. */
static void parents(const char *path)
{
	char p[128];
	for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		memcpy(p, path, (size_t)(s - path));
		p[s - path] = 0;
		make(p);
	}
}

/* The children of @path (a node's path may name it only as a parent): each name once. */
int xs_directory(struct xs_client *c, xs_tx_t tx, const char *path, char *names, size_t len)
{
	size_t pl = strlen(path), used = 0;
	int count = 0;

	(void)c;
	check_tx(tx);
	for (unsigned i = 0; i < NODES; i++) {
		const char *p = store.n[i].path;
		if (!store.n[i].used || strncmp(p, path, pl) || p[pl] != '/')
			continue;
		const char *name = p + pl + 1;
		size_t nl = strcspn(name, "/");
		bool seen = false;
		for (size_t at = 0; at < used && !seen; at += strlen(names + at) + 1)
			seen = strlen(names + at) == nl && !strncmp(names + at, name, nl);
		if (seen)
			continue;
		assert_true(used + nl + 1 <= len);
		memcpy(names + used, name, nl);
		names[used + nl] = '\0';
		used += nl + 1;
		count++;
	}
	return count ? count : -XEN_ENOENT;
}

int xs_write(struct xs_client *c, xs_tx_t tx, const char *path, const char *val)
{
	(void)c;
	check_tx(tx);
	parents(path);
	struct node *n = make(path);
	assert_true(strlen(val) < sizeof(n->val));
	strcpy(n->val, val);
	return 0;
}

int xs_mkdir(struct xs_client *c, xs_tx_t tx, const char *path)
{
	(void)c;
	check_tx(tx);
	parents(path);
	make(path);
	return 0;
}

int xs_rm(struct xs_client *c, xs_tx_t tx, const char *path)
{
	(void)c;
	check_tx(tx);
	size_t l = strlen(path);
	const char *slash = strrchr(path, '/');
	char parent[128];
	assert_true(slash && (size_t)(slash - path) < sizeof(parent));
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = 0;
	if (!find(path) && !find(parent))
		return -XEN_ENOENT; /* as xenstored: only a missing node under an existing parent is fine */
	for (unsigned i = 0; i < NODES; i++)
		if (store.n[i].used && !strncmp(store.n[i].path, path, l) &&
		    (store.n[i].path[l] == 0 || store.n[i].path[l] == '/'))
			store.n[i].used = false;
	return 0;
}

int xs_set_perms(struct xs_client *c, xs_tx_t tx, const char *path, const char *perms, size_t len)
{
	(void)c;
	check_tx(tx);
	struct node *n = find(path);
	if (!n)
		return -XEN_ENOENT;
	assert_true(len <= sizeof(n->perms));
	memcpy(n->perms, perms, len);
	n->plen = len;
	return 0;
}

int xs_tx_start(struct xs_client *c, xs_tx_t *tx)
{
	(void)c;
	assert_int_equal(store.open, 0); /* the library never nests them */
	memcpy(store.snap, store.n, sizeof(store.n));
	*tx = store.open = 7;
	return 0;
}

int xs_tx_end(struct xs_client *c, xs_tx_t tx, bool commit)
{
	(void)c;
	assert_int_equal(tx, store.open);
	store.open = 0;
	if (commit && !store.conflicts)
		return 0;
	memcpy(store.n, store.snap, sizeof(store.n));
	if (!commit)
		return 0;
	store.conflicts--;
	return -XEN_EAGAIN;
}
