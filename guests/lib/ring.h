/* Shared rings from either end, in either world: slots copied between the caller's buffers and the
 * shared page (never read in place), indices published with event-index notification suppression,
 * and every index the peer writes checked before it is used: a broken peer is cut off, never
 * followed out of the ring. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/io/ring.h"

/* The shared page holds only the peer-visible state; these are each end's own. */
struct ring_front {
	uint64_t sring; /* the shared page's guest address */
	uint32_t slots, slot_size;
	RING_IDX req_prod_pvt; /* requests put, pushed or not */
	RING_IDX rsp_cons;     /* responses taken */
	bool broken;
};

struct ring_back {
	uint64_t sring;
	uint32_t slots, slot_size;
	RING_IDX rsp_prod_pvt; /* responses put, pushed or not */
	RING_IDX req_cons;     /* requests taken */
	bool broken;
};

/* A fresh ring (the frontend's job before it hands the page over): both producers at @start (0
 * normally; tests start near 2^32), both event indices one past it. */
void ring_shared_init(uint64_t sring, RING_IDX start);

/* Each end takes up the ring where the header says it is: the frontend at req_prod/rsp_prod, the
 * backend with everything up to rsp_prod answered. -XEN_EINVAL when @slot_size leaves no slot in
 * @page_size (see ring_slots). */
int ring_front_attach(struct ring_front *f, uint64_t sring, size_t page_size, size_t slot_size);
int ring_back_attach(struct ring_back *b, uint64_t sring, size_t page_size, size_t slot_size);

/* Frontend. Free slots: requests it may still put before responses come back. */
uint32_t ring_front_free(const struct ring_front *f);
/* Copies @len (<= slot_size) bytes of a request into the next slot, unpublished. 0; -XEN_EBUSY
 * when full; -XEN_EINVAL for @len; -XEN_EIO once the ring is broken. */
int ring_front_put(struct ring_front *f, const void *req, size_t len);
/* Publishes the requests put so far. True when the backend asked to be told (its req_event lies in
 * the pushed range): notify its event channel then, and only then. */
bool ring_front_push(struct ring_front *f);
/* The next response, @len bytes of its slot copied to @rsp: 1; 0 when none is there; -XEN_EIO when
 * the backend's rsp_prod claims more responses than requests were put (the ring is then broken). */
int ring_front_take(struct ring_front *f, void *rsp, size_t len);
/* Before waiting: asks for an event at the next response (rsp_event) and looks again, so a
 * response that raced with the request is not slept through. True: take before waiting. */
bool ring_front_final_check(struct ring_front *f);

/* Backend, the mirror image. Take: -XEN_EIO when req_prod is more than a ring ahead of the
 * responses or went back behind what was taken. Put: -XEN_EINVAL when every taken request has
 * been answered already. */
int ring_back_take(struct ring_back *b, void *req, size_t len);
int ring_back_put(struct ring_back *b, const void *rsp, size_t len);
bool ring_back_push(struct ring_back *b);
bool ring_back_final_check(struct ring_back *b);

/* A byte ring (the console's in/out, the xenstore page's req/rsp): @size bytes (a power of two) at
 * @buf and the two free-running indices at @cons and @prod, all guest addresses. */
struct ring_bytes {
	uint64_t buf;
	uint32_t size;
	uint64_t cons, prod;
};

/* Producer: copies as much of @data as fits and publishes it. The bytes written (0 when full), or
 * -XEN_EIO when prod - cons exceeds the ring (whichever end scribbled on them). */
int ring_bytes_write(const struct ring_bytes *r, const void *data, size_t len);
/* Consumer: up to @len bytes, consumed. The bytes read, or -XEN_EIO as above. */
int ring_bytes_read(const struct ring_bytes *r, void *data, size_t len);
/* Bytes waiting for the consumer, -XEN_EIO as above. */
int ring_bytes_pending(const struct ring_bytes *r);
