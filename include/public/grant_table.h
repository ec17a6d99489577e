/* Grant tables v1 as Xen's public arm64 ABI defines them (grant_table.h): the shared entry, the
 * GNTTABOP numbers, their argument structures and the per-op GNTST status codes. */
#pragma once

#include <stdint.h>

#include "public/xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* One v1 entry in the granter's table pages. The granter writes frame (a GFN of its own), then
 * domid, then flags; the hypervisor sets and clears GTF_reading/GTF_writing in the same 32-bit
 * word {flags, domid} with compare-and-swap while the granter may be editing it. */
struct grant_entry_v1 {
	uint16_t flags;
	domid_t domid;
	uint32_t frame;
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 layout");

#define GNTTAB_ENTRIES_PER_FRAME (4096 / sizeof(struct grant_entry_v1))

/* flags: the type in bits 0-1, then the modifiers. */
#define GTF_invalid         0x0u
#define GTF_permit_access   0x1u
#define GTF_accept_transfer 0x2u
#define GTF_transitive      0x3u /* v2 only */
#define GTF_type_mask       0x3u
#define GTF_readonly        (1u << 2)
#define GTF_reading         (1u << 3) /* set by the hypervisor while mapped or copied from */
#define GTF_writing         (1u << 4) /* ... mapped or copied to */
#define GTF_PWT             (1u << 5)
#define GTF_PCD             (1u << 6)
#define GTF_PAT             (1u << 7)
#define GTF_sub_page        (1u << 8) /* v2 only */

/* grant_table_op(cmd, pointer to an array of count structures, count) */
#define GNTTABOP_map_grant_ref     0
#define GNTTABOP_unmap_grant_ref   1
#define GNTTABOP_setup_table       2
#define GNTTABOP_dump_table        3
#define GNTTABOP_transfer          4
#define GNTTABOP_copy              5
#define GNTTABOP_query_size        6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version       8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version       10
#define GNTTABOP_swap_grant_ref    11
#define GNTTABOP_cache_flush       12

/* The command's low 12 bits; the bits above carry a continuation's opaque state. */
#define GNTTABOP_CONTINUATION_ARG_SHIFT 12
#define GNTTABOP_CMD_MASK               ((1u << GNTTABOP_CONTINUATION_ARG_SHIFT) - 1)

/* map flags */
#define GNTMAP_device_map       (1u << 0)
#define GNTMAP_host_map         (1u << 1)
#define GNTMAP_readonly         (1u << 2)
#define GNTMAP_application_map  (1u << 3)
#define GNTMAP_contains_pte     (1u << 4)
#define GNTMAP_guest_avail_mask (~0u << 16)

/* Per-op status. */
#define GNTST_okay              0
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

/* host_addr is an IPA of the mapper's on arm; dev_bus_addr comes back as the frame's PA. */
struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;
	grant_ref_t ref;
	domid_t dom;
	int16_t status;
	grant_handle_t handle;
	uint64_t dev_bus_addr;
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref layout");

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	grant_handle_t handle;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref layout");

/* frame_list: a guest pointer to nr_frames 64-bit GFNs (a 64-bit guest handle on arm). */
struct gnttab_setup_table {
	domid_t dom;
	uint32_t nr_frames;
	int16_t status;
	uint64_t frame_list;
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table layout");

/* On arm the host mapping can only be removed (new_addr 0), as unmap_grant_ref does. */
struct gnttab_unmap_and_replace {
	uint64_t host_addr;
	uint64_t new_addr;
	grant_handle_t handle;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_unmap_and_replace) == 24, "gnttab_unmap_and_replace layout");

/* Page transfer (PV only: arm has none). */
struct gnttab_transfer {
	uint64_t mfn;
	domid_t domid;
	grant_ref_t ref;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_transfer) == 24, "gnttab_transfer layout");

/* v2's status frames: a v1 table has none. */
struct gnttab_get_status_frames {
	uint32_t nr_frames;
	domid_t dom;
	int16_t status;
	uint64_t frame_list;
};
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16, "gnttab_get_status_frames layout");

/* Swaps two of the caller's own entries, neither in use. */
struct gnttab_swap_grant_ref {
	grant_ref_t ref_a;
	grant_ref_t ref_b;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_swap_grant_ref) == 12, "gnttab_swap_grant_ref layout");

/* GNTTABOP_copy: each end is a grant reference (its flag set) or a GFN of the caller's own. */
#define GNTCOPY_source_gref (1u << 0)
#define GNTCOPY_dest_gref   (1u << 1)

struct gnttab_copy_ptr {
	union {
		grant_ref_t ref;
		uint64_t gmfn;
	} u;
	domid_t domid;
	uint16_t offset;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy layout");

struct gnttab_query_size {
	domid_t dom;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size layout");

struct gnttab_set_version {
	uint32_t version;
};

struct gnttab_get_version {
	domid_t dom;
	uint16_t pad;
	uint32_t version;
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version layout");

/* Where Xen's DomU layout (arch-arm.h) puts the grant table, advertised as the first reg of the
 * device tree's /hypervisor node so Linux knows where to add_to_physmap the frames. */
#define GUEST_GNTTAB_BASE 0x38000000ull
#define GUEST_GNTTAB_SIZE 0x01000000ull

/* add_to_physmap(XENMAPSPACE_grant_table): this bit in idx asks for a status frame (v2 only). */
#define XENMAPIDX_grant_table_status 0x80000000u

/* Entries the toolstack seeds before a guest boots: its console and xenstore pages, for Dom0. */
#define GNTTAB_RESERVED_CONSOLE  0
#define GNTTAB_RESERVED_XENSTORE 1
