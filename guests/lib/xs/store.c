/* The store's nodes and Xen's permission rules: lookup by path hash, a bump heap compacted in place
 * when full, per-domain quotas so one guest cannot fill the store for everyone. */
#include "lib/xs/store.h"

#include <string.h>

#include "lib/xs/store_int.h"
#include "public/errno.h"

uint64_t xs_path_hash(const char *path, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)path[i]) * 0x100000001b3ull;
	return h;
}

static bool elem_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '@';
}

bool xs_path_ok(const char *path, bool special)
{
	size_t len = strnlen(path, XS_PATH_MAX);

	if (len == 0 || len >= XS_PATH_MAX)
		return false;
	if (path[0] == '@') {
		for (size_t i = 1; i < len; i++)
			if (!elem_char(path[i]))
				return false;
		return special && len > 1;
	}
	if (path[0] != '/' || (len > 1 && path[len - 1] == '/'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (path[i] == '/' ? path[i - 1] == '/' : !elem_char(path[i]))
			return false;
	return true;
}

struct xs_node *xs_store_find(struct xs_store *s, const char *path, size_t len)
{
	uint64_t h = xs_path_hash(path, len);

	for (unsigned i = 0; i < XS_NODES_MAX; i++) {
		struct xs_node *n = &s->nodes[i];
		if (n->used && n->hash == h && n->plen == len && !memcmp(xs_node_path(s, n), path, len))
			return n;
	}
	return NULL;
}

static uint32_t blob_size(size_t plen, size_t vlen, unsigned nperms)
{
	return (uint32_t)(((plen + 1 + vlen + 3) & ~(size_t)3) + nperms * sizeof(struct xs_perm));
}

static uint32_t node_size(const struct xs_node *n) { return blob_size(n->plen, n->vlen, n->nperms); }

/* Slides every live blob down over the garbage, lowest offset first, so none overwrites another. */
static void compact(struct xs_store *s)
{
	uint32_t cursor = 0;

	for (;;) {
		struct xs_node *low = NULL;
		for (unsigned i = 0; i < XS_NODES_MAX; i++) {
			struct xs_node *n = &s->nodes[i];
			if (n->used && n->off >= cursor && (!low || n->off < low->off))
				low = n;
		}
		if (!low)
			break;
		uint32_t size = node_size(low);
		memmove(s->heap + cursor, s->heap + low->off, size);
		low->off = cursor;
		cursor += size;
	}
	s->heap_used = cursor;
}

static int heap_alloc(struct xs_store *s, uint32_t size, uint32_t *off)
{
	if (size > XS_HEAP_SIZE - s->heap_used)
		compact(s);
	if (size > XS_HEAP_SIZE - s->heap_used)
		return -XEN_ENOSPC;
	*off = s->heap_used;
	s->heap_used += size;
	return 0;
}

struct pin {
	const struct xs_node *node; /* NULL: not in the heap */
	uint32_t delta;
};

static struct pin pin(const struct xs_store *s, const char *p)
{
	for (unsigned i = 0; p >= s->heap && p < s->heap + XS_HEAP_SIZE && i < XS_NODES_MAX; i++) {
		const struct xs_node *n = &s->nodes[i];
		if (n->used && p >= s->heap + n->off && p < s->heap + n->off + node_size(n))
			return (struct pin){ n, (uint32_t)(p - s->heap - n->off) };
	}
	return (struct pin){ NULL, 0 };
}

static const char *unpin(const struct xs_store *s, struct pin p, const char *old)
{
	return p.node ? s->heap + p.node->off + p.delta : old;
}

int xs_store_put(struct xs_store *s, const char *path, size_t plen, const char *val, size_t vlen,
		 const struct xs_perm *perms, unsigned nperms, struct xs_node **out)
{
	struct xs_node *n = xs_store_find(s, path, plen);

	if (!n) {
		for (unsigned i = 0; i < XS_NODES_MAX && !n; i++)
			if (!s->nodes[i].used)
				n = &s->nodes[i];
		if (!n)
			return -XEN_ENOSPC;
	}
	/* @path, @val or @perms may point into a blob of this store (the old value, a parent's perms),
	 * which the compaction may move: they are followed by node, the old blob kept live meanwhile. */
	struct pin pins[3] = { pin(s, path), pin(s, val), pin(s, (const char *)perms) };
	uint32_t off;
	if (heap_alloc(s, blob_size(plen, vlen, nperms), &off))
		return -XEN_ENOSPC;
	path = unpin(s, pins[0], path);
	val = unpin(s, pins[1], val);
	perms = (const struct xs_perm *)unpin(s, pins[2], (const char *)perms);
	char *b = s->heap + off;
	memmove(b, path, plen);
	b[plen] = '\0';
	memmove(b + plen + 1, val, vlen);
	memmove(s->heap + ((off + plen + 1 + vlen + 3) & ~(size_t)3), perms, nperms * sizeof(*perms));
	*n = (struct xs_node){ .hash = xs_path_hash(path, plen),
			       .off = off,
			       .gen = ++s->gen,
			       .plen = (uint16_t)plen,
			       .vlen = (uint16_t)vlen,
			       .nperms = (uint8_t)nperms,
			       .used = true };
	if (out)
		*out = n;
	return 0;
}

void xs_store_drop(struct xs_store *s, struct xs_node *n)
{
	(void)s;
	n->used = false;
}

void xs_store_init(struct xs_store *s)
{
	static const char *const initial[] = { "/", "/local", "/local/domain", "/tool" };
	const struct xs_perm dom0_only = { 0, 0 };

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < sizeof(initial) / sizeof(initial[0]); i++)
		xs_store_put(s, initial[i], strlen(initial[i]), "", 0, &dom0_only, 1, NULL);
}

unsigned xs_perm_for(const struct xs_perm *p, unsigned n, domid_t id, bool priv)
{
	if (priv || p[0].id == id)
		return XS_PERM_READ | XS_PERM_WRITE;
	for (unsigned i = 1; i < n; i++)
		if (p[i].id == id)
			return p[i].mode;
	return p[0].mode;
}

unsigned xs_node_perm(const struct xs_store *s, const struct xs_node *n, domid_t id, bool priv)
{
	return xs_perm_for(xs_node_perms(s, n), n->nperms, id, priv);
}

size_t xs_parent_len(const char *path, size_t len)
{
	while (len > 1 && path[len - 1] != '/')
		len--;
	return len > 1 ? len - 1 : 1;
}

/* The deepest node that exists at or above @path (the root always does). */
struct xs_node *xs_store_ancestor(struct xs_store *s, const char *path, size_t len)
{
	for (;;) {
		struct xs_node *n = xs_store_find(s, path, len);
		if (n || len <= 1)
			return n;
		len = xs_parent_len(path, len);
	}
}

/* Xen's quota: an unprivileged domain owns at most this many nodes and bytes of them. */
int xs_quota_check(const struct xs_store *s, domid_t owner, bool priv, uint32_t more_bytes)
{
	unsigned nodes = 0;
	uint32_t bytes = more_bytes;

	if (priv || owner == 0)
		return 0;
	for (unsigned i = 0; i < XS_NODES_MAX; i++) {
		const struct xs_node *n = &s->nodes[i];
		if (n->used && xs_node_perms(s, n)[0].id == owner) {
			nodes++;
			bytes += node_size(n);
		}
	}
	return nodes >= XS_QUOTA_NODES || bytes > XS_QUOTA_BYTES ? -XEN_ENOSPC : 0;
}
