/* Memory attributes and permissions: MAIR and stage-2 MemAttr decoding, the stage-1/stage-2
 * combination (stronger Device type, weaker cacheability), and AP/S2AP/XN turned into RWX masks. */
#include "models/mmu/mmu_internal.h"

#define NC_NIBBLE 0x4u
#define NORMAL_NC 0x44u

/* Reserved MAIR encodings are UNPREDICTABLE; we pick one permitted reading so every path (and the
 * TLB) agrees: 0b0000ddxx is Device-dd, a Normal byte with inner 0b0000 is inner Non-cacheable. */
uint8_t mmu_mair_canon(uint8_t a)
{
	if (mmu_attr_is_device(a))
		return a & 0x0c;
	if ((a & 0x0f) == 0)
		return (uint8_t)((a & 0xf0) | NC_NIBBLE);
	return a;
}

/* Stage-2 MemAttr[3:0] as a MAIR byte. Stage 2 carries no allocation hints: the combination takes
 * stage 1's, so the hint bits chosen here never reach a result. */
uint8_t mmu_s2_memattr(unsigned m)
{
	static const uint8_t nib[4] = { NC_NIBBLE, NC_NIBBLE, 0xb, 0xf }; /* 00 (reserved), NC, WT, WB */
	if ((m >> 2) == 0)
		return (uint8_t)((m & 3) << 2);
	return (uint8_t)(nib[m >> 2] << 4 | nib[m & 3]);
}

/* 0 Non-cacheable, 1 Write-Through, 2 Write-Back. */
static unsigned cacheability(unsigned n)
{
	if (n == NC_NIBBLE)
		return 0;
	return (n & 4) ? 2 : 1;
}

/* One of inner/outer: the weaker cacheability, with stage 1's allocation and transient hints. */
static unsigned combine_nibble(unsigned s1, unsigned s2)
{
	unsigned c1 = cacheability(s1), c2 = cacheability(s2);
	unsigned c = c1 < c2 ? c1 : c2;
	bool transient = !(s1 & 8);
	if (c == 0)
		return NC_NIBBLE;
	return (c == 2 ? (transient ? 0x4u : 0xcu) : (transient ? 0x0u : 0x8u)) | (s1 & 3);
}

static uint8_t combine(uint8_t a, uint8_t b)
{
	if (mmu_attr_is_device(a) && mmu_attr_is_device(b))
		return a < b ? a : b; /* nGnRnE (0x00) is the strongest */
	if (mmu_attr_is_device(a))
		return a;
	if (mmu_attr_is_device(b))
		return b;
	return (uint8_t)(combine_nibble(a >> 4, b >> 4) << 4 | combine_nibble(a & 15, b & 15));
}

static uint8_t combine_sh(uint8_t a, uint8_t b)
{
	if (a == MMU_SH_OUTER || b == MMU_SH_OUTER)
		return MMU_SH_OUTER;
	if (a == MMU_SH_INNER || b == MMU_SH_INNER)
		return MMU_SH_INNER;
	return MMU_SH_NON; /* 0b01 is reserved: read as Non-shareable */
}

uint8_t mmu_s1_off_attr(uint64_t sctlr, unsigned type)
{
	/* Stage 1 off: data is Device-nGnRnE, fetches Normal WT (SCTLR.I) or Non-cacheable. */
	if (type != MMU_FETCH)
		return 0x00;
	return (sctlr & MMU_SCTLR_I) ? 0xaa : NORMAL_NC;
}

void mmu_final_attr(const struct mmu_cpu *cpu, const struct mmu_tlb_entry *e, unsigned type, bool with_s2,
		    uint8_t *attr, uint8_t *sh)
{
	const struct mmu_regs *r = &cpu->regs;
	bool fetch = type == MMU_FETCH;
	uint64_t sctlr = e->kind == MMU_TLB_EL2 ? r->sctlr_el2 : r->sctlr_el1;
	uint8_t a, s;

	if (e->kind == MMU_TLB_S2) {
		a = mmu_s1_off_attr(sctlr, type);
		s = MMU_SH_OUTER;
	} else {
		/* Fetches never see Device; SCTLR.I/C off make Normal memory Non-cacheable. */
		a = e->s1_attr;
		s = e->s1_sh;
		if (fetch && (mmu_attr_is_device(a) || !(sctlr & MMU_SCTLR_I)))
			a = NORMAL_NC;
		else if (!fetch && !mmu_attr_is_device(a) && !(sctlr & MMU_SCTLR_C))
			a = NORMAL_NC;
	}
	if (with_s2) {
		uint8_t b = e->s2_attr;
		if (fetch && (mmu_attr_is_device(b) || (r->hcr_el2 & MMU_HCR_ID)))
			b = NORMAL_NC;
		else if (!fetch && !mmu_attr_is_device(b) && (r->hcr_el2 & MMU_HCR_CD))
			b = NORMAL_NC;
		a = combine(a, b);
		s = combine_sh(s, e->s2_sh);
	}
	/* Device and fully Non-cacheable memory are always Outer Shareable. */
	if (mmu_attr_is_device(a) || a == NORMAL_NC)
		s = MMU_SH_OUTER;
	else if (s == 1)
		s = MMU_SH_NON;
	*attr = a;
	*sh = s;
}

uint8_t mmu_s1_perm(const struct mmu_walkparams *wp, const struct mmu_leaf *leaf, bool wxn)
{
	uint64_t d = leaf->desc;
	bool ap2 = MMU_FIELD(d, 7, 7) | (leaf->aptable >> 1);
	bool xn = MMU_FIELD(d, 54, 54) | leaf->xntable;

	if (!wp->two_priv) {
		/* EL2 regime: one privilege level; AP[1], PXN and the EL0 table limits are RES0. */
		bool w = !ap2, x = !xn && !(w && wxn);
		return (uint8_t)((MMU_PERM_R | (w ? MMU_PERM_W : 0) | (x ? MMU_PERM_X : 0)) << 3);
	}
	bool ap1 = MMU_FIELD(d, 6, 6) && !(leaf->aptable & 1);
	bool pxn = MMU_FIELD(d, 53, 53) | leaf->pxntable;
	bool ur = ap1, uw = ap1 && !ap2, pw = !ap2;
	bool ux = !xn && !(uw && wxn);
	/* EL1 may not execute what EL0 can write, whatever PXN says. */
	bool px = !pxn && !(pw && wxn) && !uw;
	uint8_t el0 = (uint8_t)((ur ? MMU_PERM_R : 0) | (uw ? MMU_PERM_W : 0) | (ux ? MMU_PERM_X : 0));
	uint8_t el1 = (uint8_t)(MMU_PERM_R | (pw ? MMU_PERM_W : 0) | (px ? MMU_PERM_X : 0));
	return (uint8_t)(el0 | el1 << 3);
}

uint8_t mmu_s2_perm(uint64_t d)
{
	/* S2AP[0] (bit 6) grants reads, S2AP[1] (bit 7) writes; XN (bit 54) forbids fetches at
	 * EL0 and EL1 alike (FEAT_XNX not modelled, bit 53 ignored). */
	return (uint8_t)((MMU_FIELD(d, 6, 6) ? MMU_PERM_R : 0) | (MMU_FIELD(d, 7, 7) ? MMU_PERM_W : 0) |
			 (MMU_FIELD(d, 54, 54) ? 0 : MMU_PERM_X));
}
