/* A domain's stage-2 translation (IPA -> PA) in the architectural VMSAv8-64 format: map, unmap,
 * protect, look up; 1 GiB and 2 MiB blocks where alignment allows, break-before-make on change. */
#pragma once

#include "core/spinlock.h"
#include "hal/s2.h"
#include "mm/page.h"
#include "public/xen.h"

/* What a mapping is, kept in the descriptor's software bits so a lookup needs no side table. */
enum p2m_type {
	P2M_INVALID = 0,
	P2M_RAM_RW,   /* the domain's own RAM */
	P2M_RAM_RO,   /* its RAM, write-protected */
	P2M_MMIO,     /* device memory (nGnRE), read-write, never executable */
	P2M_GRANT_RW, /* another domain's frame mapped through a grant */
	P2M_GRANT_RO,
	/* Another domain's frame the control domain maps by GFN (memory_op's gmfn_foreign, 4 KiB
	 * pages only): each holds one frame reference, put by whoever removes the mapping, or by
	 * p2m_destroy for the ones left. */
	P2M_FOREIGN_RW,
	P2M_FOREIGN_RO,
};

struct p2m {
	spinlock_t lock;
	domid_t owner;
	uint16_t vmid;
	paddr_t root;
	struct hal_s2_geometry geo;
	uint64_t table_frames; /* frames used for tables (owned by DOMID_XEN, accounted here) */
	uint32_t root_used;    /* the root's entries in use, over all its pages: teardown stops there */
	/* The last table edited at each level and where its count of entries in use is kept (a
	 * function of the table's PA alone, so never stale): a page's edit would otherwise spend more
	 * finding the counts in the frame table than editing. */
	struct {
		uint64_t table;
		uint32_t *count;
	} hot[4];
};

/* An empty p2m for domain @owner: a root in the HAL's geometry (hal_s2_geometry), owned by
 * DOMID_XEN like every table. Returns 0 or -XEN_ENOMEM. */
int p2m_init(struct p2m *p2m, domid_t owner, uint16_t vmid);

/* Tables freed, TLBs for the VMID flushed. Mappings' frames are not touched (their owner's), but
 * for the references foreign mappings hold, which are put. No vCPU may run on it any more. A second
 * call does nothing. */
void p2m_destroy(struct p2m *p2m);

/* Maps [@ipa, @ipa + @size) to [@pa, ...). Page-aligned and non-empty; -XEN_EINVAL beyond the IPA
 * or PA size or for a type that is not one; replaces existing mappings (with break-before-make).
 * -XEN_ENOMEM if tables run out, leaving the range partially mapped but consistent. */
int p2m_map(struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t size, enum p2m_type type);

/* p2m_map, only where [@ipa, @ipa + @size) is a hole: -XEN_EBUSY, nothing changed, if anything is
 * mapped there. The check and the map are one step, so two mappers cannot both find it free. */
int p2m_map_new(struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t size, enum p2m_type type);

/* Holes in the range are fine. -XEN_ENOMEM only when a block must be split and no frame is left
 * for the table, the range then partially unmapped. */
int p2m_unmap(struct p2m *p2m, ipa_t ipa, uint64_t size);

/* Gives every mapped page in the range the permission of @type (RAM_RW/GRANT_RW: read-write,
 * RAM_RO/GRANT_RO: read-only) within its own kind: RAM stays RAM, a grant stays a grant, MMIO,
 * foreign mappings and holes stay as they are. -XEN_EINVAL for MMIO or INVALID; -XEN_ENOMEM as for unmap. */
int p2m_protect(struct p2m *p2m, ipa_t ipa, uint64_t size, enum p2m_type type);

/* P2M_INVALID for a hole. *pa and *span (bytes from @ipa to the end of this mapping's block or
 * page) are set only for a mapping; either may be NULL. */
enum p2m_type p2m_lookup(struct p2m *p2m, ipa_t ipa, paddr_t *pa, uint64_t *span);

/* VMID << 48 | root: VTTBR_EL2. */
uint64_t p2m_vttbr(const struct p2m *p2m);
