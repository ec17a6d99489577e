/* The domctl tests' machine: the whole core (every hyp/ library) over a fake HAL with RAM under the
 * real frame allocator, Dom0 (the control domain) and a DomU that call domctls, and the pCPUs'
 * side of the life cycle (picking vCPUs and putting them back) done by hand. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "dom/dom_create.h"
#include "public/domctl.h"

#define WORLD_ARG_IPA UINT64_C(0x40000000) /* each caller's argument page (Xen's RAM base) */
#define WORLD_PCPUS   2

extern struct domain *world_dom0, *world_domu;
extern unsigned world_kicks;

/* A fresh machine (RAM, frames, scheduler) with Dom0 and DomU 1, host GIC of @gic_version. */
void world_setup(unsigned gic_version);
/* The host's device list (the boot's dt_dev_scan): NULL by default. */
void world_set_devices(const struct dt_devices *devs);
/* Both callers destroyed; every other domain must be gone already. */
void world_teardown(void);

/* The guest memory at @ipa in @d's RAM (its argument page) or a grant it maps there. */
void *world_guest(struct domain *d, uint64_t ipa);

/* @caller's vCPU 0 issues the domctl in @op (copied to its argument page and back). */
long world_domctl(struct domain *caller, struct xen_domctl *op);

/* Any hypercall @hcall by @caller's vCPU 0 with x0 = @cmd, x1 = a copy of @arg (@len bytes, in its
 * argument page, copied back after), x2 = 1 (one op, for batched ones); its result. */
long world_call(struct domain *caller, unsigned hcall, unsigned cmd, void *arg, size_t len);

/* A domctl header for @cmd on @dom, the current interface version. */
struct xen_domctl world_op(uint32_t cmd, domid_t dom);

/* A createdomain config as libxl writes one for an arm guest with @vcpus vCPUs. */
struct xen_domctl world_create_op(domid_t dom, unsigned vcpus);

/* What pCPU @cpu's run loop does with its queue: picks the next vCPU (NULL: none; dead ones it
 * meets retire), and puts a picked one back after its exit. */
struct vcpu *world_pick(unsigned cpu);
void world_put(struct vcpu *v);
/* Every pCPU looks at its queue once: retires what died, puts the runnable back. */
void world_settle(void);

/* Leak checks: free frames, heap bytes and live domains now, and that they are back to @s. */
struct world_snap {
	uint64_t free_frames, heap;
	unsigned live;
};
struct world_snap world_snap(void);
void world_back_to(struct world_snap s);

/* CMocka setup (a GICv3 host) and teardown around each test. */
int world_setup_v3(void **state);
int world_teardown_test(void **state);

/* Dom0's domctls that must succeed: a created domain's id, getdomaininfo of exactly @dom. */
domid_t world_create(unsigned vcpus);
struct xen_domctl_getdomaininfo world_info(domid_t dom);
/* world_domctl's result when the hypervisor continued the call (the HVC to be issued again: a
 * destroy waiting for the domain's vCPUs to leave their pCPUs); the vCPU's pc is put back. */
#define WORLD_AGAIN 1

/* A domctl with only a header: its result. */
long world_simple(struct domain *caller, uint32_t cmd, domid_t dom);

/* @d gets @pages frames of RAM at Xen's RAM base, as populate_physmap would give them. */
void world_populate(struct domain *d, uint64_t gfn, unsigned pages);
