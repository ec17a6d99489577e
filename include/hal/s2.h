/* Stage-2 translation as the HAL sees it: hyp/mm builds VMSAv8-64 stage-2 tables in RAM; the HAL
 * chooses the geometry this CPU supports and performs the TLB maintenance, with its barriers. */
#pragma once

#include "hal/types.h"

struct hal_s2_geometry {
	unsigned ipa_bits;    /* guest physical address size (VTCR_EL2.T0SZ = 64 - ipa_bits) */
	unsigned pa_bits;     /* output size (VTCR_EL2.PS) */
	unsigned start_level; /* 0 or 1 with the 4 KiB granule */
	unsigned root_pages;  /* concatenated tables at the start level: 1..16 */
	uint64_t vtcr;        /* the complete VTCR_EL2 value (4 KiB granule, WBWA inner-shareable walks) */
};

void hal_s2_geometry(struct hal_s2_geometry *g);

/* Makes table writes visible to table walks on every CPU (DSB ISHST). Call after writing
 * descriptors and before relying on them, e.g. before entering the guest. */
void hal_s2_publish(void);

/* Invalidates every CPU's TLB entries for @ipa's page (any level) under @vmid, stage 2 and the
 * combined stage-1+2 entries that used it (IPAS2E1IS then VMALLE1IS), and waits for completion. */
void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa);

/* Invalidates everything cached for @vmid, both stages, on every CPU (VMALLS12E1IS). Both flushes
 * also invalidate the SMMU's TLB for @vmid when a device stream is attached to it (hal/smmu.h). */
void hal_s2_flush_vmid(uint16_t vmid);
