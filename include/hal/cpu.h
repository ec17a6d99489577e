/* Physical CPU identity, bring-up and waiting.
 * Logical CPU 0 is the boot CPU; the others are numbered as hyp/core starts them. */
#pragma once

#include "hal/types.h"

/* This CPU's logical index. */
unsigned hal_cpu_id(void);

/* This CPU's MPIDR affinity (Aff3..Aff0, as the device tree's cpu reg names it). */
uint64_t hal_cpu_mpidr(void);

/* Start the CPU with affinity @mpidr as logical CPU @idx: it enters hyp_secondary_start(idx).
 * Returns 0 or a negative errno (the PSCI error translated). */
int hal_cpu_start(unsigned idx, uint64_t mpidr);

/* Wait for an interrupt (WFI). May return spuriously. */
void hal_cpu_idle(void);

/* Called in every spin-wait: lets the sim run the CPU being waited for. */
void hal_cpu_relax(void);

/* Wakes pCPU @cpu if it waits in hal_cpu_idle, so it looks at its run queue again (a vCPU was
 * queued there). Harmless if it is running; the callee sees every queue write made before. */
void hal_cpu_kick(unsigned cpu);
