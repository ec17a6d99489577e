/* The EVTCHNOP operations on the port table, with Xen's checks in Xen's order. */
#include "evtchn/evtchn_int.h"

#include "public/errno.h"

/* The domain @dom names for @caller (DOMID_SELF allowed), or NULL; a foreign one referenced
 * (put_target), taken before the link lock since the last put may tear the domain down, which
 * takes that lock. Its table is used only under the link lock, which its teardown takes before
 * freeing it; the reference keeps the struct that says whether the table is still there. */
static struct domain *get_target(struct domain *caller, domid_t dom)
{
	return dom == DOMID_SELF || dom == caller->id ? caller : domain_get(dom);
}

static void put_target(struct domain *caller, struct domain *d)
{
	if (d && d != caller)
		domain_put(d);
}

/* Under the link lock: whether @d (got with get_target) still has a table. */
static bool has_table(struct domain *d) { return d && __atomic_load_n(&d->evtchn, __ATOMIC_ACQUIRE); }

/* Xen's XSM_TARGET default: a domain acts on itself; the control domain on anyone. */
static bool may_act_on(struct domain *caller, struct domain *d) { return d == caller || caller->privileged; }

/* Locks a possibly foreign @d for an operation on its table: the link lock too when foreign. */
static struct domain *lock_target(struct domain *caller, domid_t dom)
{
	struct domain *d = get_target(caller, dom);

	if (d == caller) {
		spin_lock(&caller->evtchn->lock);
		return caller;
	}
	spin_lock(&evtchn_link_lock);
	if (!has_table(d)) {
		spin_unlock(&evtchn_link_lock);
		put_target(caller, d);
		return NULL;
	}
	spin_lock(&d->evtchn->lock);
	return d;
}

static void unlock_target(struct domain *caller, struct domain *d)
{
	spin_unlock(&d->evtchn->lock);
	if (d != caller) {
		spin_unlock(&evtchn_link_lock);
		put_target(caller, d);
	}
}

long evtchn_alloc_unbound(struct domain *caller, struct evtchn_alloc_unbound *a)
{
	struct domain *d = lock_target(caller, a->dom);

	if (!d)
		return -XEN_ESRCH;
	long port = evtchn_get_free_port(d->evtchn);
	if (port >= 0 && !may_act_on(caller, d))
		port = -XEN_EPERM;
	if (port >= 0) {
		struct evtchn_port *p = evtchn_port(d->evtchn, (evtchn_port_t)port);
		/* DOMID_SELF names the caller, not the port's owner (they differ for the control domain). */
		*p = (struct evtchn_port){ .state = ECS_UNBOUND,
					   .rdom = a->remote_dom == DOMID_SELF ? caller->id : a->remote_dom };
		a->port = (evtchn_port_t)port;
	}
	unlock_target(caller, d);
	return port < 0 ? port : 0;
}

long evtchn_bind_interdomain(struct domain *caller, struct evtchn_bind_interdomain *b)
{
	struct domain *ld = caller;
	struct domain *rd = get_target(caller, b->remote_dom);

	spin_lock(&evtchn_link_lock);
	if (!has_table(rd)) {
		spin_unlock(&evtchn_link_lock);
		put_target(caller, rd);
		return -XEN_ESRCH;
	}
	evtchn_lock_pair(ld, rd);
	long lport = evtchn_get_free_port(ld->evtchn);
	struct evtchn_port *r = evtchn_port(rd->evtchn, b->remote_port);
	if (lport >= 0 && (!r || r->state != ECS_UNBOUND || r->rdom != ld->id))
		lport = -XEN_EINVAL;
	if (lport >= 0) {
		struct evtchn_port *l = evtchn_port(ld->evtchn, (evtchn_port_t)lport);
		*l =
		    (struct evtchn_port){ .state = ECS_INTERDOMAIN, .rdom = rd->id, .rport = (uint16_t)b->remote_port };
		r->state = ECS_INTERDOMAIN;
		r->rport = (uint16_t)lport;
		/* Sends to the unbound end were dropped: one event now makes up for any of them. */
		evtchn_set_pending(ld, l->vcpu, (evtchn_port_t)lport);
		b->local_port = (evtchn_port_t)lport;
	}
	evtchn_unlock_pair(ld, rd);
	spin_unlock(&evtchn_link_lock);
	put_target(caller, rd);
	return lport < 0 ? lport : 0;
}

long evtchn_bind_virq(struct domain *caller, struct evtchn_bind_virq *b)
{
	struct evtchn_dom *e = caller->evtchn;

	if (b->virq >= NR_VIRQS)
		return -XEN_EINVAL;
	if (evtchn_virq_is_global(b->virq) && b->vcpu != 0)
		return -XEN_EINVAL;
	if (b->vcpu >= caller->nr_vcpus)
		return -XEN_ENOENT;
	/* A global VIRQ's handler is listed under the link lock (evtchn_send_virq_global). */
	bool global = evtchn_virq_is_global(b->virq);
	if (global)
		spin_lock(&evtchn_link_lock);
	spin_lock(&e->lock);
	long port = e->virq_port[b->vcpu][b->virq] ? -XEN_EEXIST : evtchn_get_free_port(e);
	if (port >= 0) {
		*evtchn_port(e, (evtchn_port_t)port) =
		    (struct evtchn_port){ .state = ECS_VIRQ, .vcpu = (uint8_t)b->vcpu, .virq = (uint8_t)b->virq };
		e->virq_port[b->vcpu][b->virq] = (uint16_t)port;
		b->port = (evtchn_port_t)port;
		/* Xen's default handler of the global VIRQs is the control domain: others may bind them
		 * but hear nothing (a DomU would otherwise learn of every other domain's death). */
		if (global && caller->privileged)
			evtchn_virq_handler[b->virq] = caller;
	}
	spin_unlock(&e->lock);
	if (global)
		spin_unlock(&evtchn_link_lock);
	return port < 0 ? port : 0;
}

long evtchn_bind_ipi(struct domain *caller, struct evtchn_bind_ipi *b)
{
	struct evtchn_dom *e = caller->evtchn;

	if (b->vcpu >= caller->nr_vcpus)
		return -XEN_ENOENT;
	spin_lock(&e->lock);
	long port = evtchn_get_free_port(e);
	if (port >= 0) {
		*evtchn_port(e, (evtchn_port_t)port) =
		    (struct evtchn_port){ .state = ECS_IPI, .vcpu = (uint8_t)b->vcpu };
		b->port = (evtchn_port_t)port;
	}
	spin_unlock(&e->lock);
	return port < 0 ? port : 0;
}

long evtchn_bind_vcpu(struct domain *caller, const struct evtchn_bind_vcpu *b)
{
	struct evtchn_dom *e = caller->evtchn;
	long rc = 0;

	if (b->vcpu >= caller->nr_vcpus)
		return -XEN_ENOENT;
	spin_lock(&e->lock);
	struct evtchn_port *p = evtchn_port(e, b->port);
	switch (p ? p->state : ECS_FREE) {
	case ECS_VIRQ:
		/* A per-vCPU VIRQ belongs to its vCPU; only global ones may move. */
		if (evtchn_virq_is_global(p->virq))
			p->vcpu = (uint8_t)b->vcpu;
		else
			rc = -XEN_EINVAL;
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN: p->vcpu = (uint8_t)b->vcpu; break;
	default: rc = -XEN_EINVAL; break;
	}
	spin_unlock(&e->lock);
	return rc;
}

long evtchn_close(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_dom *e = caller->evtchn;
	long rc = 0;

	/* The link lock keeps an interdomain port's peer fixed between the read and the pair lock. */
	spin_lock(&evtchn_link_lock);
	spin_lock(&e->lock);
	struct evtchn_port *p = evtchn_port(e, port);
	uint8_t state = p ? p->state : ECS_FREE;
	struct domain *peer = state == ECS_INTERDOMAIN ? domain_by_id(p->rdom) : caller;
	spin_unlock(&e->lock);
	if (state == ECS_FREE || state == ECS_RESERVED) {
		rc = -XEN_EINVAL;
	} else {
		if (!peer)
			peer = caller; /* cannot happen while linked; never act on a stranger */
		evtchn_lock_pair(caller, peer);
		evtchn_free_port(caller, port, peer);
		evtchn_unlock_pair(caller, peer);
	}
	spin_unlock(&evtchn_link_lock);
	return rc;
}

long evtchn_send(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_dom *e = caller->evtchn;
	long rc = 0;

	spin_lock(&e->lock);
	struct evtchn_port *p = evtchn_port(e, port);
	switch (p ? p->state : ECS_FREE) {
	case ECS_INTERDOMAIN: {
		/* The peer cannot unlink while we hold our lock: its table and port stay valid. */
		struct domain *rd = p->rdom == caller->id ? caller : domain_by_id(p->rdom);
		if (rd && rd->evtchn) {
			struct evtchn_port *r = evtchn_port(rd->evtchn, p->rport);
			evtchn_set_pending(rd, __atomic_load_n(&r->vcpu, __ATOMIC_RELAXED), p->rport);
		}
		break;
	}
	case ECS_IPI: evtchn_set_pending(caller, p->vcpu, port); break;
	case ECS_UNBOUND: break; /* nobody listens yet: dropped, as Xen does */
	default: rc = -XEN_EINVAL; break;
	}
	spin_unlock(&e->lock);
	return rc;
}

long evtchn_status(struct domain *caller, struct evtchn_status *s)
{
	struct domain *d = lock_target(caller, s->dom);
	long rc = 0;

	if (!d)
		return -XEN_ESRCH;
	struct evtchn_port *p = evtchn_port(d->evtchn, s->port);
	if (!may_act_on(caller, d))
		rc = -XEN_EPERM;
	else if (!p)
		rc = -XEN_EINVAL;
	if (rc) {
		unlock_target(caller, d);
		return rc;
	}
	__builtin_memset(&s->u, 0, sizeof(s->u));
	switch (p->state) {
	case ECS_UNBOUND:
		s->status = EVTCHNSTAT_unbound;
		s->u.unbound.dom = p->rdom;
		break;
	case ECS_INTERDOMAIN:
		s->status = EVTCHNSTAT_interdomain;
		s->u.interdomain.dom = p->rdom;
		s->u.interdomain.port = p->rport;
		break;
	case ECS_VIRQ:
		s->status = EVTCHNSTAT_virq;
		s->u.virq = p->virq;
		break;
	case ECS_IPI: s->status = EVTCHNSTAT_ipi; break;
	default: s->status = EVTCHNSTAT_closed; break;
	}
	s->vcpu = p->vcpu;
	unlock_target(caller, d);
	return 0;
}

long evtchn_unmask(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_dom *e = caller->evtchn;
	long rc = 0;

	spin_lock(&e->lock);
	struct evtchn_port *p = evtchn_port(e, port);
	if (p)
		evtchn_unmask_port(caller, p->vcpu, port);
	else
		rc = -XEN_EINVAL;
	spin_unlock(&e->lock);
	return rc;
}

long evtchn_reset(struct domain *caller, domid_t dom)
{
	struct domain *d = get_target(caller, dom);
	long rc = 0;

	spin_lock(&evtchn_link_lock);
	if (!has_table(d))
		rc = -XEN_ESRCH;
	else if (!may_act_on(caller, d))
		rc = -XEN_EPERM;
	else if (d != caller && !domain_paused(d))
		rc = -XEN_EINVAL; /* another domain's ports change only while it cannot use them */
	else
		evtchn_close_all(d);
	spin_unlock(&evtchn_link_lock);
	put_target(caller, d);
	return rc;
}
