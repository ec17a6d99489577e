#include "lib/blkback.h"

#include "public/errno.h"

int blkback_check(const struct blkif_request *req, uint64_t sectors, unsigned *nsect)
{
	unsigned n = 0;

	*nsect = 0;
	switch (req->operation) {
	case BLKIF_OP_FLUSH_DISKCACHE: return req->nr_segments == 0 ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE: break;
	default: return BLKIF_RSP_EOPNOTSUPP;
	}
	if (req->nr_segments == 0 || req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return BLKIF_RSP_ERROR;
	for (unsigned i = 0; i < req->nr_segments; i++) {
		const struct blkif_request_segment *s = &req->seg[i];
		if (s->first_sect > s->last_sect || s->last_sect >= BLKIF_SECTORS_PER_PAGE)
			return BLKIF_RSP_ERROR;
		n += s->last_sect - s->first_sect + 1u;
	}
	/* Written so that no sum can wrap: sector_number is the frontend's, any 64-bit value. */
	if (req->sector_number > sectors || n > sectors - req->sector_number)
		return BLKIF_RSP_ERROR;
	*nsect = n;
	return BLKIF_RSP_OKAY;
}

/* Each segment's bytes, in order, between the frontend's pages and the bounce buffer. */
static int move_segments(const struct blkback_io *io, const struct blkif_request *req, bool to_guest)
{
	size_t boff = 0;

	for (unsigned i = 0; i < req->nr_segments; i++) {
		const struct blkif_request_segment *s = &req->seg[i];
		unsigned len = (s->last_sect - s->first_sect + 1u) * BLKIF_SECTOR_SIZE;
		int rc = io->grant_copy(io->ctx, s->gref, s->first_sect * BLKIF_SECTOR_SIZE, boff, len, to_guest);
		if (rc)
			return rc;
		boff += len;
	}
	return 0;
}

static int16_t fail(struct blkback_stats *st) { return st->io_errors++, BLKIF_RSP_ERROR; }

int16_t blkback_execute(const struct blkback_io *io, const struct blkif_request *req, struct blkback_stats *st)
{
	unsigned n;
	int rc = blkback_check(req, io->sectors, &n);

	if (rc == BLKIF_RSP_OKAY && req->operation == BLKIF_OP_WRITE && io->readonly)
		rc = BLKIF_RSP_ERROR;
	if (rc != BLKIF_RSP_OKAY) {
		st->bad_requests++;
		return (int16_t)rc;
	}
	switch (req->operation) {
	case BLKIF_OP_FLUSH_DISKCACHE:
		st->flushes++;
		return io->disk_flush && io->disk_flush(io->ctx) ? fail(st) : BLKIF_RSP_OKAY;
	case BLKIF_OP_READ:
		if (io->disk_read(io->ctx, req->sector_number, 0, n) || move_segments(io, req, true))
			return fail(st);
		st->reads++;
		st->sectors_read += n;
		return BLKIF_RSP_OKAY;
	default: /* BLKIF_OP_WRITE: blkback_check let nothing else through */
		if (move_segments(io, req, false) || io->disk_write(io->ctx, req->sector_number, 0, n))
			return fail(st);
		st->writes++;
		st->sectors_written += n;
		return BLKIF_RSP_OKAY;
	}
}
