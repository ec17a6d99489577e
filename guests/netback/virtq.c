#include "virtq.h"

#include "lib/guest.h"
#include "public/errno.h"

#define AVAIL_OFF 1024u
#define USED_OFF  2048u

/* Only 32- and 64-bit accessors: the 16-bit fields go as the aligned word that holds them. The
 * available ring is the driver's alone, so rewriting a word of it loses nothing of the device's. */
static void put16(uint64_t addr, uint16_t v)
{
	uint64_t word = addr & ~3ull;
	uint32_t w = gl_read32(word);
	unsigned shift = (unsigned)(addr & 2) * 8;
	gl_write32(word, (w & ~(0xffffu << shift)) | (uint32_t)v << shift);
}

void vq_init(struct vq *q, uint64_t base, uint16_t size)
{
	*q = (struct vq){ .desc = base, .avail = base + AVAIL_OFF, .used = base + USED_OFF, .size = size };
	for (unsigned i = 0; i < VQ_BYTES; i += 8)
		gl_write64(base + i, 0);
}

void vq_set_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags)
{
	uint64_t d = q->desc + (uint64_t)(i % q->size) * 16;
	gl_write64(d, addr);
	gl_write32(d + 8, len);
	gl_write32(d + 12, flags); /* next 0: single descriptors only */
}

void vq_post(struct vq *q, uint16_t head)
{
	put16(q->avail + 4 + 2u * (q->avail_idx % q->size), head);
	gl_mb(); /* the entry before the index that publishes it */
	put16(q->avail + 2, ++q->avail_idx);
	gl_mb(); /* the index before the notification the caller writes */
}

int vq_take(struct vq *q, uint16_t *id, uint32_t *len)
{
	uint16_t used_idx = (uint16_t)(gl_read32(q->used) >> 16);
	uint16_t pending = (uint16_t)(used_idx - q->used_seen);

	if (!pending)
		return 0;
	if (pending > q->size)
		return -XEN_EIO;
	gl_mb(); /* the entry after the index that published it */
	uint64_t e = q->used + 4 + 8u * (q->used_seen % q->size);
	uint32_t elem_id = gl_read32(e);
	if (elem_id >= q->size)
		return -XEN_EIO;
	*id = (uint16_t)elem_id;
	*len = gl_read32(e + 4);
	q->used_seen++;
	return 1;
}
