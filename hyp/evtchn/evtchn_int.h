/* Event channels' internals shared by the port table (evtchn.c) and the operations (evtchn_ops.c):
 * port states, the per-domain table in buckets of 64 ports, locking and delivery. */
#pragma once

#include "core/spinlock.h"
#include "evtchn/evtchn.h"

enum evtchn_state {
	ECS_FREE,
	ECS_RESERVED, /* port 0 */
	ECS_UNBOUND,  /* waits for rdom to bind */
	ECS_INTERDOMAIN,
	ECS_VIRQ,
	ECS_IPI,
};

#define EVTCHN_BUCKET_PORTS 64u /* one 2-level word's worth: the table grows a bucket at a time */
#define EVTCHN_BUCKETS      (EVTCHN_2L_NR_CHANNELS / EVTCHN_BUCKET_PORTS)

struct evtchn_port {
	uint8_t state;  /* enum evtchn_state */
	uint8_t vcpu;   /* the vCPU notified */
	uint8_t virq;   /* ECS_VIRQ */
	domid_t rdom;   /* ECS_UNBOUND: who may bind; ECS_INTERDOMAIN: the peer */
	uint16_t rport; /* ECS_INTERDOMAIN: the peer's port */
};

struct evtchn_dom {
	spinlock_t lock;   /* every port's state and the table's growth */
	unsigned nr_valid; /* ports 0..nr_valid-1 exist: whole buckets */
	struct evtchn_port *bucket[EVTCHN_BUCKETS];
	uint16_t virq_port[DOMAIN_MAX_VCPUS][NR_VIRQS]; /* global VIRQs live in vCPU 0's row */
};

/*
 * Locking: a domain's own lock covers its ports. Links between domains (bind_interdomain, closing
 * an interdomain port, reset, teardown) and any operation on another domain's table also take the
 * global link lock first, so a linked peer cannot disappear under it; two domain locks are always
 * taken in domain-id order. A send takes only its own domain's lock: while it holds it the peer
 * cannot unlink (that needs this lock too), so the peer's table stays valid for delivery.
 */
extern spinlock_t evtchn_link_lock;

/* Per global VIRQ, the domain it is delivered to (the control domain that bound it), or NULL;
 * under the link lock, cleared when that port is freed. */
extern struct domain *evtchn_virq_handler[NR_VIRQS];
void evtchn_lock_pair(struct domain *a, struct domain *b);
void evtchn_unlock_pair(struct domain *a, struct domain *b);

/* The port's entry, or NULL if @port is beyond the table (Xen's -EINVAL). Under the table's lock. */
struct evtchn_port *evtchn_port(struct evtchn_dom *e, evtchn_port_t port);

/* A free port, growing the table if needed: the port or -XEN_ENOSPC / -XEN_ENOMEM. */
long evtchn_get_free_port(struct evtchn_dom *e);

/* Frees @port of @d, unlinking its peer's end (@peer locked too) or its VIRQ; under the link lock. */
void evtchn_free_port(struct domain *d, evtchn_port_t port, struct domain *peer);

/* Frees every port of @d but the reserved one; the caller holds the link lock. */
void evtchn_close_all(struct domain *d);

/* Single attempts at an update of guest-shared memory before the guest is paused for it (tests
 * set 0 to take the paused path every time). */
extern unsigned evtchn_guest_tries;

/* The 2-level delivery: pending bit, then unless masked the selector bit and the upcall of vCPU
 * @vcpu of @d. evtchn_unmask_port is the unmask side (a pending event now reaches its vCPU). */
void evtchn_set_pending(struct domain *d, unsigned vcpu, evtchn_port_t port);
void evtchn_unmask_port(struct domain *d, unsigned vcpu, evtchn_port_t port);

static inline bool evtchn_virq_is_global(unsigned virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}
