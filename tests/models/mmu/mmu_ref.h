/* An independent reference for the MMU model, used only by the property test: a recursive walk
 * written from the ARM ARM pseudocode with its own decoding, no TLB and no code shared with models/mmu. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "models/mmu/mmu.h"

struct ref_machine {
	const struct mmu_regs *regs;
	unsigned pa_bits;
	struct mmu_bus bus;
};

struct ref_out {
	bool ok;
	uint64_t pa, ipa;
	uint8_t attr, sh, perm, size;
	/* on a fault */
	int kind, level, stage;
	bool s1ptw;
	uint64_t fipa; /* IPA stage 2 was translating */
	int target_el;
	uint64_t esr, far, hpfar;
	bool hpfar_valid;
};

/* A whole access, as mmu_translate does it. */
void ref_translate(const struct ref_machine *m, const struct mmu_access *acc, struct ref_out *out);
/* An AT instruction at EL2: true with *par, or false with the exception's ESR in *esr. */
bool ref_at(const struct ref_machine *m, enum mmu_at_op op, uint64_t va, uint64_t *par, uint64_t *esr);
