/* The byte rings of the console and xenstore pages: two free-running indices, one written by each
 * end, both re-read and checked on every call since the peer can write either. */
#include "lib/guest.h"
#include "lib/ring.h"
#include "public/errno.h"

/* The indices as they stand: -XEN_EIO when prod - cons is more than the ring holds. */
static int indices(const struct ring_bytes *r, uint32_t *cons, uint32_t *prod)
{
	*cons = gl_read32(r->cons);
	*prod = gl_read32(r->prod);
	gl_mb(); /* the data is touched only after the indices that cover it were read */
	return (uint32_t)(*prod - *cons) > r->size ? -XEN_EIO : 0;
}

/* Copies @len bytes between ring offset @at (wrapping) and @p, in at most two pieces. */
static void move(const struct ring_bytes *r, uint32_t at, void *p, size_t len, bool to_ring)
{
	uint32_t off = at & (r->size - 1);
	size_t first = r->size - off < len ? r->size - off : len;
	uint8_t *b = p;

	if (to_ring) {
		gl_copy_to(r->buf + off, b, first);
		gl_copy_to(r->buf, b + first, len - first);
	} else {
		gl_copy_from(r->buf + off, b, first);
		gl_copy_from(r->buf, b + first, len - first);
	}
}

int ring_bytes_write(const struct ring_bytes *r, const void *data, size_t len)
{
	uint32_t cons, prod;

	if (indices(r, &cons, &prod))
		return -XEN_EIO;
	size_t room = r->size - (uint32_t)(prod - cons), n = len < room ? len : room;
	move(r, prod, (void *)data, n, true);
	gl_mb(); /* the bytes before the index that publishes them */
	gl_write32(r->prod, prod + (uint32_t)n);
	return (int)n;
}

int ring_bytes_read(const struct ring_bytes *r, void *data, size_t len)
{
	uint32_t cons, prod;

	if (indices(r, &cons, &prod))
		return -XEN_EIO;
	size_t avail = (uint32_t)(prod - cons), n = len < avail ? len : avail;
	move(r, cons, data, n, false);
	gl_mb(); /* read out before the producer may reuse the space */
	gl_write32(r->cons, cons + (uint32_t)n);
	return (int)n;
}

int ring_bytes_pending(const struct ring_bytes *r)
{
	uint32_t cons, prod;

	return indices(r, &cons, &prod) ? -XEN_EIO : (int)(uint32_t)(prod - cons);
}
