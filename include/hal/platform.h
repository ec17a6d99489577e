/* The machine as the host device tree describes it: memory, CPUs, GIC, timer, console, PSCI.
 * hyp/dt fills it (the same parser in both worlds); each HAL configures itself from it. */
#pragma once

#include "hal/types.h"

#define PLAT_MAX_MEM_BANKS    8
#define PLAT_MAX_CPUS         16
#define PLAT_MAX_GICR_REGIONS 4
#define PLAT_PATH_MAX         128

/* The largest host tree accepted (the arm64 boot protocol's limit; QEMU's is 1 MiB): a HAL maps
 * this much at the tree's address, so a hostile header cannot send the parser past the mapping. */
#define PLAT_FDT_MAX_SIZE (2u << 20)

struct plat_region {
	paddr_t base;
	uint64_t size;
};

enum plat_psci_conduit { PLAT_PSCI_NONE, PLAT_PSCI_SMC, PLAT_PSCI_HVC };

struct platform {
	struct plat_region mem[PLAT_MAX_MEM_BANKS];
	unsigned mem_count;

	/* DT order; hyp/core puts the boot CPU at index 0 before bring-up. */
	uint64_t cpu_mpidr[PLAT_MAX_CPUS];
	unsigned cpu_count;

	struct {
		unsigned version; /* 2 or 3 */
		struct plat_region dist;
		struct plat_region cpuif;                         /* v2: GICC */
		struct plat_region hyp;                           /* v2: GICH */
		struct plat_region vcpu;                          /* v2: GICV */
		struct plat_region redist[PLAT_MAX_GICR_REGIONS]; /* v3 */
		unsigned redist_count;
		unsigned maint_intid;
		unsigned nr_spis; /* GICD_TYPER.ITLinesNumber's SPIs, from hal_platform_init; 0: unknown */
	} gic;

	/* INTIDs of the generic timer PPIs, in the binding's order. */
	struct {
		unsigned sec_phys, ns_phys, virt, hyp;
	} timer;

	struct {
		struct plat_region regs;
		unsigned intid;
		char path[PLAT_PATH_MAX];
	} uart;

	enum plat_psci_conduit psci;

	/* /chosen: xen,xen-bootargs, else bootargs; points into the FDT. */
	const char *bootargs;

	/* Set by the core from bootargs: test runs exit through semihosting with a status. */
	bool semihosting;
};

/* Bring up the console UART and the hypervisor's final memory map for @plat, and fill in what only
 * the hardware tells (gic.nr_spis). Returns 0 or a negative errno; the console works from here on
 * if it returns 0. */
int hal_platform_init(struct platform *plat);
