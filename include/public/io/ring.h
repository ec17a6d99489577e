/* The shared request/response ring of Xen's io/ring.h, as laid out in a granted page: a 64-byte
 * header of four free-running 32-bit indices, then a power-of-two array of request/response slots. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef uint32_t RING_IDX;

/* The header. req_prod/rsp_prod: how many requests/responses were ever produced (indices wrap at
 * 2^32 and are masked by the ring size); req_event/rsp_event: the index at which the consumer
 * wants an event, so a producer notifies only when its push crosses it. */
struct ring_sring_hdr {
	RING_IDX req_prod, req_event;
	RING_IDX rsp_prod, rsp_event;
	uint8_t pad[48];
};
_Static_assert(sizeof(struct ring_sring_hdr) == 64, "shared ring header layout");

#define RING_HDR_SIZE      64u
#define RING_OFF_REQ_PROD  0u
#define RING_OFF_REQ_EVENT 4u
#define RING_OFF_RSP_PROD  8u
#define RING_OFF_RSP_EVENT 12u

/* Slots in a ring of @page_size bytes whose slot (the union of request and response) is @slot
 * bytes: the largest power of two that fits after the header, 0 if none does. */
static inline uint32_t ring_slots(size_t page_size, size_t slot)
{
	size_t fit = slot && page_size > RING_HDR_SIZE ? (page_size - RING_HDR_SIZE) / slot : 0;
	uint32_t n = 1;

	if (!fit)
		return 0;
	while ((size_t)n * 2 <= fit && n < 0x80000000u)
		n *= 2;
	return n;
}
