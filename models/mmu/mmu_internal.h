/* What the model's files share: register field layouts, decoded walk parameters, one stage's walk,
 * attribute/permission helpers, fault reporting and the TLB primitives. Not for users of the model. */
#pragma once

#include "models/mmu/mmu.h"

#define MMU_BIT(n)           (1ull << (n))
#define MMU_MASK(hi, lo)     ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))
#define MMU_FIELD(v, hi, lo) (((v)&MMU_MASK(hi, lo)) >> (lo))

/* SCTLR_ELx, HCR_EL2 */
#define MMU_SCTLR_M   MMU_BIT(0)
#define MMU_SCTLR_C   MMU_BIT(2)
#define MMU_SCTLR_I   MMU_BIT(12)
#define MMU_SCTLR_WXN MMU_BIT(19)
#define MMU_HCR_VM    MMU_BIT(0)
#define MMU_HCR_PTW   MMU_BIT(2)
#define MMU_HCR_CD    MMU_BIT(32)
#define MMU_HCR_ID    MMU_BIT(33)

/* TCR_EL1 (T1 fields for TTBR1), TCR_EL2 and VTCR_EL2 field positions */
#define MMU_TCR_EPD0 MMU_BIT(7)
#define MMU_TCR_A1   MMU_BIT(22)
#define MMU_TCR_EPD1 MMU_BIT(23)
#define MMU_TCR_AS   MMU_BIT(36)
#define MMU_TCR_TBI0 MMU_BIT(37)
#define MMU_TCR_TBI1 MMU_BIT(38)
#define MMU_TCR_HPD0 MMU_BIT(41)
#define MMU_TCR_HPD1 MMU_BIT(42)
#define MMU_TCR2_TBI MMU_BIT(20) /* TCR_EL2 */
#define MMU_TCR2_HPD MMU_BIT(24)
#define MMU_VTCR_VS  MMU_BIT(19)

/* Descriptor bits */
#define MMU_D_VALID MMU_BIT(0)
#define MMU_D_TABLE MMU_BIT(1)
#define MMU_D_AF    MMU_BIT(10)
#define MMU_D_NG    MMU_BIT(11)
#define MMU_D_PXN   MMU_BIT(53)
#define MMU_D_XN    MMU_BIT(54)
#define MMU_D_OA    MMU_MASK(47, 12)

enum { MMU_REGIME_EL10, MMU_REGIME_EL2 };

/* One stage's walk, decoded from TCR/VTCR and a TTBR. */
struct mmu_walkparams {
	uint64_t base;      /* start table address: a PA, or an IPA for stage 1 under stage 2 */
	uint8_t stage;      /* 1 or 2 */
	uint8_t gran;       /* log2 of the granule: 12, 14 or 16 */
	uint8_t inbits;     /* input address size */
	uint8_t oabits;     /* output size checked for address size faults */
	uint8_t start;      /* initial lookup level */
	uint8_t firstblock; /* shallowest level a block descriptor may sit at */
	bool two_priv;      /* EL1&0: AP[1], PXN, APTable[0] and PXNTable mean something */
	bool hpd;           /* hierarchical permissions disabled: APTable/XNTable/PXNTable ignored */
	bool base_oor;      /* TTBR base beyond oabits: address size fault, level 0 */
	bool via_s2;        /* stage 1 of EL1&0 under stage 2: table addresses are IPAs (S1PTW) */
};

/* A finished single-stage walk. */
struct mmu_leaf {
	uint64_t oa;   /* output address of the input address */
	uint64_t desc; /* the block or page descriptor */
	uint8_t level, size;
	uint8_t aptable, xntable, pxntable; /* hierarchical limits gathered on the way down */
};

/* The stage-2 translation of one IPA, before any permission check. */
struct mmu_s2info {
	uint64_t pa;
	uint8_t level, size, perm, attr, sh;
};

/* mmu_regime.c */
unsigned mmu_ps_bits(unsigned field, unsigned pa_bits);
bool mmu_s1_params(const struct mmu_cpu *cpu, unsigned regime, uint64_t va, struct mmu_walkparams *wp, uint16_t *asid,
		   uint64_t *cva);
bool mmu_s2_params(const struct mmu_cpu *cpu, struct mmu_walkparams *wp);

/* mmu_walk.c */
bool mmu_walk(struct mmu_cpu *cpu, const struct mmu_walkparams *wp, uint64_t ia, struct mmu_leaf *leaf,
	      struct mmu_fault *f);
bool mmu_s2(struct mmu_cpu *cpu, uint64_t ipa, struct mmu_s2info *out, struct mmu_fault *f);
bool mmu_s2_allows(const struct mmu_cpu *cpu, const struct mmu_s2info *s2, bool ttw, unsigned type);

/* mmu_attr.c */
static inline bool mmu_attr_is_device(uint8_t attr) { return (attr & 0xf0) == 0; }
uint8_t mmu_mair_canon(uint8_t attr);
uint8_t mmu_s2_memattr(unsigned memattr);
uint8_t mmu_s1_perm(const struct mmu_walkparams *wp, const struct mmu_leaf *leaf, bool wxn);
uint8_t mmu_s2_perm(uint64_t desc);
uint8_t mmu_s1_off_attr(uint64_t sctlr, unsigned type);
void mmu_final_attr(const struct mmu_cpu *cpu, const struct mmu_tlb_entry *e, unsigned type, bool with_s2,
		    uint8_t *attr, uint8_t *sh);

/* mmu_fault.c */
void mmu_fault_set(struct mmu_fault *f, unsigned kind, unsigned level, unsigned stage);
unsigned mmu_fault_fsc(const struct mmu_fault *f);
void mmu_fault_report(const struct mmu_cpu *cpu, const struct mmu_access *acc, struct mmu_fault *f);
uint64_t mmu_par_ok(uint64_t pa, uint8_t attr, uint8_t sh);
uint64_t mmu_par_fault(const struct mmu_fault *f);

/* mmu_tlb.c */
const struct mmu_tlb_entry *mmu_tlb_lookup(struct mmu_cpu *cpu, unsigned kind, uint16_t vmid, uint16_t asid,
					   uint64_t va);
void mmu_tlb_insert(struct mmu_cpu *cpu, const struct mmu_tlb_entry *e);
