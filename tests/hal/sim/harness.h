/* A small sim machine for unit tests: the test supplies what the boot CPU runs instead of the core.
 * Assertions belong after harness_run returns: CMocka cannot unwind out of a pCPU's stack. */
#pragma once

#include <stddef.h>

#include "sim/machine.h"

#define HARNESS_RAM_BASE 0x40000000ull
#define HARNESS_RAM_SIZE (16ull << 20)
#define HARNESS_UART     0x09000000ull
#define HARNESS_GICD     0x08000000ull /* GICv3 as QEMU's virt */
#define HARNESS_GICR     0x080a0000ull

/* 4 CPUs with MPIDRs 0, 1, 2 and 0x100, the RAM above, the PL011, a GICv3 with QEMU's timer PPIs,
 * PSCI over SMC. */
extern struct platform harness_plat;
extern char harness_console[4096];
extern size_t harness_console_len;
extern paddr_t harness_fdt; /* what the boot CPU was given */
/* The guest programs the machine has (none after harness_reset). */
extern const struct sim_program *harness_programs;
extern unsigned harness_nprograms;

/* Restores harness_plat and the programs, and clears the console. */
void harness_reset(void);

/* Builds the machine from harness_plat and runs @boot on the boot CPU (hal_exit(0) if it returns)
 * and @secondary (idling forever if NULL) on every CPU started. Returns the run's status. */
int harness_run(void (*boot)(void), void (*secondary)(unsigned), uint64_t seed, uint64_t until_ticks,
		struct sim_result *r);
