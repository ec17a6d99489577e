/* The EL2 stage-1 identity map, built twice: early (MMU off, before the DT is parsed) and final
 * (from struct platform). start.S loads mmu_regs on every CPU to turn the MMU on. */
#pragma once

#include "hal/platform.h"

/* Field order is start.S's: it loads them with two ldp. */
struct mmu_regs {
	uint64_t mair;
	uint64_t tcr;
	uint64_t ttbr0;
	uint64_t sctlr;
};

extern struct mmu_regs mmu_regs;

/* The early map's Device window: [0, MMU_EARLY_DEVICE_LIMIT). */
#define MMU_EARLY_DEVICE_LIMIT (1ULL << 39)

/* Runs with the MMU off: image and FDT Normal, the rest of the low 512 GiB Device, all XN but text. */
void mmu_early(uint64_t fdt_pa);

/* Builds the final map (RAM banks, the FDT, the image, @plat's devices) and switches to it.
 * On error the early map stays in place. Returns 0 or a negative Xen errno. */
int mmu_final(const struct platform *plat);

/* Adds a device region to the live final map (Device-nGnRE, XN) for a driver that finds its device
 * after boot (the SMMU). Refused over RAM, the image or the tree; only invalid entries change, so
 * no break-before-make is needed. Returns 0 or a negative Xen errno. */
int mmu_map_device(struct plat_region r);
