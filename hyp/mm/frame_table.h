/* The frame table shared by frame.c (allocation, ownership, references) and frame_init.c (building
 * it from the RAM banks): one record per 4 KiB frame of every bank. Not for other modules. */
#pragma once

#include "core/spinlock.h"
#include "mm/frame.h"

#define FRAME_NIL UINT32_MAX

#define FRAME_F_FREE     1u /* heads a free block of 2^order frames */
#define FRAME_F_RESERVED 2u /* never handed out: the HAL's, boot modules, this table */
#define FRAME_F_ORPHAN   4u /* its owner went while it was referenced: the last frame_put frees it */
/* On a free block's head: no frame of the block has had an owner since boot, and the command line
 * said boot RAM holds nothing to hide (bootscrub=0), so a domain may have it as it is. */
#define FRAME_F_FRESH 8u

struct frame {
	uint32_t next, prev; /* free list links (table indices), on free block heads only; prev is
			      * frame_owner_word while the frame is allocated */
	uint32_t refs;
	domid_t owner;
	uint8_t order; /* of the free block it heads */
	uint8_t flags;
};

struct frame_bank {
	uint64_t pfn, count; /* first frame number and frames */
	uint32_t first;      /* table index of its first frame */
};

struct frame_state {
	spinlock_t lock;
	struct frame *table;
	struct frame_bank bank[PLAT_MAX_MEM_BANKS];
	unsigned banks;
	uint32_t free_head[FRAME_MAX_ORDER + 1];
	uint64_t free_frames;
	uint64_t held[FRAME_MAX_DOMAINS + 1]; /* per owner; the last slot is DOMID_XEN's */
};

extern struct frame_state frame_st;

/* Puts the free block of 2^@order frames at @pfn (in @b) on its list, merging with free buddies.
 * @fresh: nobody has had these frames since boot (frame_init only); a merge keeps it only if the
 * buddy is fresh too. */
void frame_release_block(const struct frame_bank *b, uint64_t pfn, unsigned order, bool fresh);
