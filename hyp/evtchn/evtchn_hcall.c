/* event_channel_op (hypercall 32): cmd in x0, the op's struct behind the guest pointer in x1.
 * The struct is copied in, the op run, and OUT fields copied back only on success, as Xen does. */
#include "evtchn/evtchn.h"

#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

union evtchn_args {
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_unmask unmask;
	struct evtchn_reset reset;
};

/* Each op's struct size, and whether it has OUT fields: 0 for ops Halcyon does not serve. */
static const struct {
	uint8_t size;
	bool out;
} op_args[] = {
	[EVTCHNOP_bind_interdomain] = { sizeof(struct evtchn_bind_interdomain), true },
	[EVTCHNOP_bind_virq] = { sizeof(struct evtchn_bind_virq), true },
	[EVTCHNOP_close] = { sizeof(struct evtchn_close), false },
	[EVTCHNOP_send] = { sizeof(struct evtchn_send), false },
	[EVTCHNOP_status] = { sizeof(struct evtchn_status), true },
	[EVTCHNOP_alloc_unbound] = { sizeof(struct evtchn_alloc_unbound), true },
	[EVTCHNOP_bind_ipi] = { sizeof(struct evtchn_bind_ipi), true },
	[EVTCHNOP_bind_vcpu] = { sizeof(struct evtchn_bind_vcpu), false },
	[EVTCHNOP_unmask] = { sizeof(struct evtchn_unmask), false },
	[EVTCHNOP_reset] = { sizeof(struct evtchn_reset), false },
};

static long run(struct domain *d, uint32_t cmd, union evtchn_args *u)
{
	switch (cmd) {
	case EVTCHNOP_bind_interdomain: return evtchn_bind_interdomain(d, &u->bind_interdomain);
	case EVTCHNOP_bind_virq: return evtchn_bind_virq(d, &u->bind_virq);
	case EVTCHNOP_close: return evtchn_close(d, u->close.port);
	case EVTCHNOP_send: return evtchn_send(d, u->send.port);
	case EVTCHNOP_status: return evtchn_status(d, &u->status);
	case EVTCHNOP_alloc_unbound: return evtchn_alloc_unbound(d, &u->alloc_unbound);
	case EVTCHNOP_bind_ipi: return evtchn_bind_ipi(d, &u->bind_ipi);
	case EVTCHNOP_bind_vcpu: return evtchn_bind_vcpu(d, &u->bind_vcpu);
	case EVTCHNOP_unmask: return evtchn_unmask(d, u->unmask.port);
	default: return evtchn_reset(d, u->reset.dom);
	}
}

long hcall_event_channel_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	/* Xen's handler takes an int: the upper half of x0 is not part of the command. */
	uint32_t cmd = (uint32_t)a[0];
	union evtchn_args u;

	(void)yield;
	switch (cmd) {
	case EVTCHNOP_bind_pirq:
		return -XEN_EINVAL; /* Halcyon binds no physical IRQ to a port: every pirq is out of range */
	case EVTCHNOP_expand_array: return -XEN_ENOTSUP; /* 2-level: the array is fixed, Xen's -EOPNOTSUPP */
	default: break;
	}
	if (cmd >= sizeof(op_args) / sizeof(op_args[0]) || !op_args[cmd].size)
		return -XEN_ENOSYS; /* init_control (FIFO: guests fall back to 2-level), set_priority */
	if (!v->dom->evtchn)
		return -XEN_ESRCH; /* a domain being torn down */
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &u, a[1], op_args[cmd].size))
		return -XEN_EFAULT;
	long rc = run(v->dom, cmd, &u);
	if (!rc && op_args[cmd].out && copy_to_guest(&v->ctx, &v->dom->p2m, a[1], &u, op_args[cmd].size))
		rc = -XEN_EFAULT;
	return rc;
}
