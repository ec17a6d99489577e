/* The PV block backend's request engine, free of rings and hypercalls: each request a frontend
 * queued is copied once, checked against the disk, its data moved and answered with a status. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "public/io/blkif.h"

/* Everything one request may carry, 11 pages: the bounce area the glue provides, where a request's
 * data waits between the frontend's pages and the disk (so a write reaches the disk only once all
 * of its pages were read). The engine only names offsets in it: the data never passes through C
 * memory, since in a guest the area is guest RAM reached by guest copies. */
#define BLKBACK_BOUNCE_SIZE (BLKIF_MAX_SEGMENTS_PER_REQUEST * BLKIF_SECTORS_PER_PAGE * BLKIF_SECTOR_SIZE)

/* The disk and the frontend's grants, as the guest program (or a test) provides them. */
struct blkback_io {
	void *ctx;
	uint64_t sectors; /* the disk's size in 512-byte sectors */
	bool readonly;
	/* Moves @len bytes between the bounce area at @boff and the frontend's granted page @gref at
	 * byte @off (into the page for a read request, out of it for a write). 0, or -errno for a
	 * grant that does not work (the frontend's fault: the request fails, nothing else does). */
	int (*grant_copy)(void *ctx, grant_ref_t gref, unsigned off, size_t boff, unsigned len, bool to_guest);
	/* @nsect sectors from @sector of the disk to the bounce area at @boff, and back. */
	int (*disk_read)(void *ctx, uint64_t sector, size_t boff, unsigned nsect);
	int (*disk_write)(void *ctx, uint64_t sector, size_t boff, unsigned nsect);
	int (*disk_flush)(void *ctx); /* NULL: the disk has no cache to flush */
};

struct blkback_stats {
	uint64_t reads, writes, flushes, sectors_read, sectors_written;
	uint64_t bad_requests; /* malformed: answered BLKIF_RSP_ERROR / EOPNOTSUPP */
	uint64_t io_errors;    /* grant or disk failures */
};

/* How many 512-byte sectors the request covers, after checking it against a disk of @sectors:
 * 1..11 segments (0 for a flush), first_sect <= last_sect <= 7 in each, the whole range on the
 * disk. BLKIF_RSP_OKAY, BLKIF_RSP_ERROR for a malformed request, BLKIF_RSP_EOPNOTSUPP for an
 * operation the backend does not do. */
int blkback_check(const struct blkif_request *req, uint64_t sectors, unsigned *nsect);

/* Executes one request (already copied out of the shared ring, so the frontend cannot change it
 * between the checks and the use). A write reaches the disk only when every one of its grants could
 * be read. Returns the response status. */
int16_t blkback_execute(const struct blkback_io *io, const struct blkif_request *req, struct blkback_stats *st);

struct ring_back;

/* Serves every request the frontend has queued on @ring: each taken (copied out), executed and
 * answered in order, the responses pushed once per batch, and the ring looked at again before
 * returning so that a request queued meanwhile is not left waiting for an event that will not come.
 * *@notify is set when the frontend asked for an event. Returns how many requests were served, or
 * -XEN_EIO when the frontend broke the ring (the caller disconnects it). */
int blkback_serve(struct ring_back *ring, const struct blkback_io *io, struct blkback_stats *st, bool *notify);
