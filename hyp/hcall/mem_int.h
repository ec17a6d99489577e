/* memory_op's parts (memory_op.c dispatches, mem_populate.c changes reservations, mem_foreign.c
 * maps and unmaps by GFN): the target domain as Xen resolves and checks it, and continuations. */
#pragma once

#include "hcall/hcall.h"
#include "public/memory.h"

/* Extents (populate, decrease) or pages (a batch) one call does before it continues. */
#define MEM_CHUNK 64

/* Physmap edits check and change a p2m entry together under this lock, so two vCPUs cannot both
 * find a GFN free (or both remove one mapping and put its reference twice). */
extern spinlock_t mem_lock;

/* The domain @domid names for @v (DOMID_SELF: itself), held until mem_put; NULL with *rc set to
 * -XEN_ESRCH when there is none, -XEN_EPERM when @v may not act on it (Xen's XSM_TARGET rule:
 * itself, or the control domain on anyone). */
struct domain *mem_target(struct vcpu *v, domid_t domid, long *rc);
void mem_put(struct vcpu *v, struct domain *d);

/* Xen's continuation: @v issues memory_op again with @next above the command's bits. */
long mem_continue(struct vcpu *v, uint64_t cmd, uint64_t next);

/* XENMEM_populate_physmap / decrease_reservation: extents done (as Xen, no errno). */
long mem_reservation(struct vcpu *v, uint64_t cmd, uint64_t arg);

/* XENMEM_add_to_physmap_batch and remove_from_physmap. */
long mem_add_batch(struct vcpu *v, uint64_t cmd, uint64_t arg);
long mem_remove(struct vcpu *v, uint64_t cmd, uint64_t arg);

/* Maps page @idx of domain @foreign at @gfn of @d (gmfn_foreign), referenced until it is removed. */
long mem_map_foreign(struct vcpu *v, struct domain *d, domid_t foreign, uint64_t idx, uint64_t gfn);

/* One page of an add_to_physmap in @space (idx and gfn as the guest gave them) into @d. */
long mem_add_one(struct vcpu *v, struct domain *d, unsigned space, domid_t foreign, uint64_t idx, uint64_t gfn);
