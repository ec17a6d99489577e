/* hal_s2_*: the stage-2 geometry this CPU implements and the TLB maintenance hyp/mm asks for.
 * TLBI by IPA or VMID acts on the VMID in VTTBR_EL2, so the flushes borrow it for a moment. */
#include "hal/s2.h"
#include "hal/smmu.h"

#include "arch.h"

#define IPA_BITS_MAX 40 /* level-1 start with at most two concatenated root tables */

#define VTCR_RES1       (UL(1) << 31)
#define VTCR_SL0_L1     (UL(1) << 6) /* 4 KiB granule: start at level 1 */
#define VTCR_IRGN0_WBWA (UL(1) << 8)
#define VTCR_ORGN0_WBWA (UL(1) << 10)
#define VTCR_SH0_INNER  (UL(3) << 12)
#define VTCR_PS_SHIFT   16 /* TG0 = 0 (4 KiB) and VS = 0 (8-bit VMID) */

#define VTTBR_BADDR_MASK UL(0x0000fffffffffffe)

void hal_s2_geometry(struct hal_s2_geometry *g)
{
	static const unsigned parange_bits[] = { 32, 36, 40, 42, 44, 48 };
	uint64_t parange = sysreg_read(id_aa64mmfr0_el1) & 0xf;

	/* 52 bits would need FEAT_LPA's descriptor format; encodings past it are larger still. */
	if (parange > PARANGE_48)
		parange = PARANGE_48;
	g->pa_bits = parange_bits[parange];
	g->ipa_bits = g->pa_bits < IPA_BITS_MAX ? g->pa_bits : IPA_BITS_MAX;
	g->start_level = 1;
	/* A level-1 table resolves 39 bits; each IPA bit beyond doubles the concatenated root. */
	g->root_pages = g->ipa_bits > 39 ? 1u << (g->ipa_bits - 39) : 1;
	g->vtcr = VTCR_RES1 | (64 - g->ipa_bits) | VTCR_SL0_L1 | VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA | VTCR_SH0_INNER |
		  parange << VTCR_PS_SHIFT;
}

void hal_s2_publish(void) { __asm__ volatile("dsb ishst" ::: "memory"); }

/* The base address stays: only the VMID matters to TLBI, and the live tables keep any walk sane. */
static uint64_t vttbr_for(uint16_t vmid, uint64_t live) { return (uint64_t)vmid << 48 | (live & VTTBR_BADDR_MASK); }

void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	uint64_t live = sysreg_read(vttbr_el2);

	/* Stage-2 entries first, then the combined entries built on them, each waited for. */
	__asm__ volatile("dsb ishst\n\t"
			 "msr vttbr_el2, %0\n\t"
			 "isb\n\t"
			 "tlbi ipas2e1is, %1\n\t"
			 "dsb ish\n\t"
			 "tlbi vmalle1is\n\t"
			 "dsb ish\n\t"
			 "isb\n\t"
			 "msr vttbr_el2, %2\n\t"
			 "isb" ::"r"(vttbr_for(vmid, live)),
			 "r"(ipa_addr(ipa) >> 12), "r"(live)
			 : "memory");
	hal_smmu_flush_ipa(vmid, ipa); /* the SMMU walks the same tables under the same VMID */
}

void hal_s2_flush_vmid(uint16_t vmid)
{
	uint64_t live = sysreg_read(vttbr_el2);

	__asm__ volatile("dsb ishst\n\t"
			 "msr vttbr_el2, %0\n\t"
			 "isb\n\t"
			 "tlbi vmalls12e1is\n\t"
			 "dsb ish\n\t"
			 "isb\n\t"
			 "msr vttbr_el2, %1\n\t"
			 "isb" ::"r"(vttbr_for(vmid, live)),
			 "r"(live)
			 : "memory");
	hal_smmu_flush_vmid(vmid);
}
