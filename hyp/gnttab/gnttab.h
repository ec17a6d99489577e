/* Grant tables v1 (Xen's ABI): each domain's table of grant entries in frames it maps itself, and
 * the mappings and copies other domains make through them, counted in hyp/mm's frame references. */
#pragma once

#include "dom/domain.h"
#include "public/grant_table.h"

/* Table frames per domain: Xen 4.17's documented default for gnttab_max_frames (64 frames of
 * 512 entries). A table starts with one frame, as Xen's does, and grows on demand. */
#define GNTTAB_MAX_FRAMES     64
#define GNTTAB_INITIAL_FRAMES 1

/* Grant mappings one domain may hold at once (maptrack handles). */
#define GNTTAB_MAX_MAPS 4096

/* What setup_table reports for a table frame the guest has not mapped (Xen on arm: INVALID_GFN). */
#define GNTTAB_GFN_NONE UINT64_MAX

/* Gives @d its (empty, version 1) table: 0 or -XEN_ENOMEM. */
int gnttab_domain_init(struct domain *d);

/* While none of @d's vCPUs runs, before its p2m goes: every grant mapping @d holds is dropped
 * (the granters' entries released, the frame references put), then its own table is freed. Frames
 * it granted that others still map stay referenced: frame_release_all passes them to DOMID_XEN. */
void gnttab_domain_destroy(struct domain *d);

/* add_to_physmap(XENMAPSPACE_grant_table, @idx, @gfn): puts table frame @idx at @gfn of @d
 * (growing the table to @idx + 1 frames if needed), moving it from where it was. 0, -XEN_EINVAL
 * (a status frame, an index beyond the maximum, a GFN beyond the IPA space), -XEN_EBUSY (@gfn
 * holds MMIO or a grant mapping) or -XEN_ENOMEM. */
long gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gfn);

/* Grants @d's page @gfn to @to read-write in entry @ref ({GTF_permit_access, @to, @gfn}), as the
 * toolstack seeds GNTTAB_RESERVED_CONSOLE/XENSTORE before @d runs. 0 or -XEN_EINVAL (a ref beyond
 * the table's present frames, a GFN beyond 32 bits). */
long gnttab_seed(struct domain *d, grant_ref_t ref, domid_t to, uint64_t gfn);

/* Whether @pa is one of @d's table frames (the hypervisor's frames, shared with @d as Xen shares
 * them): the control domain may map those by @d's GFN (memory_op gmfn_foreign) to seed entries. */
bool gnttab_is_table_frame(struct domain *d, paddr_t pa);

/* Frame references and table state for tests and leak checks: live grant mappings held by @d. */
unsigned gnttab_maps_held(const struct domain *d);
