/* The page size the core works in (the 4 KiB translation granule) and helpers on it.
 * Every frame, mapping and guest-buffer chunk is counted in these. */
#pragma once

#include "hal/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (UINT64_C(1) << PAGE_SHIFT)
#define PAGE_MASK  (PAGE_SIZE - 1)

static inline bool page_aligned(uint64_t x) { return (x & PAGE_MASK) == 0; }
static inline uint64_t pa_pfn(paddr_t pa) { return pa_addr(pa) >> PAGE_SHIFT; }
static inline uint64_t ipa_gfn(ipa_t ipa) { return ipa_addr(ipa) >> PAGE_SHIFT; }
