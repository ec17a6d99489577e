/* Faults in the architectural formats: ESR_ELx (EC, IL, ISS with DFSC/IFSC, WnR, S1PTW and the ISV
 * instruction syndrome), FAR, HPFAR_EL2, and PAR_EL1 for AT, so the core decodes sim faults as real ones. */
#include "models/mmu/mmu_internal.h"

#define EC_IABT_LOW 0x20u
#define EC_DABT_LOW 0x24u

void mmu_fault_set(struct mmu_fault *f, unsigned kind, unsigned level, unsigned stage)
{
	f->kind = (uint8_t)kind;
	f->level = (uint8_t)level;
	f->stage = (uint8_t)stage;
	f->s1ptw = false;
	f->ipa = 0;
}

/* DFSC/IFSC/PAR.FST: the fault type in bits [5:2], the lookup level in [1:0]. */
unsigned mmu_fault_fsc(const struct mmu_fault *f)
{
	static const uint8_t type[] = {
		[MMU_FAULT_ADDR_SIZE] = 0x00,  [MMU_FAULT_TRANSLATION] = 0x04,    [MMU_FAULT_ACCESS_FLAG] = 0x08,
		[MMU_FAULT_PERMISSION] = 0x0c, [MMU_FAULT_EXT_ABORT_WALK] = 0x14,
	};
	return type[f->kind] | (f->level & 3u);
}

static unsigned sas_of(unsigned size) { return size >= 8 ? 3 : size >= 4 ? 2 : size >= 2 ? 1 : 0; }

void mmu_fault_report(const struct mmu_cpu *cpu, const struct mmu_access *acc, struct mmu_fault *f)
{
	bool fetch = acc->type == MMU_FETCH;
	uint64_t iss = mmu_fault_fsc(f);

	(void)cpu;
	/* Stage-2 faults belong to the hypervisor; a guest's stage-1 faults go straight to its EL1
	 * (HCR_EL2.TGE and TEA taken as 0); the EL2 regime's faults stay at EL2. */
	f->target_el = (f->stage == 2 || acc->el == 2) ? 2 : 1;
	unsigned ec = (fetch ? EC_IABT_LOW : EC_DABT_LOW) | (acc->el == f->target_el ? 1u : 0u);

	if (f->s1ptw)
		iss |= MMU_BIT(7);
	if (!fetch) {
		/* WnR reports the instruction, also for a fault on its stage-1 walk (as QEMU does). */
		if (acc->type == MMU_STORE)
			iss |= MMU_BIT(6);
		/* ISV: only for a stage-2 fault on the access itself, never on a walk, and (as with
		 * FEAT_RAS) never for an external abort. */
		if (f->stage == 2 && !f->s1ptw && f->kind != MMU_FAULT_EXT_ABORT_WALK && acc->iss_valid)
			iss |= MMU_BIT(24) | (uint64_t)sas_of(acc->size) << 22 | (uint64_t)acc->sse << 21 |
			       (uint64_t)(acc->srt & 31) << 16 | (uint64_t)acc->sf << 15 | (uint64_t)acc->ar << 14;
	}
	f->esr = (uint64_t)ec << 26 | MMU_BIT(25) | iss;
	f->far = acc->va;
	/* The ARM ARM's IPAValid(): HPFAR is UNKNOWN for a stage-2 permission fault on the access
	 * itself and for external aborts; the model leaves it 0 then so nothing comes to rely on it. */
	f->hpfar_valid =
	    f->stage == 2 && f->kind != MMU_FAULT_EXT_ABORT_WALK && (f->s1ptw || f->kind != MMU_FAULT_PERMISSION);
	f->hpfar = f->hpfar_valid ? (f->ipa & MMU_MASK(47, 12)) >> 8 : 0;
}

uint64_t mmu_par_ok(uint64_t pa, uint8_t attr, uint8_t sh)
{
	/* F=0: ATTR[63:56], PA[47:12], bit 11 RES1, SH[8:7]. */
	return (uint64_t)attr << 56 | (pa & MMU_MASK(47, 12)) | MMU_BIT(11) | (uint64_t)sh << 7;
}

uint64_t mmu_par_fault(const struct mmu_fault *f)
{
	/* F=1: bit 11 RES1, S[9] (stage 2), PTW[8] (on a stage-1 walk), FST[6:1]. */
	return MMU_BIT(11) | (uint64_t)(f->stage == 2) << 9 | (uint64_t)f->s1ptw << 8 |
	       (uint64_t)mmu_fault_fsc(f) << 1 | 1u;
}
