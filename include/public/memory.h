/* memory_op (hypercall 12) as arm64 guests and the toolstack use it (Xen's memory.h), and where Xen's
 * DomU layout puts the console and xenstore pages (arch-arm.h's magic region). */
#pragma once

#include <stdint.h>

#include "public/shared.h" /* XENMEM_add_to_physmap, XENMAPSPACE_*, struct xen_add_to_physmap */
#include "public/xen.h"

/* The magic region: the toolstack's special pages, outside RAM. Offsets are pages from its base. */
#define GUEST_MAGIC_BASE          0x39000000ull
#define GUEST_MAGIC_SIZE          0x01000000ull
#define GUEST_CONSOLE_PFN_OFFSET  0
#define GUEST_XENSTORE_PFN_OFFSET 1

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6
#define XENMEM_remove_from_physmap  15
#define XENMEM_add_to_physmap_batch 23

/* The continuation: memory_op's command carries the next extent to do above these bits. */
#define MEMOP_EXTENT_SHIFT 6

/* populate_physmap / decrease_reservation: nr_extents extents of 2^extent_order pages, their GFNs
 * in the guest array at extent_start (8 bytes each). The call returns how many were done. */
/* mem_flags: populate-on-demand, which arm has not (the extent fails). Address bits and NUMA node
 * requests mean nothing here: one memory, every address reachable. */
#define XENMEMF_populate_on_demand (1u << 16)

struct xen_memory_reservation {
	uint64_t extent_start; /* guest address of a uint64_t array */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	domid_t domid;
	uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation layout");
_Static_assert(__builtin_offsetof(struct xen_memory_reservation, domid) == 24, "xen_memory_reservation layout");

struct xen_remove_from_physmap {
	domid_t domid;
	uint16_t pad[3];
	uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "xen_remove_from_physmap layout");

/* Up to size pages: idxs[i] of the space (a GFN of foreign_domid for gmfn_foreign) at gpfns[i] of
 * domid; errs[i] gets each page's own result. */
struct xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space;
	uint16_t size;
	domid_t foreign_domid; /* gmfn_foreign; 0 for the other spaces */
	uint64_t idxs;         /* guest address of a uint64_t array */
	uint64_t gpfns;        /* guest address of a uint64_t array */
	uint64_t errs;         /* guest address of an int32_t array */
};
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32, "xen_add_to_physmap_batch layout");
