/* Physical frames: every 4 KiB page of RAM has exactly one owner (the hypervisor, one domain, or
 * nobody), a buddy allocator hands them out, and per-owner counts make leaks visible. */
#pragma once

#include "hal/platform.h"
#include "mm/page.h"
#include "public/xen.h"

#define FRAME_MAX_ORDER 18 /* 1 GiB: the largest stage-2 block */

/* Owners are domains below this (8-bit VMIDs bound the live domains anyway) and DOMID_XEN. */
#define FRAME_MAX_DOMAINS 256

/* Owner of a free frame. */
#define FRAME_OWNER_NONE DOMID_INVALID

/* Takes every RAM bank in @plat, minus the HAL's regions (hal_mem_reserved) and @reserved (boot
 * modules...), as free frames. The frame table itself is carved from that RAM. May be called again
 * to start over (tests). Returns 0 or a negative Xen errno. */
int frame_init(const struct platform *plat, const struct plat_region *reserved, unsigned nreserved);

/* 2^@order contiguous frames aligned to their size, zeroed, owned by @owner.
 * Returns 0, -XEN_ENOMEM, or -XEN_EINVAL for an order or owner out of range. */
int frame_alloc(domid_t owner, unsigned order, paddr_t *pa);

/* The same for a domain's RAM, which the domain initialises itself: frames nobody has had since
 * boot come as they are when the command line said bootscrub=0 (Xen's option: the launcher knows
 * boot RAM holds nothing from a previous boot, e.g. a fresh QEMU with -no-reboot), zeroed otherwise.
 * Never another owner's data either way. */
int frame_alloc_ram(domid_t owner, unsigned order, paddr_t *pa);

/* Frees the 2^@order frames at @pa (aligned to their size; any aligned part of what @owner was
 * given, so a domain can hand back single pages of a large run). -XEN_EINVAL if any of them is not
 * @owner's or is still referenced; nothing is freed then. */
int frame_free(domid_t owner, paddr_t pa, unsigned order);

/* Returns every frame @owner holds to the allocator (domain teardown); how many it returned. A
 * frame still referenced (mapped through a grant) passes to DOMID_XEN instead and is freed by the
 * frame_put that drops its last reference. */
uint64_t frame_release_all(domid_t owner);

/* FRAME_OWNER_NONE for free frames; DOMID_INVALID also for a PA that is not managed RAM (outside
 * the banks, or reserved). frame_is_ram: inside a RAM bank, managed or not. */
domid_t frame_owner(paddr_t pa);
bool frame_is_ram(paddr_t pa);

/* Extra references (mappings of the frame outside its owner, e.g. grants, or the hypervisor using
 * it for a moment): a referenced frame cannot be freed. frame_get fails with -XEN_EINVAL on a free,
 * unmanaged or orphaned frame, -XEN_EBUSY if the count would overflow. */
int frame_get(paddr_t pa);
void frame_put(paddr_t pa);
unsigned frame_refs(paddr_t pa);

uint64_t frame_count(domid_t owner); /* frames held by @owner */
uint64_t frame_free_count(void);

/* Frees the single frame @pa of @owner now or, while it is still referenced (mapped elsewhere),
 * passes it to DOMID_XEN for the frame_put that drops its last reference to free: a page given back
 * while another domain maps it, as Xen frees it. -XEN_EINVAL if it is not @owner's. */
int frame_release(domid_t owner, paddr_t pa);

/* A word of bookkeeping the owner of an allocated frame keeps in its frame-table record (p2m: how
 * many entries of a table frame are in use), so it needs no side table. Meaningless once the frame
 * is freed; NULL for a PA that is not managed RAM. Only the owner touches it, under its own lock. */
uint32_t *frame_owner_word(paddr_t pa);
