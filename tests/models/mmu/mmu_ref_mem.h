/* The reference's memory-attribute helpers (decoded fields, not MAIR nibbles, on purpose), shared
 * by mmu_ref.c only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "models/mmu/mmu.h"

enum { C_NC, C_WT, C_WB };

struct half {
	int cache, hints;
	bool transient;
};

struct mem {
	bool device;
	int devtype; /* 0 nGnRnE .. 3 GRE */
	struct half in, out;
	int sh; /* raw SH */
};

struct mem ref_mem_from_mair(uint8_t byte, int sh);
struct mem ref_mem_from_s2(unsigned memattr, int sh);
struct mem ref_normal_nc(int sh);
struct mem ref_s1_off_mem(uint64_t sctlr, unsigned type);
struct mem ref_combine(struct mem s1, struct mem s2);
uint8_t ref_mem_encode(struct mem m);
int ref_effective_sh(struct mem m);
