/* Event channels, Xen's 2-level ABI: each domain's port table, the EVTCHNOP operations with Xen's
 * errnos, and delivery through shared_info's bitmaps and the vcpu_info upcall (PPI 31 via the vGIC). */
#pragma once

#include "dom/domain.h"
#include "public/event_channel.h"

/* A domain's port table (port 0 reserved); -XEN_ENOMEM if it cannot be allocated. */
int evtchn_domain_init(struct domain *d);

/* Closes every port of @d (the peers of its interdomain ports see them unbound again) and frees
 * the table. No vCPU of @d runs; after it returns nothing is ever delivered to @d again. */
void evtchn_domain_destroy(struct domain *d);

/* Raises VIRQ @virq for @v (a global VIRQ: for its domain, wherever it is bound); nothing if unbound. */
void evtchn_send_virq(struct vcpu *v, unsigned virq);

/* Raises global VIRQ @virq (VIRQ_DOM_EXC...) in the control domain that bound it, as Xen sends
 * them to their handler; nothing if none did. Takes the link lock: not from under a table's lock. */
void evtchn_send_virq_global(unsigned virq);

/*
 * The operations, @caller being the domain that asks. Arguments as the guest passed them; OUT
 * fields are filled on success. Each returns 0 or a negative Xen errno.
 */
long evtchn_alloc_unbound(struct domain *caller, struct evtchn_alloc_unbound *a);
long evtchn_bind_interdomain(struct domain *caller, struct evtchn_bind_interdomain *b);
long evtchn_bind_virq(struct domain *caller, struct evtchn_bind_virq *b);
long evtchn_bind_ipi(struct domain *caller, struct evtchn_bind_ipi *b);
long evtchn_bind_vcpu(struct domain *caller, const struct evtchn_bind_vcpu *b);
long evtchn_close(struct domain *caller, evtchn_port_t port);
long evtchn_send(struct domain *caller, evtchn_port_t port);
long evtchn_status(struct domain *caller, struct evtchn_status *s);
long evtchn_unmask(struct domain *caller, evtchn_port_t port);
long evtchn_reset(struct domain *caller, domid_t dom);
