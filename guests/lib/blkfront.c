#include "lib/blkfront.h"

#include <string.h>

#include "public/errno.h"

/* An id names the shadow slot and its generation: a response to a request already answered (or
 * from before the slot was reused) names no request in flight. */
#define ID_SLOT(id) ((unsigned)((id)&0xffu))
#define ID_GEN(id)  ((uint16_t)((id) >> 8))

void blkfront_init(struct blkfront *f, const struct blkfront_ops *ops)
{
	memset(f, 0, sizeof(*f));
	f->ops = *ops;
	f->backend = DOMID_INVALID;
}

static void ungrant(struct blkfront *f, struct blkfront_shadow *s)
{
	if (!s->granted)
		return;
	for (unsigned i = 0; i < s->req.nr_segments; i++)
		f->ops.ungrant(f->ops.ctx, s->req.seg[i].gref);
	s->granted = false;
}

/* Grants the request's pages to the current backend and queues it. On failure nothing of it stays
 * granted. */
static int issue(struct blkfront *f, struct blkfront_shadow *s)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < s->req.nr_segments; i++) {
		rc = f->ops.grant(f->ops.ctx, f->backend, s->seg[i].gfn, s->req.operation == BLKIF_OP_WRITE);
		if (rc < 0)
			break;
		s->req.seg[i].gref = (grant_ref_t)rc;
		rc = 0;
	}
	rc = rc ?: f->ops.queue(f->ops.ctx, &s->req);
	if (rc) {
		while (i-- > 0)
			f->ops.ungrant(f->ops.ctx, s->req.seg[i].gref);
	}
	s->granted = rc == 0;
	if (!rc && s->sent)
		f->reissued++;
	s->sent |= rc == 0;
	return rc;
}

int64_t blkfront_submit(struct blkfront *f, uint8_t op, uint64_t sector, const struct blkfront_seg *seg, unsigned nseg,
			blkfront_done done, void *arg)
{
	unsigned slot;

	if (op == BLKIF_OP_FLUSH_DISKCACHE
		? nseg != 0
		: (op != BLKIF_OP_READ && op != BLKIF_OP_WRITE) || nseg == 0 || nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return -XEN_EINVAL;
	for (unsigned i = 0; i < nseg; i++)
		if (seg[i].first_sect > seg[i].last_sect || seg[i].last_sect >= BLKIF_SECTORS_PER_PAGE)
			return -XEN_EINVAL;
	for (slot = 0; slot < BLKFRONT_MAX_INFLIGHT && f->shadow[slot].busy; slot++)
		;
	if (slot == BLKFRONT_MAX_INFLIGHT)
		return -XEN_EBUSY;

	struct blkfront_shadow *s = &f->shadow[slot];
	uint16_t gen = (uint16_t)(s->gen + 1u);
	*s = (struct blkfront_shadow){ .gen = gen, .done = done, .arg = arg };
	s->req.operation = op;
	s->req.nr_segments = (uint8_t)nseg;
	s->req.id = slot | (uint64_t)gen << 8;
	s->req.sector_number = sector;
	for (unsigned i = 0; i < nseg; i++) {
		s->seg[i] = seg[i];
		s->req.seg[i].first_sect = seg[i].first_sect;
		s->req.seg[i].last_sect = seg[i].last_sect;
	}
	if (f->connected) {
		int rc = issue(f, s);
		if (rc)
			return rc;
	}
	s->busy = true;
	s->seq = f->next_seq++;
	f->inflight++;
	return (int64_t)s->req.id;
}

int blkfront_complete(struct blkfront *f, const struct blkif_response *rsp)
{
	struct blkfront_shadow *s = &f->shadow[ID_SLOT(rsp->id) % BLKFRONT_MAX_INFLIGHT];

	if (!f->connected || rsp->id >> 24 || ID_SLOT(rsp->id) >= BLKFRONT_MAX_INFLIGHT || !s->busy ||
	    ID_GEN(rsp->id) != s->gen || rsp->operation != s->req.operation) {
		f->bad_responses++;
		return -XEN_EINVAL;
	}
	ungrant(f, s);
	s->busy = false;
	f->inflight--;
	if (s->done)
		s->done(s->arg, rsp->status);
	return 0;
}

void blkfront_disconnect(struct blkfront *f)
{
	if (!f->connected)
		return;
	f->connected = false;
	for (unsigned i = 0; i < BLKFRONT_MAX_INFLIGHT; i++)
		if (f->shadow[i].busy)
			ungrant(f, &f->shadow[i]);
}

int blkfront_connect(struct blkfront *f, domid_t backend)
{
	uint64_t from = 0;
	int n = 0;

	blkfront_disconnect(f);
	f->backend = backend;
	f->connected = true;
	/* Oldest first: a later write to the same sectors must land after an earlier one. */
	for (;;) {
		struct blkfront_shadow *next = NULL;
		for (unsigned i = 0; i < BLKFRONT_MAX_INFLIGHT; i++) {
			struct blkfront_shadow *s = &f->shadow[i];
			if (s->busy && s->seq >= from && (!next || s->seq < next->seq))
				next = s;
		}
		if (!next)
			break;
		from = next->seq + 1;
		int rc = issue(f, next);
		if (rc) {
			blkfront_disconnect(f);
			return rc;
		}
		n++;
	}
	return n;
}
