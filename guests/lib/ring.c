/* The request/response ring: the two ends share the page, nothing else. Every index read from the
 * page is the peer's claim, checked against this end's own count before any slot is touched. */
#include "lib/ring.h"

#include "lib/guest.h"
#include "public/errno.h"

static RING_IDX idx_read(uint64_t sring, unsigned off) { return gl_read32(sring + off); }
static void idx_write(uint64_t sring, unsigned off, RING_IDX v) { gl_write32(sring + off, v); }

static uint64_t slot_at(uint64_t sring, uint32_t slots, uint32_t slot_size, RING_IDX i)
{
	return sring + RING_HDR_SIZE + (uint64_t)(i & (slots - 1)) * slot_size;
}

void ring_shared_init(uint64_t sring, RING_IDX start)
{
	idx_write(sring, RING_OFF_REQ_PROD, start);
	idx_write(sring, RING_OFF_REQ_EVENT, start + 1);
	idx_write(sring, RING_OFF_RSP_PROD, start);
	idx_write(sring, RING_OFF_RSP_EVENT, start + 1);
	gl_mb();
}

static int geometry(uint64_t sring, size_t page_size, size_t slot_size, uint64_t *at, uint32_t *slots, uint32_t *size)
{
	*slots = ring_slots(page_size, slot_size);
	if (!*slots)
		return -XEN_EINVAL;
	*at = sring;
	*size = (uint32_t)slot_size;
	return 0;
}

int ring_front_attach(struct ring_front *f, uint64_t sring, size_t page_size, size_t slot_size)
{
	*f = (struct ring_front){ 0 };
	if (geometry(sring, page_size, slot_size, &f->sring, &f->slots, &f->slot_size))
		return -XEN_EINVAL;
	f->req_prod_pvt = idx_read(sring, RING_OFF_REQ_PROD);
	f->rsp_cons = idx_read(sring, RING_OFF_RSP_PROD);
	return 0;
}

int ring_back_attach(struct ring_back *b, uint64_t sring, size_t page_size, size_t slot_size)
{
	*b = (struct ring_back){ 0 };
	if (geometry(sring, page_size, slot_size, &b->sring, &b->slots, &b->slot_size))
		return -XEN_EINVAL;
	b->rsp_prod_pvt = b->req_cons = idx_read(sring, RING_OFF_RSP_PROD);
	return 0;
}

/* Publishes @prod at @prod_off; the peer wants an event once its index at @event_off is passed.
 * The data goes out before the index, and the event index is read only after the index is out, so
 * a consumer arming it concurrently either sees the new index or is notified. */
static bool publish(uint64_t sring, unsigned prod_off, unsigned event_off, RING_IDX prod)
{
	RING_IDX old = idx_read(sring, prod_off);

	gl_mb();
	idx_write(sring, prod_off, prod);
	gl_mb();
	RING_IDX event = idx_read(sring, event_off);
	return (RING_IDX)(prod - event) < (RING_IDX)(prod - old);
}

uint32_t ring_front_free(const struct ring_front *f)
{
	return f->broken ? 0 : f->slots - (RING_IDX)(f->req_prod_pvt - f->rsp_cons);
}

int ring_front_put(struct ring_front *f, const void *req, size_t len)
{
	if (f->broken)
		return -XEN_EIO;
	if (len > f->slot_size)
		return -XEN_EINVAL;
	if (!ring_front_free(f))
		return -XEN_EBUSY;
	gl_copy_to(slot_at(f->sring, f->slots, f->slot_size, f->req_prod_pvt), req, len);
	f->req_prod_pvt++;
	return 0;
}

bool ring_front_push(struct ring_front *f)
{
	return !f->broken && publish(f->sring, RING_OFF_REQ_PROD, RING_OFF_REQ_EVENT, f->req_prod_pvt);
}

/* Responses the backend claims, or -1 when it claims more than there are requests outstanding. */
static long front_unconsumed(struct ring_front *f)
{
	RING_IDX rp = idx_read(f->sring, RING_OFF_RSP_PROD), n = rp - f->rsp_cons;

	if (n > (RING_IDX)(f->req_prod_pvt - f->rsp_cons)) {
		f->broken = true;
		return -1;
	}
	return n;
}

int ring_front_take(struct ring_front *f, void *rsp, size_t len)
{
	if (f->broken)
		return -XEN_EIO;
	if (len > f->slot_size)
		return -XEN_EINVAL;
	long n = front_unconsumed(f);
	if (n <= 0)
		return n < 0 ? -XEN_EIO : 0;
	gl_mb(); /* the slot is read only after the index that covers it */
	gl_copy_from(slot_at(f->sring, f->slots, f->slot_size, f->rsp_cons), rsp, len);
	f->rsp_cons++;
	return 1;
}

bool ring_front_final_check(struct ring_front *f)
{
	if (f->broken)
		return false;
	if (front_unconsumed(f))
		return true;
	idx_write(f->sring, RING_OFF_RSP_EVENT, f->rsp_cons + 1);
	gl_mb();
	return front_unconsumed(f) != 0;
}

/* Requests the frontend claims beyond those taken, or -1 when its req_prod is more than a ring
 * ahead of the responses (it cannot have put those) or fell behind what was already taken. */
static long back_unconsumed(struct ring_back *b)
{
	RING_IDX rp = idx_read(b->sring, RING_OFF_REQ_PROD);
	RING_IDX ahead = rp - b->rsp_prod_pvt, taken = b->req_cons - b->rsp_prod_pvt;

	if (ahead > b->slots || ahead < taken) {
		b->broken = true;
		return -1;
	}
	return ahead - taken;
}

int ring_back_take(struct ring_back *b, void *req, size_t len)
{
	if (b->broken)
		return -XEN_EIO;
	if (len > b->slot_size)
		return -XEN_EINVAL;
	long n = back_unconsumed(b);
	if (n <= 0)
		return n < 0 ? -XEN_EIO : 0;
	gl_mb();
	gl_copy_from(slot_at(b->sring, b->slots, b->slot_size, b->req_cons), req, len);
	b->req_cons++;
	return 1;
}

int ring_back_put(struct ring_back *b, const void *rsp, size_t len)
{
	if (b->broken)
		return -XEN_EIO;
	if (len > b->slot_size || b->rsp_prod_pvt == b->req_cons)
		return -XEN_EINVAL;
	gl_copy_to(slot_at(b->sring, b->slots, b->slot_size, b->rsp_prod_pvt), rsp, len);
	b->rsp_prod_pvt++;
	return 0;
}

bool ring_back_push(struct ring_back *b)
{
	return !b->broken && publish(b->sring, RING_OFF_RSP_PROD, RING_OFF_RSP_EVENT, b->rsp_prod_pvt);
}

bool ring_back_final_check(struct ring_back *b)
{
	if (b->broken)
		return false;
	if (back_unconsumed(b))
		return true;
	idx_write(b->sring, RING_OFF_REQ_EVENT, b->req_cons + 1);
	gl_mb();
	return back_unconsumed(b) != 0;
}
