#include "evtchn/evtchn_int.h"

#include "dom/vcpu.h"
#include "hal/mmu.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "vgic/vgic.h"

spinlock_t evtchn_link_lock = SPINLOCK_INIT;
struct domain *evtchn_virq_handler[NR_VIRQS];

void evtchn_lock_pair(struct domain *a, struct domain *b)
{
	if (a == b) {
		spin_lock(&a->evtchn->lock);
		return;
	}
	struct domain *lo = a->id < b->id ? a : b, *hi = a->id < b->id ? b : a;
	spin_lock(&lo->evtchn->lock);
	spin_lock(&hi->evtchn->lock);
}

void evtchn_unlock_pair(struct domain *a, struct domain *b)
{
	spin_unlock(&a->evtchn->lock);
	if (a != b)
		spin_unlock(&b->evtchn->lock);
}

struct evtchn_port *evtchn_port(struct evtchn_dom *e, evtchn_port_t port)
{
	if (port >= __atomic_load_n(&e->nr_valid, __ATOMIC_ACQUIRE))
		return NULL;
	return &e->bucket[port / EVTCHN_BUCKET_PORTS][port % EVTCHN_BUCKET_PORTS];
}

long evtchn_get_free_port(struct evtchn_dom *e)
{
	for (unsigned p = 1; p < e->nr_valid; p++)
		if (e->bucket[p / EVTCHN_BUCKET_PORTS][p % EVTCHN_BUCKET_PORTS].state == ECS_FREE)
			return p;
	if (e->nr_valid >= EVTCHN_2L_NR_CHANNELS)
		return -XEN_ENOSPC;
	struct evtchn_port *b = heap_alloc(EVTCHN_BUCKET_PORTS * sizeof(*b));
	if (!b)
		return -XEN_ENOMEM;
	unsigned first = e->nr_valid;
	e->bucket[first / EVTCHN_BUCKET_PORTS] = b;
	/* Readers check the bound without the lock (evtchn_port): the bucket must be seen first. */
	__atomic_store_n(&e->nr_valid, first + EVTCHN_BUCKET_PORTS, __ATOMIC_RELEASE);
	return first;
}

int evtchn_domain_init(struct domain *d)
{
	struct evtchn_dom *e = heap_alloc(sizeof(*e));

	if (!e)
		return -XEN_ENOMEM;
	long port = evtchn_get_free_port(e); /* the first bucket; port 0 is never handed out */
	if (port < 0) {
		heap_free(e);
		return -XEN_ENOMEM;
	}
	e->bucket[0][0].state = ECS_RESERVED;
	d->evtchn = e;
	return 0;
}

/* shared_info's bitmaps, changed by the guest concurrently: every update is one atomic RMW. */
static struct shared_info *shared(struct domain *d) { return hal_pa_to_va(d->shared_info); }

unsigned evtchn_guest_tries = 16;
_Static_assert(__builtin_offsetof(struct vcpu_info, evtchn_upcall_pending) == 0, "upcall flag in the first word");

/* *@w = (*@w & @clear_mask) | @set on a word @d's guest shares with us; returns the old value. The
 * guest's other vCPUs may keep the line from us (an exclusive store has no progress guarantee, the
 * lesson of Xen's XSA-295), so single attempts are bounded; past them @d is paused and its vCPUs
 * made to exit, after which nothing contends and the update completes. */
static uint64_t guest_rmw(struct domain *d, uint64_t *w, uint64_t clear_mask, uint64_t set)
{
	uint64_t old = __atomic_load_n(w, __ATOMIC_RELAXED);

	for (unsigned i = 0; i < evtchn_guest_tries; i++)
		if (__atomic_compare_exchange_n(w, &old, (old & clear_mask) | set, true, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			return old;
	domain_pause(d);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		vcpu_kick(d->vcpu[i]);
	while (
	    !__atomic_compare_exchange_n(w, &old, (old & clear_mask) | set, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	domain_unpause(d);
	return old;
}

static bool test_and_set(struct domain *d, uint64_t *w, uint64_t bit) { return guest_rmw(d, w, ~0ull, bit) & bit; }

/* The selector bit of @word and the upcall of @v; the PPI only on the upcall's 0 -> 1 edge, as the
 * guest clears it before scanning. A vCPU without a vcpu_info (not yet registered) gets only the
 * pending bit: it finds it when it registers one. */
static void mark_word(struct domain *d, unsigned vcpu, unsigned word)
{
	if (vcpu >= d->nr_vcpus)
		return;
	struct vcpu *v = d->vcpu[vcpu];
	paddr_t pa = { __atomic_load_n(&v->vcpu_info.pa, __ATOMIC_ACQUIRE) };
	if (!pa_addr(pa))
		return;
	struct vcpu_info *vi = hal_pa_to_va(pa);
	if (test_and_set(d, &vi->evtchn_pending_sel, 1ull << word))
		return;
	/* evtchn_upcall_pending is the first byte of the 8-aligned vcpu_info (little-endian). */
	if (guest_rmw(d, (uint64_t *)vi, ~0xffull, 1) & 0xff)
		return;
	if (d->vgic)
		vgic_inject(d, v, DOMAIN_EVTCHN_PPI);
}

void evtchn_set_pending(struct domain *d, unsigned vcpu, evtchn_port_t port)
{
	struct shared_info *s = shared(d);
	unsigned w = port / 64;
	uint64_t bit = 1ull << (port % 64);

	if (test_and_set(d, &s->evtchn_pending[w], bit))
		return; /* already pending: the guest has not consumed the last one yet */
	if (__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit)
		return;
	mark_word(d, vcpu, w);
}

void evtchn_unmask_port(struct domain *d, unsigned vcpu, evtchn_port_t port)
{
	struct shared_info *s = shared(d);
	unsigned w = port / 64;
	uint64_t bit = 1ull << (port % 64);

	/* Order matters as in set_pending: clear the mask, then look at pending. */
	if ((guest_rmw(d, &s->evtchn_mask[w], ~bit, 0) & bit) &&
	    (__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit))
		mark_word(d, vcpu, w);
}

void evtchn_free_port(struct domain *d, evtchn_port_t port, struct domain *peer)
{
	struct evtchn_port *p = evtchn_port(d->evtchn, port);

	switch (p->state) {
	case ECS_VIRQ:
		d->evtchn->virq_port[evtchn_virq_is_global(p->virq) ? 0 : p->vcpu][p->virq] = 0;
		if (evtchn_virq_handler[p->virq] == d)
			evtchn_virq_handler[p->virq] = NULL;
		break;
	case ECS_INTERDOMAIN: {
		/* The peer's end waits again for a binding from us: Xen's rule. */
		struct evtchn_port *r = peer && peer->evtchn ? evtchn_port(peer->evtchn, p->rport) : NULL;
		if (r) {
			r->state = ECS_UNBOUND;
			r->rdom = d->id;
			r->rport = 0;
		}
		break;
	}
	default: break;
	}
	*p = (struct evtchn_port){ .state = ECS_FREE };
	/* A later binding of this port must not inherit an old event. */
	guest_rmw(d, &shared(d)->evtchn_pending[port / 64], ~(1ull << (port % 64)), 0);
}

void evtchn_close_all(struct domain *d)
{
	struct evtchn_dom *e = d->evtchn;

	for (evtchn_port_t port = 1; port < __atomic_load_n(&e->nr_valid, __ATOMIC_ACQUIRE); port++) {
		spin_lock(&e->lock);
		struct evtchn_port *p = evtchn_port(e, port);
		bool used = p->state != ECS_FREE;
		struct domain *peer = p->state == ECS_INTERDOMAIN ? domain_by_id(p->rdom) : d;
		spin_unlock(&e->lock);
		if (!used)
			continue;
		/* Links change only under the link lock we hold: the peer read above stays the peer. */
		evtchn_lock_pair(d, peer);
		evtchn_free_port(d, port, peer);
		evtchn_unlock_pair(d, peer);
	}
}

void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_dom *e = d->evtchn;

	if (!e)
		return;
	spin_lock(&evtchn_link_lock);
	evtchn_close_all(d);
	spin_lock(&e->lock);
	__atomic_store_n(&d->evtchn, NULL, __ATOMIC_RELEASE);
	spin_unlock(&e->lock);
	spin_unlock(&evtchn_link_lock);
	for (unsigned i = 0; i < EVTCHN_BUCKETS; i++)
		heap_free(e->bucket[i]);
	heap_free(e);
}

void evtchn_send_virq(struct vcpu *v, unsigned virq)
{
	struct domain *d = v->dom;
	struct evtchn_dom *e = d->evtchn;

	if (!e || virq >= NR_VIRQS)
		return;
	spin_lock(&e->lock);
	evtchn_port_t port = e->virq_port[evtchn_virq_is_global(virq) ? 0 : v->id][virq];
	if (port)
		evtchn_set_pending(d, evtchn_port(e, port)->vcpu, port);
	spin_unlock(&e->lock);
}

void evtchn_send_virq_global(unsigned virq)
{
	if (virq >= NR_VIRQS || !evtchn_virq_is_global(virq))
		return;
	/* The handler leaves the list under this lock before its table goes. */
	spin_lock(&evtchn_link_lock);
	struct domain *d = evtchn_virq_handler[virq];
	if (d) {
		spin_lock(&d->evtchn->lock);
		evtchn_port_t port = d->evtchn->virq_port[0][virq];
		if (port)
			evtchn_set_pending(d, evtchn_port(d->evtchn, port)->vcpu, port);
		spin_unlock(&d->evtchn->lock);
	}
	spin_unlock(&evtchn_link_lock);
}
