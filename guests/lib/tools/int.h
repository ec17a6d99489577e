/* The toolstack's insides: its per-domain state, the argument area the hypervisor reads, and the
 * thin wrappers over domctl, memory_op, hvm_op and event_channel_op its files share. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/tools.h"
#include "public/domctl.h"
#include "public/event_channel.h"
#include "public/hvm.h"
#include "public/memory.h"

#define TOOLS_PAGE_SHIFT 12
#define TOOLS_PAGE_SIZE  (1ull << TOOLS_PAGE_SHIFT)
#define TOOLS_BATCH      32u /* GFNs per memory_op call */
#define TOOLS_SLOTS      4u  /* pages of the foreign-map window */

/* Guest memory: what a hypercall reads and writes, one call at a time. */
struct tools_args {
	union {
		struct xen_domctl domctl;
		struct xen_memory_reservation res;
		struct xen_add_to_physmap atp;
		struct xen_add_to_physmap_batch batch;
		struct xen_remove_from_physmap rm;
		struct xen_hvm_param hvm;
		struct evtchn_alloc_unbound unbound;
		uint64_t raw[20];
	} op;
	struct vcpu_guest_context ctx;
	uint64_t gfn[TOOLS_BATCH];
	uint64_t idx[TOOLS_BATCH];
	int32_t err[TOOLS_BATCH];
	char path[GL_TOOLS_DTDEV_PATH]; /* assign_device's host tree path */
};

struct tools_state {
	struct tools_args a;
	uint64_t gva;    /* of this struct */
	uint64_t window; /* first GFN of the foreign-map window */
	bool used[TOOLS_SLOTS];
	unsigned xen_major, xen_minor;
};

/* The calling domain's state; NULL before gl_tools_init. */
struct tools_state *tools_get(void);

/* The guest address of @field, a part of @s. */
static inline uint64_t tools_gva(const struct tools_state *s, const void *field)
{
	return s->gva + (uint64_t)((const uint8_t *)field - (const uint8_t *)s);
}

/* A zeroed domctl for @cmd on @dom in the argument area, then the call. */
struct xen_domctl *tools_domctl_init(struct tools_state *s, uint32_t cmd, domid_t dom);
long tools_domctl(struct tools_state *s);

/* populate_physmap / decrease_reservation of @n extents of 2^@order pages at @gfns of @dom
 * (n <= TOOLS_BATCH): how many were done, or a negative Xen errno. */
long tools_reservation(struct tools_state *s, unsigned cmd, domid_t dom, const uint64_t *gfns, unsigned n,
		       unsigned order);

/* XENMEM_add_to_physmap (one page of @space) and XENMEM_remove_from_physmap on @dom. */
int tools_add_to_physmap(struct tools_state *s, domid_t dom, unsigned space, uint64_t idx, uint64_t gfn);
int tools_remove_from_physmap(struct tools_state *s, domid_t dom, uint64_t gfn);

int tools_hvm_param(struct tools_state *s, bool set, domid_t dom, uint32_t index, uint64_t *value);
int tools_alloc_unbound(struct tools_state *s, domid_t dom, domid_t remote, evtchn_port_t *port);

/* load.c: the kernel and tree into @dom's RAM (their addresses out), vCPU 0's registers. */
int tools_load(struct tools_state *s, const struct gl_dom_cfg *cfg, domid_t dom, unsigned gic, uint64_t *dtb,
	       uint64_t *entry);
int tools_start_regs(struct tools_state *s, domid_t dom, uint64_t entry, uint64_t dtb);

/* Copies @len bytes to @dom's memory from @gfn's page on, through the foreign-map window. */
int tools_copy_to_domain(domid_t dom, uint64_t gfn, const void *src, size_t len);
