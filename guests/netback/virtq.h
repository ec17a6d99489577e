/* A virtio split virtqueue from the driver's side (virtio 1.1, 2.6): descriptor table, available
 * ring and used ring in this domain's RAM, the device's used entries checked before they are used. */
#pragma once

#include <stdint.h>

#define VQ_DESC_F_NEXT  1u
#define VQ_DESC_F_WRITE 2u /* the device writes the buffer (receive) */

/* RAM a queue of up to 64 entries takes at vq_init's @base: descriptors (16 bytes each) at 0, the
 * available ring at 1 KiB, the used ring at 2 KiB (both need only 2- and 4-byte alignment). */
#define VQ_MAX   64u
#define VQ_BYTES 4096u

struct vq {
	uint64_t desc, avail, used; /* guest addresses, which the device is given (bus == IPA) */
	uint16_t size;
	uint16_t avail_idx; /* the next free slot of the available ring, free-running */
	uint16_t used_seen; /* used entries consumed, free-running */
};

/* Lays out and clears a queue of @size entries (a power of two, 1..VQ_MAX) at @base. */
void vq_init(struct vq *q, uint64_t base, uint16_t size);

/* Descriptor @i (< size) now names @len bytes at @addr. */
void vq_set_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags);

/* Makes the chain headed by descriptor @head available: the ring entry first, then, after a
 * barrier, the index the device reads. The caller notifies the device. */
void vq_post(struct vq *q, uint16_t head);

/* The next used entry: 1 with its descriptor @id and the bytes the device wrote in @len, 0 when
 * there is none, -XEN_EIO when the device is broken (its index more than a ring ahead of ours, or an
 * id beyond the table): the entry is not consumed then. */
int vq_take(struct vq *q, uint16_t *id, uint32_t *len);
