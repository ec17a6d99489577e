/* The PV block frontend's request tracking, free of rings and hypercalls: every request in flight
 * remembered by its id until the backend answers it, answers checked, and everything unanswered
 * issued again (granted anew) to the backend that replaces a dead one. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "public/io/blkif.h"
#include "public/xen.h"

/* The shared ring's size for a 4 KiB page: (4096 - 64) / 112 rounded down to a power of two. */
#define BLKFRONT_MAX_INFLIGHT 32u

/* One page of a request's buffer: the guest frame and the 512-byte sectors of it to move. */
struct blkfront_seg {
	uint64_t gfn;
	uint8_t first_sect, last_sect;
};

/* Called once per request with the backend's status (BLKIF_RSP_*). */
typedef void (*blkfront_done)(void *arg, int16_t status);

/* The grants and the ring, as the guest program (or a test) provides them. */
struct blkfront_ops {
	void *ctx;
	/* Grants @gfn to domain @backend (read-only when the backend only reads it): a ref, or -errno. */
	int (*grant)(void *ctx, domid_t backend, uint64_t gfn, bool readonly);
	/* Ends the grant; -errno while the backend still has it mapped. */
	int (*ungrant)(void *ctx, grant_ref_t ref);
	/* Puts the request on the ring (the caller notifies once per batch); -errno when full. */
	int (*queue)(void *ctx, const struct blkif_request *req);
};

struct blkfront_shadow {
	bool busy;
	bool granted; /* its pages are granted to the current backend */
	bool sent;    /* it was queued to a backend at least once */
	uint16_t gen; /* bumped on reuse, so a stale id no longer matches */
	uint64_t seq; /* submission order, for reissue */
	struct blkif_request req;
	struct blkfront_seg seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
	blkfront_done done;
	void *arg;
};

struct blkfront {
	struct blkfront_ops ops;
	domid_t backend;
	bool connected;
	uint64_t next_seq;
	unsigned inflight;
	struct blkfront_shadow shadow[BLKFRONT_MAX_INFLIGHT];
	uint64_t bad_responses, reissued; /* responses dropped; requests sent to a second backend */
};

void blkfront_init(struct blkfront *f, const struct blkfront_ops *ops);

/* The backend @backend's ring is ready: requests go to it from now on. Everything still in flight
 * (issued to a previous backend and never answered, or taken while disconnected) is granted to
 * @backend and queued, in the order it was submitted. Returns how many were queued, or -errno;
 * those a previous backend had already been sent count in @reissued. */
int blkfront_connect(struct blkfront *f, domid_t backend);

/* The backend went away: nothing is queued until the next blkfront_connect; the grants of
 * requests in flight are ended where the hypervisor lets us (the old backend's mappings die with
 * it). */
void blkfront_disconnect(struct blkfront *f);

/* Takes a read or write of @nseg pages at @sector (a flush: @nseg 0) and queues it when connected
 * (while disconnected it waits for blkfront_connect). Returns the request's id, or -XEN_EBUSY when
 * BLKFRONT_MAX_INFLIGHT are in flight, -XEN_EINVAL for a malformed request, or the grant's or
 * queue's error (the request is then not taken). */
int64_t blkfront_submit(struct blkfront *f, uint8_t op, uint64_t sector, const struct blkfront_seg *seg, unsigned nseg,
			blkfront_done done, void *arg);

/* One response off the ring: matched to its request by id (and operation), the grants ended, the
 * callback run. A response naming no request in flight is counted and dropped: -XEN_EINVAL. */
int blkfront_complete(struct blkfront *f, const struct blkif_response *rsp);

struct ring_front;

/* Takes every response the backend has put on @ring and completes its request (blkfront_complete),
 * looking again after asking for an event (final check). Returns how many completed, or -XEN_EIO
 * when the backend broke the ring (the caller disconnects it). */
int blkfront_poll(struct blkfront *f, struct ring_front *ring);
