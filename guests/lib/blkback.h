/* The PV block backend's request engine, free of rings and hypercalls: each request a frontend
 * queued is copied once, checked against the disk, its data moved and answered with a status. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "public/io/blkif.h"

/* Everything one request may carry: 11 pages. */
#define BLKBACK_BOUNCE_SIZE (BLKIF_MAX_SEGMENTS_PER_REQUEST * BLKIF_SECTORS_PER_PAGE * BLKIF_SECTOR_SIZE)

/* The disk and the frontend's grants, as the guest program (or a test) provides them. */
struct blkback_io {
	void *ctx;
	uint64_t sectors; /* the disk's size in 512-byte sectors */
	bool readonly;
	/* Moves @len bytes between @buf and the frontend's granted page @gref at byte @off (into the
	 * page for a read request, out of it for a write). 0, or -errno for a grant that does not
	 * work (the frontend's fault: the request fails, nothing else does). */
	int (*grant_copy)(void *ctx, grant_ref_t gref, unsigned off, void *buf, unsigned len, bool to_guest);
	int (*disk_read)(void *ctx, uint64_t sector, void *buf, unsigned nsect);
	int (*disk_write)(void *ctx, uint64_t sector, const void *buf, unsigned nsect);
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
 * between the checks and the use) with @bounce (BLKBACK_BOUNCE_SIZE bytes) for its data. A write
 * reaches the disk only when every one of its grants could be read. Returns the response status. */
int16_t blkback_execute(const struct blkback_io *io, const struct blkif_request *req, uint8_t *bounce,
			struct blkback_stats *st);
