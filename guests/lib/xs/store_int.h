/* Inside the store: permission arithmetic, path walking and quotas shared by its files. */
#pragma once

#include "lib/xs/store.h"

#define XS_QUOTA_NODES 256u        /* nodes one unprivileged domain may own */
#define XS_QUOTA_BYTES (16u << 10) /* and heap bytes (paths, values, perms) */

unsigned xs_perm_for(const struct xs_perm *p, unsigned n, domid_t id, bool priv);
unsigned xs_node_perm(const struct xs_store *s, const struct xs_node *n, domid_t id, bool priv);
/* The length of @path's parent ("/a/b" -> 2, "/a" -> 1). */
size_t xs_parent_len(const char *path, size_t len);
struct xs_node *xs_store_ancestor(struct xs_store *s, const char *path, size_t len);
int xs_quota_check(const struct xs_store *s, domid_t owner, bool priv, uint32_t more_bytes);
/* A transaction's note of a node before it is read or changed (store_tx.c). */
void xs_tx_note(struct xs_tx_state *t, const struct xs_store *copy, const char *path, size_t len);
