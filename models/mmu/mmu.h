/* A VMSAv8-64 MMU model: stage-1 and stage-2 table walks, the TLB that caches them, TLBI and AT,
 * and the fault syndromes (ESR/FAR/HPFAR/PAR) a real PE reports. Knows nothing of hyp/. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Where descriptors come from. read64 returns false when nothing backs @pa: the walk then takes a
 * synchronous external abort, as a real walk on an unbacked address would. Tables are little-endian. */
struct mmu_bus {
	bool (*read64)(void *ctx, uint64_t pa, uint64_t *val);
	void *ctx;
};

/* The registers that steer translation, holding exactly what software wrote; the model decodes them
 * on every miss, so a write takes effect on the next access (TLB contents stay, as on hardware). */
struct mmu_regs {
	uint64_t sctlr_el1, tcr_el1, ttbr0_el1, ttbr1_el1, mair_el1; /* the guest's stage 1 */
	uint64_t hcr_el2, vtcr_el2, vttbr_el2;                       /* the hypervisor's stage 2 */
	uint64_t sctlr_el2, tcr_el2, ttbr0_el2, mair_el2;            /* the hypervisor's own stage 1 */
};

enum mmu_acc_type { MMU_LOAD, MMU_STORE, MMU_FETCH };

/* One guest (or hypervisor) access. el 0/1 use the EL1&0 regime (plus stage 2 when HCR_EL2.VM);
 * el 2 uses the EL2 regime. The iss_* fields feed ESR.ISV and are the caller's to give: set
 * iss_valid only for a single general-register load/store without writeback (LDR/STR/LDAR/STLR...). */
struct mmu_access {
	uint64_t va;
	uint8_t type; /* enum mmu_acc_type */
	uint8_t el;
	uint8_t size; /* bytes: 1, 2, 4 or 8 (ESR.SAS) */
	bool iss_valid;
	uint8_t srt; /* Rt */
	bool sse;    /* sign-extending load */
	bool sf;     /* Rt is a 64-bit (X) register */
	bool ar;     /* acquire/release */
};

enum mmu_fault_kind {
	MMU_FAULT_NONE,
	MMU_FAULT_ADDR_SIZE,
	MMU_FAULT_TRANSLATION,
	MMU_FAULT_ACCESS_FLAG,
	MMU_FAULT_PERMISSION,
	MMU_FAULT_EXT_ABORT_WALK, /* synchronous external abort on a translation table walk */
};

/* A fault ready to deliver: the exception goes to target_el with ESR_<target_el> = esr and
 * FAR_<target_el> = far. A stage-1 fault of an EL0/EL1 access goes straight to the guest's EL1
 * (esr is then the guest's ESR_EL1, EC 0x24/0x20 from EL0, 0x25/0x21 from EL1); a stage-2 fault,
 * S1PTW included, goes to EL2 with EC 0x24/0x20. HPFAR_EL2 is only meaningful when hpfar_valid:
 * like hardware, a stage-2 permission fault outside a stage-1 walk does not give the IPA (use AT). */
struct mmu_fault {
	uint8_t kind; /* enum mmu_fault_kind */
	uint8_t level;
	uint8_t stage; /* 1 or 2 */
	bool s1ptw;    /* stage-2 fault on a stage-1 table walk */
	uint8_t target_el;
	uint64_t esr;
	uint64_t far;
	bool hpfar_valid;
	uint64_t hpfar;
	uint64_t ipa; /* the IPA stage 2 was translating (stage-2 faults) */
};

#define MMU_PERM_R 1u
#define MMU_PERM_W 2u
#define MMU_PERM_X 4u

/* Shareability in the descriptor/PAR encoding. */
#define MMU_SH_NON   0u
#define MMU_SH_OUTER 2u
#define MMU_SH_INNER 3u

struct mmu_result {
	uint64_t pa;
	uint64_t ipa;      /* stage-1 output (the VA when stage 1 is off) */
	uint8_t attr;      /* final memory type as a MAIR_ELx attribute byte (0x00 Device-nGnRnE, 0xff WB...) */
	uint8_t sh;        /* MMU_SH_* after combining stages (Device and Normal-NC report outer) */
	uint8_t perm;      /* MMU_PERM_* the mapping grants at the access's EL, both stages combined */
	uint8_t size_log2; /* the translation holds for the aligned 2^size_log2 bytes around va */
	bool tlb_hit;
	struct mmu_fault fault; /* kind MMU_FAULT_NONE on success */
};

/* The TLB caches completed walks (never faults, never AF=0 entries). Entry kinds, by what they hold: */
enum mmu_tlb_kind {
	MMU_TLB_S12 = 1, /* EL1&0 VA -> PA through both stages (a combined entry) */
	MMU_TLB_S1,      /* EL1&0 VA -> PA with stage 2 off */
	MMU_TLB_S2,      /* IPA -> PA, stage 2 only: stage-1-off accesses, stage-1 table walks, final IPAs */
	MMU_TLB_EL2,     /* EL2 regime VA -> PA */
};

struct mmu_tlb_entry {
	uint64_t va; /* input address (VA or IPA), aligned to 2^size */
	uint64_t ipa, pa;
	uint16_t vmid, asid;
	uint8_t kind, size, global, valid;
	uint8_t s1_level, s2_level, s1_perm, s2_perm; /* s1_perm: EL0 RWX in bits 0-2, EL1/EL2 RWX in 3-5 */
	uint8_t s1_attr, s1_sh, s2_attr, s2_sh;       /* per-stage attributes, MAIR byte + SH */
};

#define MMU_TLB_SETS 64
#define MMU_TLB_WAYS 4

struct mmu_tlb {
	struct mmu_tlb_entry e[MMU_TLB_SETS][MMU_TLB_WAYS];
	uint8_t next[MMU_TLB_SETS]; /* round-robin victim per set: deterministic */
	uint64_t sizes;             /* bit n: entries of 2^n bytes may be present (the sizes a lookup probes) */
	bool disabled;              /* every access walks (benchmarks, reference comparisons) */
};

struct mmu_stats {
	uint64_t translations, tlb_hits, tlb_misses, walks, desc_reads, faults;
	uint64_t tlbi_ops, tlb_evictions, tlb_overlaps; /* overlaps: a fill covering a live entry (missing TLBI) */
};

/* One PE's MMU: its registers, the bus it walks over, its private TLB and counters. */
struct mmu_cpu {
	struct mmu_regs regs;
	struct mmu_bus bus;
	uint8_t pa_bits; /* implemented PA size (ID_AA64MMFR0_EL1.PARange): 32, 36, 40, 42, 44 or 48 */
	struct mmu_tlb tlb;
	struct mmu_stats stats;
};

void mmu_cpu_init(struct mmu_cpu *cpu, struct mmu_bus bus, unsigned pa_bits);

/* Translates one access. True: res->pa etc. are valid. False: res->fault says what to deliver. */
bool mmu_translate(struct mmu_cpu *cpu, const struct mmu_access *acc, struct mmu_result *res);

/* AT instructions as executed at EL2 (the core translating a guest address). */
enum mmu_at_op {
	MMU_AT_S1E1R,
	MMU_AT_S1E1W,
	MMU_AT_S1E0R,
	MMU_AT_S1E0W,
	MMU_AT_S12E1R,
	MMU_AT_S12E1W,
	MMU_AT_S12E0R,
	MMU_AT_S12E0W,
	MMU_AT_S1E2R,
	MMU_AT_S1E2W,
};

/* Writes PAR_EL1 (F=0: PA, ATTR, SH; F=1: FST, PTW, S) and returns true; returns false when the
 * AT instead takes a synchronous external abort on its walk (*exc), which PAR cannot report. */
bool mmu_at(struct mmu_cpu *cpu, enum mmu_at_op op, uint64_t va, uint64_t *par, struct mmu_fault *exc);

/* TLB maintenance the core issues. xt is the instruction's register operand in the architectural
 * layout (VA[55:12] in bits 43:0 and ASID in 63:48 for VA ops; IPA[47:12] in bits 35:0 for IPAS2).
 * vmid is the issuing PE's current VMID (mmu_vmid of its VTTBR_EL2). The model caches no partial
 * walks, so the last-level (L) forms act like the full ones. IPAS2* removes stage-2-only entries
 * and never combined ones: after changing a stage-2 entry the core needs VMALLE1 as well. */
/* Each IS (inner-shareable broadcast) form directly follows its local form. */
enum mmu_tlbi_op {
	MMU_TLBI_VMALLS12E1,
	MMU_TLBI_VMALLS12E1IS,
	MMU_TLBI_VMALLE1,
	MMU_TLBI_VMALLE1IS,
	MMU_TLBI_IPAS2E1,
	MMU_TLBI_IPAS2E1IS,
	MMU_TLBI_IPAS2LE1,
	MMU_TLBI_IPAS2LE1IS,
	MMU_TLBI_VAE1,
	MMU_TLBI_VAE1IS,
	MMU_TLBI_VALE1,
	MMU_TLBI_VALE1IS,
	MMU_TLBI_VAAE1,
	MMU_TLBI_VAAE1IS,
	MMU_TLBI_ASIDE1,
	MMU_TLBI_ASIDE1IS,
	MMU_TLBI_ALLE1,
	MMU_TLBI_ALLE1IS,
	MMU_TLBI_ALLE2,
	MMU_TLBI_ALLE2IS,
	MMU_TLBI_VAE2,
	MMU_TLBI_VAE2IS,
};

/* Applies @op to @cpu's TLB only. For an IS op (mmu_tlbi_broadcast) the caller applies it to every
 * PE's TLB in the inner-shareable domain, with the issuer's vmid: that is how a missing IS shows. */
void mmu_tlbi(struct mmu_cpu *cpu, enum mmu_tlbi_op op, uint64_t xt, uint16_t vmid);
bool mmu_tlbi_broadcast(enum mmu_tlbi_op op);

/* The VMID in VTTBR_EL2 (8 or 16 bits per VTCR_EL2.VS). */
uint16_t mmu_vmid(const struct mmu_regs *regs);
