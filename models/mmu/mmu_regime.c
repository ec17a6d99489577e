/* Decodes TCR_EL1, TCR_EL2, VTCR_EL2 and the TTBRs into the parameters of one stage's walk, and
 * says whether an input address lies in the range the regime translates at all. */
#include "models/mmu/mmu_internal.h"

unsigned mmu_ps_bits(unsigned field, unsigned pa_bits)
{
	/* 52 bits needs FEAT_LPA (not modelled) and the reserved encodings act as the largest size;
	 * a size above the implemented PA range behaves as that range (the ARM ARM's PAMax()). */
	static const uint8_t bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };
	unsigned b = bits[field & 7];
	return b < pa_bits ? b : pa_bits;
}

/* TG0 and TG1 encode the granules differently; the reserved value behaves as 4 KiB. */
static unsigned tg0_bits(unsigned tg) { return tg == 1 ? 16 : tg == 2 ? 14 : 12; }
static unsigned tg1_bits(unsigned tg) { return tg == 1 ? 14 : tg == 3 ? 16 : 12; }

/* Out-of-range TxSZ is CONSTRAINED UNPREDICTABLE; we take the permitted "as if the limit" choice. */
static unsigned clamp_txsz(unsigned t) { return t < 16 ? 16 : t > 39 ? 39 : t; }

/* Start-level table index width: the bits the first lookup resolves. */
static int start_bits(const struct mmu_walkparams *wp)
{
	return (int)wp->inbits - (int)(wp->gran + (wp->gran - 3) * (3 - wp->start));
}

static void set_base(struct mmu_walkparams *wp, uint64_t ttb)
{
	/* The table is aligned to its own size (at least 64 bytes); lower BADDR bits are RES0 and
	 * treated as zero. Bits at or above the output size make the walk an address size fault. */
	int align = start_bits(wp) + 3;
	if (align < 6)
		align = 6;
	wp->base = ttb & MMU_MASK(47, align);
	wp->base_oor = (ttb & MMU_MASK(47, wp->oabits)) != 0;
}

bool mmu_s1_params(const struct mmu_cpu *cpu, unsigned regime, uint64_t va, struct mmu_walkparams *wp, uint16_t *asid,
		   uint64_t *cva)
{
	const struct mmu_regs *r = &cpu->regs;
	unsigned txsz, gran, ps;
	uint64_t ttb;
	bool tbi, disabled = false, upper = false;

	if (regime == MMU_REGIME_EL2) {
		uint64_t tcr = r->tcr_el2;
		txsz = MMU_FIELD(tcr, 5, 0);
		gran = tg0_bits(MMU_FIELD(tcr, 15, 14));
		ps = MMU_FIELD(tcr, 18, 16);
		tbi = tcr & MMU_TCR2_TBI;
		wp->hpd = tcr & MMU_TCR2_HPD;
		wp->two_priv = false;
		wp->via_s2 = false;
		ttb = r->ttbr0_el2;
		*asid = 0;
	} else {
		uint64_t tcr = r->tcr_el1;
		/* Bit 55 picks the range even when the top byte is a tag. */
		upper = (va >> 55) & 1;
		if (upper) {
			txsz = MMU_FIELD(tcr, 21, 16);
			gran = tg1_bits(MMU_FIELD(tcr, 31, 30));
			tbi = tcr & MMU_TCR_TBI1;
			wp->hpd = tcr & MMU_TCR_HPD1;
			disabled = tcr & MMU_TCR_EPD1;
			ttb = r->ttbr1_el1;
		} else {
			txsz = MMU_FIELD(tcr, 5, 0);
			gran = tg0_bits(MMU_FIELD(tcr, 15, 14));
			tbi = tcr & MMU_TCR_TBI0;
			wp->hpd = tcr & MMU_TCR_HPD0;
			disabled = tcr & MMU_TCR_EPD0;
			ttb = r->ttbr0_el1;
		}
		ps = MMU_FIELD(tcr, 34, 32);
		/* TCR_EL1.A1 chooses which TTBR's ASID is current, for both ranges. */
		uint64_t asid_reg = (tcr & MMU_TCR_A1) ? r->ttbr1_el1 : r->ttbr0_el1;
		*asid = (uint16_t)MMU_FIELD(asid_reg, 63, 48);
		if (!(tcr & MMU_TCR_AS))
			*asid &= 0xff;
		wp->two_priv = true;
		wp->via_s2 = r->hcr_el2 & MMU_HCR_VM;
	}

	wp->stage = 1;
	wp->gran = (uint8_t)gran;
	wp->inbits = (uint8_t)(64 - clamp_txsz(txsz));
	wp->oabits = (uint8_t)mmu_ps_bits(ps, cpu->pa_bits);
	wp->firstblock = gran == 12 ? 1 : 2;
	unsigned stride = gran - 3;
	wp->start = (uint8_t)(4 - (wp->inbits - gran + stride - 1) / stride);
	set_base(wp, ttb);

	/* With TBI the top byte is not part of the address: canonicalise it for range checks and
	 * TLB tags so tagged and untagged pointers share entries. */
	uint64_t c = va;
	if (tbi)
		c = upper ? (va | MMU_MASK(63, 56)) : (va & ~MMU_MASK(63, 56));
	*cva = c;
	uint64_t hi = c & MMU_MASK(63, wp->inbits);
	return !disabled && hi == (upper ? MMU_MASK(63, wp->inbits) : 0);
}

bool mmu_s2_params(const struct mmu_cpu *cpu, struct mmu_walkparams *wp)
{
	uint64_t vtcr = cpu->regs.vtcr_el2;
	unsigned gran = tg0_bits(MMU_FIELD(vtcr, 15, 14));
	unsigned sl0 = MMU_FIELD(vtcr, 7, 6);
	bool invalid;

	wp->stage = 2;
	wp->gran = (uint8_t)gran;
	wp->inbits = (uint8_t)(64 - clamp_txsz(MMU_FIELD(vtcr, 5, 0)));
	wp->oabits = (uint8_t)mmu_ps_bits(MMU_FIELD(vtcr, 18, 16), cpu->pa_bits);
	wp->firstblock = gran == 12 ? 1 : 2;
	wp->two_priv = false;
	wp->hpd = true; /* stage-2 table descriptors carry no hierarchical attributes */
	wp->via_s2 = false;

	/* AArch64.S2InvalidSL: SL0 means a different level per granule; some need a large PA range. */
	if (gran == 12) {
		wp->start = (uint8_t)(sl0 < 3 ? 2 - sl0 : 0);
		invalid = sl0 == 3 || (sl0 == 2 && cpu->pa_bits < 44);
	} else {
		wp->start = (uint8_t)(3 - sl0);
		invalid = sl0 == 3 || (sl0 == 2 && cpu->pa_bits < (gran == 14 ? 42 : 44));
	}
	/* AArch64.S2InconsistentSL: the start level takes 2 to 16 concatenated tables' worth of bits. */
	int sb = invalid ? 1 : start_bits(wp);
	if (invalid || sb < 1 || sb > (int)gran - 3 + 4)
		return false;
	set_base(wp, cpu->regs.vttbr_el2);
	return true;
}

uint16_t mmu_vmid(const struct mmu_regs *regs)
{
	uint16_t vmid = (uint16_t)MMU_FIELD(regs->vttbr_el2, 63, 48);
	return (regs->vtcr_el2 & MMU_VTCR_VS) ? vmid : (vmid & 0xff);
}
