/* Grant tables' internals shared by the table (gnttab.c), mapping (gnttab_map.c) and copy
 * (gnttab_copy.c) code. Lock order: one table's lock, then a p2m's, then the frame table's. */
#pragma once

#include "gnttab/gnttab.h"
#include "public/grant_table.h"

#define GNTTAB_PER_FRAME ((unsigned)GNTTAB_ENTRIES_PER_FRAME)
#define GNTTAB_PIN_MAX   0x7f /* pins of one kind on an entry (Xen's 8-bit counters, top bit clear) */
#define GNTTAB_MT_CHUNK  128  /* maptrack entries per allocation */
#define GNTTAB_MT_NONE   UINT32_MAX

/* The hypervisor's side of one grant entry while it is pinned (mapped or being copied). */
struct gnttab_active {
	paddr_t pa;     /* the granter's frame, one frame reference per pin */
	domid_t domid;  /* the one domain that may hold pins */
	uint8_t rd, wr; /* read-only and writable pins */
};

enum gnttab_mt_state { GNTTAB_MT_FREE, GNTTAB_MT_BUSY, GNTTAB_MT_LIVE };

/* One mapping a domain made (its handle is the index). Everything needed to undo it is here, so
 * an unmap still works once the granter is gone. */
struct gnttab_map {
	uint8_t state;
	bool ro;
	domid_t granter;
	grant_ref_t ref;
	uint32_t next_free;
	uint64_t gen; /* the granter's table generation: a new domain with the same id is not it */
	uint64_t gfn; /* where in the mapper's p2m */
	paddr_t pa;
};

/* Per domain slot, never freed: a lock that outlives the domain lets another domain racing with
 * its teardown see that it is gone instead of touching freed memory. */
struct gnttab {
	spinlock_t lock;
	struct domain *dom; /* NULL: no live table here */
	uint64_t gen;
	unsigned nr_frames;
	paddr_t frame[GNTTAB_MAX_FRAMES]; /* owned by DOMID_XEN, shared with the domain as in Xen */
	uint64_t gfn[GNTTAB_MAX_FRAMES];  /* where the domain mapped each, or GNTTAB_GFN_NONE */
	struct gnttab_active *active[GNTTAB_MAX_FRAMES];
	/* This domain as a mapper. */
	struct gnttab_map *mt[GNTTAB_MAX_MAPS / GNTTAB_MT_CHUNK];
	unsigned mt_chunks;
	uint32_t mt_free;
	unsigned maps_live;
};

/* The slot of live domain @id, locked, or NULL (unlocked) when there is none. With @gen non-zero,
 * only if the table is still that generation. */
struct gnttab *gnttab_lock_live(domid_t id, uint64_t gen);
static inline void gnttab_unlock(struct gnttab *gt) { spin_unlock(&gt->lock); }

/* Under the lock: pins entry @ref for domain @who (GTF_reading, and GTF_writing unless @ro, set
 * in the shared entry as Xen does), takes a frame reference and returns the frame. GNTST_okay or
 * the GNTST code Xen gives. @map: a mapping (a sub-page grant cannot be mapped). */
int gnttab_pin(struct gnttab *gt, grant_ref_t ref, domid_t who, bool ro, bool map, paddr_t *pa);

/* Under the lock: drops a pin taken by gnttab_pin, clearing the entry's bits with the last one.
 * The caller puts the frame reference (also when the granter is gone and nothing is unpinned). */
void gnttab_unpin(struct gnttab *gt, grant_ref_t ref, bool ro);

/* The entry flags word, for the cache attribute check of a mapping. */
uint16_t gnttab_entry_flags(struct gnttab *gt, grant_ref_t ref);

/* The frame at @gfn of @d if it is @d's own RAM (writable unless @ro), referenced; GNTST_bad_page
 * otherwise. */
int gnttab_own_frame(struct domain *d, uint64_t gfn, bool ro, paddr_t *pa);

/* Under the lock: swap_grant_ref of two of the table's own entries. */
int16_t gnttab_swap(struct gnttab *gt, grant_ref_t a, grant_ref_t b);

/* Under the lock, for setup_table: the table grown to @n frames and where each of the first @n is
 * mapped (GNTTAB_GFN_NONE if nowhere). GNTST_okay or GNTST_general_error. */
int gnttab_frames(struct gnttab *gt, unsigned n, uint64_t *gfns);

/* The ops, each on one guest structure already copied in. */
int16_t gnttab_map_one(struct domain *ld, struct gnttab_map_grant_ref *op);
/* unmap_grant_ref, and unmap_and_replace with @new_addr (which arm can only do as 0). */
int16_t gnttab_unmap_one(struct domain *ld, uint64_t host_addr, grant_handle_t handle, uint64_t new_addr);
int16_t gnttab_copy_one(struct domain *cd, const struct gnttab_copy *op);

/* Drops every mapping @d holds (teardown). */
void gnttab_unmap_all(struct domain *d);
