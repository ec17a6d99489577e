/* The system MMU as the core sees it: device streams confined to a domain's stage 2 (the same
 * VMSAv8-64 tables and VMID the CPUs use), their TLB kept coherent, their faults read back. */
#pragma once

#include "hal/types.h"

/* The SMMU the host tree describes (an Arm SMMUv3: IHI 0070). */
struct hal_smmu_desc {
	paddr_t base; /* its 128 KiB programming interface */
	uint64_t size;
	uint32_t evtq_intid;   /* the "eventq" SPI, 0 if none */
	uint32_t gerror_intid; /* the "gerror" SPI, 0 if none */
};

/* Memory the HAL keeps its stream table and queues in: contiguous RAM of this order (pages),
 * naturally aligned and zeroed, given by the core at probe and never freed. */
#define HAL_SMMU_MEM_ORDER 3

/* Stream IDs a domain's device may have: the linear stream table's size. */
#define HAL_SMMU_MAX_SIDS 256u

/* Brings the SMMU at @d up with every stream aborted, its tables and queues in @mem (@mem_va the
 * hypervisor's view of it). 0, -XEN_ENODEV (not an SMMU this HAL drives: no stage 2, no AArch64
 * tables, no 4 KiB granule) or -XEN_EIO (it did not acknowledge). */
int hal_smmu_probe(const struct hal_smmu_desc *d, paddr_t mem, void *mem_va);

/* What the SMMU hal_smmu_probe looked at says of itself (raw ID registers, IHI 0070 6.3.1-6). */
struct hal_smmu_id {
	uint32_t idr0, idr1, idr5, aidr;
};
void hal_smmu_id(struct hal_smmu_id *id);

/* Stream @sid translated through the stage 2 at @root (VTTBR_EL2's BADDR) under @vmid with
 * VTCR_EL2 @vtcr's geometry, from the next transaction on. -XEN_EINVAL for a SID past
 * HAL_SMMU_MAX_SIDS or a VTCR the SMMU cannot walk, -XEN_ENODEV if no SMMU was probed. */
int hal_smmu_attach(uint32_t sid, uint16_t vmid, paddr_t root, uint64_t vtcr);

/* Stream @sid aborted again (its STE invalid: accesses fault and are reported), its cached
 * configuration invalidated; when it was its VMID's last stream, the VMID's TLB entries too. */
void hal_smmu_detach(uint32_t sid);

/* Invalidate the SMMU's stage-2 TLB entries for @vmid (all, or those of @ipa's page) and wait for
 * completion. Cheap when no stream uses @vmid: hyp/mm calls these beside every CPU TLB flush. */
void hal_smmu_flush_vmid(uint16_t vmid);
void hal_smmu_flush_ipa(uint16_t vmid, ipa_t ipa);

/* One recorded fault, oldest first. */
struct hal_smmu_fault {
	uint32_t sid;
	uint8_t type;  /* the SMMUv3 event type: 0x10 F_TRANSLATION, 0x04 C_BAD_STE, ... */
	bool write;    /* the device was writing */
	bool stage2;   /* the fault was in stage 2 */
	uint64_t addr; /* the address the device issued (the IPA) */
};

/* Takes the oldest fault record: true with *@f set, false when none is left. Also clears what
 * the event queue's interrupt was raised for (the level drops once the queue is empty). */
bool hal_smmu_fault_pop(struct hal_smmu_fault *f);

/* Overflows since the last call (records the SMMU dropped because the queue was full). */
unsigned hal_smmu_fault_lost(void);
