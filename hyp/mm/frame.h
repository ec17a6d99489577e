/* Physical frames: every 4 KiB page of RAM has exactly one owner (the hypervisor, one domain, or
 * nobody), a buddy allocator hands them out, and per-owner counts make leaks visible. */
#pragma once

#include "hal/platform.h"
#include "mm/page.h"
#include "public/xen.h"

#define FRAME_MAX_ORDER 18 /* 1 GiB: the largest stage-2 block */

/* Owner of a free frame. */
#define FRAME_OWNER_NONE DOMID_INVALID

/* Takes every RAM bank in @plat, minus @reserved (the HAL's own regions, boot modules), as free
 * frames. The frame table itself is carved from that RAM. Returns 0 or a negative Xen errno. */
int frame_init(const struct platform *plat, const struct plat_region *reserved, unsigned nreserved);

/* 2^@order contiguous frames aligned to their size, zeroed, owned by @owner.
 * Returns 0 or -XEN_ENOMEM. */
int frame_alloc(domid_t owner, unsigned order, paddr_t *pa);

/* Frees frames @owner holds; -XEN_EINVAL if any of them is not @owner's, not allocated as a run
 * of 2^@order from @pa, or still referenced. */
int frame_free(domid_t owner, paddr_t pa, unsigned order);

/* Returns every frame @owner holds to the allocator (domain teardown); how many it returned. */
uint64_t frame_release_all(domid_t owner);

/* FRAME_OWNER_NONE for free frames; DOMID_INVALID also for a PA that is not managed RAM. */
domid_t frame_owner(paddr_t pa);
bool frame_is_ram(paddr_t pa);

/* Extra references (mappings of the frame outside its owner, e.g. grants): a referenced frame
 * cannot be freed. frame_get fails with -XEN_EINVAL on a free or unmanaged frame. */
int frame_get(paddr_t pa);
void frame_put(paddr_t pa);
unsigned frame_refs(paddr_t pa);

uint64_t frame_count(domid_t owner); /* frames held by @owner */
uint64_t frame_free_count(void);
