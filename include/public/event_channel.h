/* event_channel_op (hypercall 32) as arm64 guests see it: EVTCHNOP numbers, the per-op argument
 * structs, status codes and VIRQ numbers of Xen's public ABI (event_channel.h, xen.h), 2-level only. */
#pragma once

#include "public/xen.h"

/* event_channel_op(cmd in x0, pointer to the op's struct in x1). */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11 /* FIFO ABI */
#define EVTCHNOP_expand_array     12 /* FIFO ABI */
#define EVTCHNOP_set_priority     13 /* FIFO ABI */

typedef uint32_t evtchn_port_t;

/* 2-level ABI: one pending and one mask bit per port in shared_info, 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS 4096u

struct evtchn_alloc_unbound {
	domid_t dom;        /* IN: who owns the new port (DOMID_SELF allowed) */
	domid_t remote_dom; /* IN: who may bind to it (DOMID_SELF: the caller) */
	evtchn_port_t port; /* OUT */
};

struct evtchn_bind_interdomain {
	domid_t remote_dom;        /* IN */
	evtchn_port_t remote_port; /* IN: an unbound port of remote_dom that names the caller */
	evtchn_port_t local_port;  /* OUT */
};

struct evtchn_bind_virq {
	uint32_t virq;      /* IN: VIRQ_* */
	uint32_t vcpu;      /* IN */
	evtchn_port_t port; /* OUT */
};

struct evtchn_bind_pirq {
	uint32_t pirq;
	uint32_t flags;
	evtchn_port_t port;
};

struct evtchn_bind_ipi {
	uint32_t vcpu;      /* IN */
	evtchn_port_t port; /* OUT */
};

struct evtchn_close {
	evtchn_port_t port;
};

struct evtchn_send {
	evtchn_port_t port;
};

#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

struct evtchn_status {
	domid_t dom;        /* IN */
	evtchn_port_t port; /* IN */
	uint32_t status;    /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;      /* OUT: the vCPU notified */
	union {
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};

struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};

struct evtchn_unmask {
	evtchn_port_t port;
};

struct evtchn_reset {
	domid_t dom;
};

_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound layout");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain layout");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "bind_interdomain layout");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq layout");
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi layout");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status layout");
_Static_assert(__builtin_offsetof(struct evtchn_status, u) == 16, "evtchn_status layout");
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu layout");
_Static_assert(sizeof(struct evtchn_reset) == 2, "evtchn_reset layout");

/* Virtual IRQs (xen.h): per-vCPU ones may be bound on any vCPU, global ones only on vCPU 0. */
#define VIRQ_TIMER      0 /* per vCPU */
#define VIRQ_DEBUG      1 /* per vCPU */
#define VIRQ_CONSOLE    2
#define VIRQ_DOM_EXC    3
#define VIRQ_TBUF       4
#define VIRQ_DEBUGGER   6
#define VIRQ_XENOPROF   7 /* per vCPU */
#define VIRQ_CON_RING   8
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT  10
#define VIRQ_ARGO       11
#define VIRQ_ENOMEM     12
#define VIRQ_XENPMU     13 /* per vCPU */
#define NR_VIRQS        24 /* 16-23 are the architecture's, none defined on arm */
