/* The stream table: linear or 2-level lookup of a StreamID's STE, its decode (ILLEGAL encodings give
 * C_BAD_STE), and the STE cache that only CMD_CFGI_STE / CFGI_STE_RANGE / CFGI_ALL invalidate. */
#include "models/smmu/smmu_internal.h"

static unsigned oas_bits(const struct smmu *s) { return s->cfg.oas_bits; }

static unsigned ps_bits(unsigned field, unsigned oas)
{
	/* 52 bits is not implemented: the larger encodings, like any above the OAS, act as the OAS. */
	static const uint8_t bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };
	return bits[field & 7] < oas ? bits[field & 7] : oas;
}

/* The stage-2 walk a 4 KiB granule can start: SL0 0/1/2 start at level 2/1/0, and the start level must
 * resolve 1 to 13 bits (at most 16 concatenated tables), as VTCR_EL2 requires (AArch64.S2InvalidSL and
 * S2InconsistentSL). Level 0 needs a 44-bit or larger PA range. */
static bool s2_walk_ok(unsigned t0sz, unsigned sl0, unsigned oas)
{
	if (sl0 == 3 || (sl0 == 2 && oas < 44))
		return false;
	unsigned start = 2 - sl0;
	int bits = (int)(64 - t0sz) - (int)(12 + 9 * (3 - start));
	return bits >= 1 && bits <= 13;
}

/* Decodes a fetched STE; false when it is invalid or ILLEGAL for this SMMU (C_BAD_STE). */
static bool ste_decode(const struct smmu *s, const uint64_t d[4], struct smmu_ste *ste)
{
	unsigned oas = oas_bits(s);

	if (!(d[0] & SMMU_STE_V))
		return false;
	ste->config = (uint8_t)SMMU_FIELD(d[0], 3, 1);
	ste->s2r = ste->affd = false;
	ste->vmid = 0;
	ste->vtcr = ste->vttbr = 0;
	switch (ste->config) {
	case SMMU_STE_CFG_ABORT:
	case SMMU_STE_CFG_BYPASS: return true;
	case SMMU_STE_CFG_S2: break;
	default: return false; /* 0b001-0b011 reserved; stage 1 configurations need IDR0.S1P */
	}

	uint64_t d2 = d[2];
	unsigned t0sz = (unsigned)SMMU_FIELD(d2, 37, 32), sl0 = (unsigned)SMMU_FIELD(d2, 39, 38);
	unsigned tg = (unsigned)SMMU_FIELD(d2, 47, 46), ps = (unsigned)SMMU_FIELD(d2, 50, 48);
	uint64_t ttb = d[3] & SMMU_STE_S2TTB_MASK;

	/* AArch64 tables only (IDR0.TTF), little-endian only (TTENDIAN), no stall model (S2S), 4 KiB
	 * granule only (IDR5), an input size the OAS can hold, and a base inside the output size. */
	if (!(d2 & SMMU_STE_S2AA64) || (d2 & SMMU_STE_S2ENDI) || (d2 & SMMU_STE_S2S) || tg != 0)
		return false;
	if (t0sz > 39 || 64 - t0sz > oas || !s2_walk_ok(t0sz, sl0, oas))
		return false;
	if (ttb & SMMU_MASK(63, ps_bits(ps, oas)))
		return false;

	ste->vmid = (uint16_t)SMMU_FIELD(d2, 15, 0);
	ste->s2r = d2 & SMMU_STE_S2R;
	ste->affd = d2 & SMMU_STE_S2AFFD;
	/* VTCR_EL2 holds T0SZ, SL0, IRGN0, ORGN0, SH0, TG0, PS in the STE's order at bits [18:0]. */
	ste->vtcr = SMMU_FIELD(d2, 50, 32) | 1ull << 19 /* VS: 16-bit VMID */;
	ste->vttbr = ttb | (uint64_t)ste->vmid << 48;
	return true;
}

static bool read64(struct smmu *s, uint64_t pa, uint64_t *v)
{
	uint8_t b[8];
	if (!s->mem.read(s->mem.ctx, pa, b, 8))
		return false;
	*v = smmu_le64(b);
	return true;
}

/* The address of @sid's STE; SMMU_EVT_NONE or the event that ends the lookup. */
static uint8_t ste_addr(struct smmu *s, uint32_t sid, uint64_t *pa, uint64_t *fetch_pa)
{
	unsigned log2 = (unsigned)SMMU_FIELD(s->strtab_cfg, 5, 0);
	unsigned fmt = (unsigned)SMMU_FIELD(s->strtab_cfg, 17, 16);
	unsigned split = (unsigned)SMMU_FIELD(s->strtab_cfg, 10, 6);
	uint64_t base = s->strtab_base & SMMU_MASK(51, 6);

	if (log2 > SMMU_SIDSIZE)
		log2 = SMMU_SIDSIZE;
	if (sid >> log2)
		return SMMU_EVT_C_BAD_STREAMID;
	if (fmt != SMMU_STRTAB_FMT_2LVL) {
		/* Reserved FMT values act as linear (a CONSTRAINED UNPREDICTABLE choice). */
		*pa = base + (uint64_t)sid * 64;
		return SMMU_EVT_NONE;
	}
	/* Only 6, 8 and 10 are architected SPLITs; others act as the nearest lower one (min 6), capped
	 * at LOG2SIZE so that one L1 descriptor then covers the whole table. */
	split = split >= 10 ? 10 : split >= 8 ? 8 : 6;
	if (split > log2)
		split = log2;
	uint64_t l1pa = base + (uint64_t)(sid >> split) * 8, l1;
	if (!read64(s, l1pa, &l1)) {
		*fetch_pa = l1pa;
		return SMMU_EVT_F_STE_FETCH;
	}
	unsigned span = (unsigned)(l1 & SMMU_L1STD_SPAN_MASK);
	/* Span 0 is an invalid descriptor; spans above SPLIT+1 are reserved and treated as SPLIT+1. */
	if (span == 0)
		return SMMU_EVT_C_BAD_STREAMID;
	if (span > split + 1)
		span = split + 1;
	uint32_t idx = sid & ((1u << split) - 1);
	if (idx >> (span - 1))
		return SMMU_EVT_C_BAD_STREAMID;
	*pa = (l1 & SMMU_L1STD_L2PTR) + (uint64_t)idx * 64;
	return SMMU_EVT_NONE;
}

uint8_t smmu_ste_get(struct smmu *s, uint32_t sid, struct smmu_ste *ste, uint64_t *fetch_pa)
{
	struct smmu_ste *slot = &s->stec[sid % SMMU_STEC_SIZE];
	uint8_t raw[64];
	uint64_t d[4], pa;

	if (slot->valid && slot->sid == sid) {
		s->stats.ste_hits++;
		*ste = *slot;
		return SMMU_EVT_NONE;
	}
	uint8_t ev = ste_addr(s, sid, &pa, fetch_pa);
	if (ev != SMMU_EVT_NONE)
		return ev;
	s->stats.ste_fetches++;
	if (!s->mem.read(s->mem.ctx, pa, raw, sizeof(raw))) {
		*fetch_pa = pa;
		return SMMU_EVT_F_STE_FETCH;
	}
	for (int i = 0; i < 4; i++)
		d[i] = smmu_le64(raw + 8 * i);
	/* Invalid and ILLEGAL STEs are never cached: the next access fetches again. */
	if (!ste_decode(s, d, ste))
		return SMMU_EVT_C_BAD_STE;
	ste->sid = sid;
	ste->valid = true;
	*slot = *ste;
	return SMMU_EVT_NONE;
}

void smmu_ste_inval(struct smmu *s, uint32_t sid, uint32_t count)
{
	for (unsigned i = 0; i < SMMU_STEC_SIZE; i++) {
		struct smmu_ste *e = &s->stec[i];
		if (count == 0 || (e->sid >= sid && e->sid - sid < count))
			e->valid = false;
	}
}
