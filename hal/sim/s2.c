/* Stage 2 for the core: the geometry this machine supports and TLB maintenance mapped onto the
 * MMU models of every pCPU, so a maintenance operation the core forgets leaves a stale entry. */
#include "s2.h"

#include <string.h>

#include "hal/mmu.h"
#include "hal/s2.h"
#include "hal/smmu.h"
#include "machine.h"

/* VTCR_EL2 fields (ARM DDI 0487, D17.2.156). */
#define VTCR_T0SZ(n)   ((uint64_t)(n))
#define VTCR_SL0_L1    (1ull << 6) /* 4 KiB granule: start at level 1 */
#define VTCR_IRGN0_WBA (1ull << 8)
#define VTCR_ORGN0_WBA (1ull << 10)
#define VTCR_SH0_INNER (3ull << 12)
#define VTCR_TG0_4K    (0ull << 14)
#define VTCR_PS_40     (2ull << 16)
#define VTCR_RES1      (1ull << 31)

#define S2_IPA_BITS 40

static bool ram_read64(void *ctx, uint64_t pa, uint64_t *val)
{
	const void *p = hal_pa_to_va(pa_init(pa));

	(void)ctx;
	/* A descriptor is 8-byte aligned, so it never straddles two banks. */
	if (!p)
		return false;
	memcpy(val, p, sizeof(*val));
	return true;
}

void sim_mmu_init(struct mmu_cpu *mmu) { mmu_cpu_init(mmu, (struct mmu_bus){ .read64 = ram_read64 }, SIM_PA_BITS); }

void sim_mmu_load(struct mmu_cpu *mmu, const struct hal_vcpu_ctx *ctx)
{
	struct mmu_regs *r = &mmu->regs;

	r->sctlr_el1 = ctx->el1.sctlr;
	r->tcr_el1 = ctx->el1.tcr;
	r->ttbr0_el1 = ctx->el1.ttbr0;
	r->ttbr1_el1 = ctx->el1.ttbr1;
	r->mair_el1 = ctx->el1.mair;
	r->hcr_el2 = ctx->hcr;
	r->vtcr_el2 = ctx->vtcr;
	r->vttbr_el2 = ctx->vttbr;
}

void sim_mmu_tlbi_all(enum mmu_tlbi_op op, uint64_t xt, uint16_t vmid)
{
	for (unsigned i = 0; i < sim_cpu_count(); i++)
		mmu_tlbi(&sim_cpu_at(i)->mmu, op, xt, vmid);
}

/* 40-bit IPAs from two concatenated level-1 tables: QEMU's default for a 40-bit PA machine, and
 * the smallest geometry that still exercises concatenation. */
void hal_s2_geometry(struct hal_s2_geometry *g)
{
	g->ipa_bits = S2_IPA_BITS;
	g->pa_bits = SIM_PA_BITS;
	g->start_level = 1;
	g->root_pages = 2;
	g->vtcr = VTCR_RES1 | VTCR_PS_40 | VTCR_TG0_4K | VTCR_SH0_INNER | VTCR_ORGN0_WBA | VTCR_IRGN0_WBA |
		  VTCR_SL0_L1 | VTCR_T0SZ(64 - S2_IPA_BITS);
}

/* Descriptor writes reach the models' walks at once (the walker reads RAM on every miss): a DSB
 * has nothing left to order. The TLBs are where the architecture's staleness lives. */
void hal_s2_publish(void) {}

void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	/* IPAS2E1IS takes IPA[47:12] in Xt[35:0]; it leaves combined stage 1+2 entries alone, hence the
	 * VMALLE1IS the architecture requires after it. */
	sim_mmu_tlbi_all(MMU_TLBI_IPAS2E1IS, (ipa_addr(ipa) >> 12) & ((1ull << 36) - 1), vmid);
	sim_mmu_tlbi_all(MMU_TLBI_VMALLE1IS, 0, vmid);
	hal_smmu_flush_ipa(vmid, ipa); /* the SMMU walks the same tables under the same VMID */
}

void hal_s2_flush_vmid(uint16_t vmid)
{
	sim_mmu_tlbi_all(MMU_TLBI_VMALLS12E1IS, 0, vmid);
	hal_smmu_flush_vmid(vmid);
}
