/* The xenstore's tree: nodes named by absolute path with a value and Xen's permissions, each with a
 * generation, in fixed memory; transactions as private copies committed node by node. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"

#define XS_NODES_MAX     1024u
#define XS_HEAP_SIZE     (64u << 10)
#define XS_PERMS_MAX     16u   /* entries of one node's permission list */
#define XS_VALUE_MAX     4096u /* XENSTORE_PAYLOAD_MAX: a value never exceeds one message */
#define XS_PATH_MAX      3072u /* XENSTORE_ABS_PATH_MAX */
#define XS_TX_ACCESS_MAX 256u  /* nodes one transaction may touch */

/* Access bits of a permission entry: 'n' 0, 'r' READ, 'w' WRITE, 'b' both. */
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u

struct xs_perm {
	domid_t id;
	uint8_t mode;
};

/* One node: its blob in the heap holds the path (NUL-terminated), the value, then the perms. */
struct xs_node {
	uint64_t hash; /* of the path, to find it without comparing every path */
	uint32_t off, gen;
	uint16_t plen, vlen;
	uint8_t nperms;
	bool used;
};

struct xs_store {
	uint32_t gen; /* the last generation given to a change */
	uint32_t heap_used;
	struct xs_node nodes[XS_NODES_MAX];
	char heap[XS_HEAP_SIZE];
};

/* What a transaction touched: the node's generation as the transaction first saw it (0: absent). */
struct xs_access {
	uint64_t hash;
	uint32_t gen;
};

struct xs_tx_state {
	unsigned naccess;
	bool overflow; /* touched more than XS_TX_ACCESS_MAX nodes: it can only fail */
	struct xs_access acc[XS_TX_ACCESS_MAX];
	struct xs_store copy;
};

/* Who asks, and who hears of changes: every operation goes through one of these. */
struct xs_caller {
	domid_t id;
	bool priv;              /* the control domain: every permission */
	struct xs_tx_state *tx; /* NULL: the live store */
	/* Called for each node changed in the live store (@removed: the node and its subtree went). */
	void (*changed)(void *ctx, const char *path, bool removed);
	void *ctx;
};

/* An empty store with Xen's initial nodes: "/", "/local", "/local/domain", "/tool", all owned by
 * Dom0 with no access for others. */
void xs_store_init(struct xs_store *s);

/* A well-formed absolute path: '/' then elements of [A-Za-z0-9_@-] joined by single '/', no
 * trailing '/', shorter than XS_PATH_MAX; or a special "@name" for watches (xs_path_ok's @special). */
bool xs_path_ok(const char *path, bool special);

/* Each returns 0 or Xen's -errno. @s is the live store; with @who->tx the transaction's copy is
 * used instead and every node touched is noted for the commit's check. */
int xs_store_read(struct xs_store *s, const struct xs_caller *who, const char *path, const char **val, size_t *len);
int xs_store_write(struct xs_store *s, const struct xs_caller *who, const char *path, const char *val, size_t len);
int xs_store_mkdir(struct xs_store *s, const struct xs_caller *who, const char *path);
int xs_store_rm(struct xs_store *s, const struct xs_caller *who, const char *path);
/* Children's names, each NUL-terminated, into @out: -XEN_E2BIG if they do not fit in @max. */
int xs_store_directory(struct xs_store *s, const struct xs_caller *who, const char *path, char *out, size_t max,
		       size_t *len);
int xs_store_get_perms(struct xs_store *s, const struct xs_caller *who, const char *path, struct xs_perm *perms,
		       unsigned *n);
int xs_store_set_perms(struct xs_store *s, const struct xs_caller *who, const char *path, const struct xs_perm *perms,
		       unsigned n);
/* Whether @id may read the node (watch events go only to those who may). */
bool xs_store_can_read(struct xs_store *s, domid_t id, bool priv, const char *path);

/* Transactions (store_tx.c): a copy of the live store, then the commit: -XEN_EAGAIN when any node
 * the transaction touched changed in the live store since the copy; else every touched node takes
 * the transaction's state, reported through @who->changed. */
void xs_tx_state_begin(struct xs_tx_state *t, const struct xs_store *live);
int xs_tx_state_commit(struct xs_tx_state *t, struct xs_store *live, const struct xs_caller *who);

/* strcmp(a, b) == 0, which a freestanding guest's C library lacks. */
static inline bool xs_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Internals shared by store.c and store_tx.c. */
uint64_t xs_path_hash(const char *path, size_t len);
struct xs_node *xs_store_find(struct xs_store *s, const char *path, size_t len);
int xs_store_put(struct xs_store *s, const char *path, size_t plen, const char *val, size_t vlen,
		 const struct xs_perm *perms, unsigned nperms, struct xs_node **out);
void xs_store_drop(struct xs_store *s, struct xs_node *n);
static inline const char *xs_node_path(const struct xs_store *s, const struct xs_node *n) { return s->heap + n->off; }
static inline const char *xs_node_value(const struct xs_store *s, const struct xs_node *n)
{
	return s->heap + n->off + n->plen + 1;
}
static inline const struct xs_perm *xs_node_perms(const struct xs_store *s, const struct xs_node *n)
{
	return (const struct xs_perm *)(s->heap + ((n->off + n->plen + 1u + n->vlen + 3u) & ~3u));
}
