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
/* Both callers destroyed; every other domain must be gone already. */
void world_teardown(void);

/* The guest memory at @ipa in @d's RAM (its argument page). */
void *world_guest(struct domain *d, uint64_t ipa);

/* @caller's vCPU 0 issues the domctl in @op (copied to its argument page and back). */
long world_domctl(struct domain *caller, struct xen_domctl *op);

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

/* @d gets @pages frames of RAM at Xen's RAM base, as populate_physmap would give them. */
void world_populate(struct domain *d, uint64_t gfn, unsigned pages);
