/* The CPU, timer and exit parts of the HAL: what a pCPU asks of the machine it runs on. */
#include "console.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/psci.h"
#include "hal/timer.h"
#include "irq.h"
#include "machine.h"
#include "public/errno.h"
#include "trace.h"

unsigned hal_cpu_id(void)
{
	struct sim_cpu *c = sim_current();
	return c ? c->logical : 0;
}

uint64_t hal_cpu_mpidr(void)
{
	struct sim_cpu *c = sim_current();
	return c ? c->mpidr : 0;
}

int hal_cpu_start(unsigned idx, uint64_t mpidr)
{
	/* Index 0 is the boot CPU's; the real HAL sizes per-CPU stacks by PLAT_MAX_CPUS. */
	if (idx == 0 || idx >= PLAT_MAX_CPUS)
		return -XEN_EINVAL;
	return hal_psci_errno(hal_psci_call(PSCI_CPU_ON_64, mpidr, sim_secondary_entry(), idx));
}

/* The last vCPU's virtual timer goes off first, as hal/real's does: the core forwards the
 * deadlines of vCPUs that are not running with its own timer. WFI wakes on any pending physical
 * interrupt (EL2 never takes them asynchronously here); the core then acknowledges it. */
void hal_cpu_idle(void)
{
	struct sim_cpu *c = sim_current();

	if (c) {
		sim_irq_idle(c);
		sim_trace_idle(c);
	}
	sim_wfi();
}

void hal_cpu_relax(void) { sim_yield(); }

uint64_t hal_counter_now(void) { return sim_now(); }

uint64_t hal_counter_freq(void) { return SIM_COUNTER_HZ; }

HAL_NORETURN void hal_exit(int status)
{
	sim_console_flush();
	sim_stop(SIM_STOP_EXIT, status, "exit status %d", status);
}

HAL_NORETURN void hal_panic_stop(int status)
{
	sim_console_flush();
	sim_stop(SIM_STOP_PANIC, status, "panic, status %d", status);
}
