/* Test support for the MMU model: a RAM bus with holes, a table builder for any granule and stage,
 * and the register and descriptor encodings the tests write, spelled out once. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "models/mmu/mmu.h"

/* Simulated RAM at [base, base + size); reads elsewhere, or in the hole, are external aborts. */
struct tram {
	uint64_t base;
	size_t size, next;
	uint8_t *mem;
	uint64_t hole_lo, hole_hi; /* an unbacked range inside RAM, empty when lo == hi */
};

void tram_init(struct tram *t, uint64_t base, size_t size);
void tram_free(struct tram *t);
struct mmu_bus tram_bus(struct tram *t);
uint64_t tram_alloc(struct tram *t, size_t bytes); /* zeroed, aligned to its own (power-of-2) size */
void tram_write64(struct tram *t, uint64_t pa, uint64_t v);
uint64_t tram_read64(const struct tram *t, uint64_t pa);

/* A translation table tree in tram. Descriptors hold tables' addresses + @ta_offset (the IPA of a
 * stage-1 table placed at PA x is x + ta_offset when stage 2 does not map RAM 1:1). */
struct tt {
	struct tram *ram;
	uint64_t root; /* PA of the start table (concatenated tables are contiguous) */
	unsigned gran, inbits, start;
	uint64_t ta_offset;
};

/* A tree for @inbits input bits with the given start level (concatenating at the start level when
 * the bits call for it, as stage 2 does). */
void tt_init(struct tt *t, struct tram *ram, unsigned gran, unsigned inbits, unsigned start);
/* PA of the descriptor for @ia at @level, creating the tables above it. */
uint64_t tt_slot(struct tt *t, uint64_t ia, unsigned level);
/* Maps the 2^blockbits block at @level holding @ia to @oa with @attrs (AF etc. are the caller's). */
void tt_map(struct tt *t, uint64_t ia, uint64_t oa, unsigned level, uint64_t attrs);
unsigned tt_shift(const struct tt *t, unsigned level);

/* Descriptor fields */
#define D_AF       (1ull << 10)
#define D_NG       (1ull << 11)
#define D_AP_EL0   (1ull << 6) /* AP[1] */
#define D_AP_RO    (1ull << 7) /* AP[2] */
#define D_SH(x)    ((uint64_t)(x) << 8)
#define D_IDX(i)   ((uint64_t)(i) << 2)
#define D_PXN      (1ull << 53)
#define D_UXN      (1ull << 54)
#define T_PXN      (1ull << 59)
#define T_UXN      (1ull << 60)
#define T_AP_NOEL0 (1ull << 61)
#define T_AP_RO    (1ull << 62)
#define S2_R       (1ull << 6)
#define S2_W       (1ull << 7)
#define S2_MEM(m)  ((uint64_t)(m) << 2)
#define S2_XN      (1ull << 54)

/* Everyday leaves: stage-1 normal RW at EL1 (MAIR index 0), stage-2 normal WB RW. */
#define S1_RW (D_AF | D_SH(3) | D_IDX(0))
#define S2_RW (D_AF | D_SH(3) | S2_MEM(0xf) | S2_R | S2_W)

/* Registers */
#define SCTLR_M   (1ull << 0)
#define SCTLR_C   (1ull << 2)
#define SCTLR_I   (1ull << 12)
#define SCTLR_WXN (1ull << 19)
#define HCR_VM    (1ull << 0)
#define HCR_PTW   (1ull << 2)

/* TCR_EL1: TG0 4K=0 64K=1 16K=2; TG1 16K=1 4K=2 64K=3; IPS 0..5 = 32,36,40,42,44,48 bits. */
#define TCR_T0SZ(n)      ((uint64_t)(n))
#define TCR_T1SZ(n)      ((uint64_t)(n) << 16)
#define TCR_TG0(g)       ((uint64_t)(g) << 14)
#define TCR_TG1(g)       ((uint64_t)(g) << 30)
#define TCR_IPS(p)       ((uint64_t)(p) << 32)
#define TCR_EPD0         (1ull << 7)
#define TCR_EPD1         (1ull << 23)
#define TCR_A1           (1ull << 22)
#define TCR_AS           (1ull << 36)
#define TCR_TBI0         (1ull << 37)
#define TCR_HPD0         (1ull << 41)
#define VTCR_T0SZ(n)     ((uint64_t)(n))
#define VTCR_SL0(s)      ((uint64_t)(s) << 6)
#define VTCR_TG0(g)      ((uint64_t)(g) << 14)
#define VTCR_PS(p)       ((uint64_t)(p) << 16)
#define VTCR_VS          (1ull << 19)
#define TTBR(base, asid) ((uint64_t)(base) | (uint64_t)(asid) << 48)

/* A 48-bit EL1 stage 1 over 4 KiB pages for both ranges, 48-bit IPS. */
#define TCR_4K_48 (TCR_T0SZ(16) | TCR_T1SZ(16) | TCR_TG0(0) | TCR_TG1(2) | TCR_IPS(5))

/* Accesses as the tests spell them. */
struct mmu_access acc_load(uint64_t va, unsigned el);
struct mmu_access acc_store(uint64_t va, unsigned el);
struct mmu_access acc_fetch(uint64_t va, unsigned el);

/* A machine most tests start from: 8 MiB of RAM at PA 0x40000000; stage 2 (when on) with a 40-bit
 * IPA space, 4 KiB granule, start level 1 (two concatenated tables), RAM mapped 1:1 in 2 MiB blocks,
 * VMID 1; stage 1 (when on) the 48-bit 4 KiB TCR_4K_48 with empty trees and ASID 5; MAIR index 0
 * Normal WB (0xff), 1 Device-nGnRE (0x04), 2 Normal NC (0x44), 3 Normal WT (0xbb). */
#define RAM_BASE  0x40000000ull
#define RAM_SIZE  (8u << 20)
#define TEST_MAIR 0xbb4404ffull

struct world {
	struct tram ram;
	struct mmu_cpu cpu;
	struct tt s1, s1hi, s2;
};

void world_init(struct world *w, bool s1, bool s2);
void world_free(struct world *w);
