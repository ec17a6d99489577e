/* Transactions: a private copy of the store, every node the transaction reads or changes noted with
 * the generation it had then; the commit fails with EAGAIN if any of them moved in the live store
 * meanwhile, else copies exactly those nodes over, so unrelated changes of others survive. */
#include <string.h>

#include "lib/xs/store_int.h"
#include "public/errno.h"

void xs_tx_state_begin(struct xs_tx_state *t, const struct xs_store *live)
{
	t->naccess = 0;
	t->overflow = false;
	memcpy(&t->copy, live, sizeof(*live));
}

void xs_tx_note(struct xs_tx_state *t, const struct xs_store *copy, const char *path, size_t len)
{
	uint64_t h = xs_path_hash(path, len);

	for (unsigned i = 0; i < t->naccess; i++)
		if (t->acc[i].hash == h)
			return;
	if (t->naccess == XS_TX_ACCESS_MAX) {
		t->overflow = true;
		return;
	}
	const struct xs_node *n = xs_store_find((struct xs_store *)copy, path, len);
	t->acc[t->naccess++] = (struct xs_access){ .hash = h, .gen = n ? n->gen : 0 };
}

static struct xs_node *by_hash(struct xs_store *s, uint64_t h)
{
	for (unsigned i = 0; i < XS_NODES_MAX; i++)
		if (s->nodes[i].used && s->nodes[i].hash == h)
			return &s->nodes[i];
	return NULL;
}

static bool same_content(const struct xs_store *a, const struct xs_node *x, const struct xs_store *b,
			 const struct xs_node *y)
{
	return x->vlen == y->vlen && x->nperms == y->nperms &&
	       !memcmp(xs_node_value(a, x), xs_node_value(b, y), x->vlen) &&
	       !memcmp(xs_node_perms(a, x), xs_node_perms(b, y), x->nperms * sizeof(struct xs_perm));
}

/* The live store must hold room for the result before anything is applied: a commit is all or
 * nothing. Counted generously (every changed node a new blob and slot). */
static bool fits(struct xs_tx_state *t, struct xs_store *live)
{
	unsigned free_slots = 0;
	uint32_t live_bytes = 0, need = 0;

	for (unsigned i = 0; i < XS_NODES_MAX; i++)
		if (!live->nodes[i].used)
			free_slots++;
		else
			live_bytes +=
			    (uint32_t)live->nodes[i].plen + live->nodes[i].vlen + 8u + 4u * live->nodes[i].nperms;
	unsigned slots = 0;
	for (unsigned i = 0; i < t->naccess; i++) {
		const struct xs_node *c = by_hash(&t->copy, t->acc[i].hash);
		if (c && c->gen != t->acc[i].gen) {
			slots++;
			need += (uint32_t)c->plen + c->vlen + 8u + 4u * c->nperms;
		}
	}
	return slots <= free_slots && live_bytes + need <= XS_HEAP_SIZE;
}

int xs_tx_state_commit(struct xs_tx_state *t, struct xs_store *live, const struct xs_caller *who)
{
	if (t->overflow)
		return -XEN_EAGAIN;
	for (unsigned i = 0; i < t->naccess; i++) {
		const struct xs_node *n = by_hash(live, t->acc[i].hash);
		if ((n ? n->gen : 0) != t->acc[i].gen)
			return -XEN_EAGAIN;
	}
	if (!fits(t, live))
		return -XEN_ENOSPC;
	for (unsigned i = 0; i < t->naccess; i++) {
		struct xs_node *c = by_hash(&t->copy, t->acc[i].hash), *n = by_hash(live, t->acc[i].hash);
		if (c && c->gen == t->acc[i].gen)
			continue; /* only read */
		if (!c && !n)
			continue; /* created and removed again inside the transaction */
		if (!c) {
			char path[XS_PATH_MAX];
			memcpy(path, xs_node_path(live, n), n->plen + 1u);
			xs_store_drop(live, n);
			if (who->changed)
				who->changed(who->ctx, path, true);
			continue;
		}
		bool quiet = n && same_content(live, n, &t->copy, c); /* only its children changed */
		xs_store_put(live, xs_node_path(&t->copy, c), c->plen, xs_node_value(&t->copy, c), c->vlen,
			     xs_node_perms(&t->copy, c), c->nperms, NULL);
		if (!quiet && who->changed)
			who->changed(who->ctx, xs_node_path(&t->copy, c), false);
	}
	return 0;
}
