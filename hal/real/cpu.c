/* Physical CPU identity, bring-up through PSCI CPU_ON, waiting and waking, the system counter.
 * TPIDR_EL2 names the CPU (pcpu.h): start.S sets it before any C runs on that CPU. */
#include <stddef.h>

#include "hal/cpu.h"
#include "hal/exception.h"
#include "hal/platform.h"
#include "hal/psci.h"
#include "hal/timer.h"
#include "public/errno.h"
#include "arch.h"
#include "pcpu.h"
#include "vcpu.h"

_Static_assert(REAL_MAX_CPUS == PLAT_MAX_CPUS, "start.S sizes its stacks by REAL_MAX_CPUS");
_Static_assert(offsetof(struct hal_frame, x[30]) == FRAME_X30, "vectors.S frame layout");
_Static_assert(offsetof(struct hal_frame, sp) == FRAME_SP, "vectors.S frame layout");
_Static_assert(offsetof(struct hal_frame, elr) == FRAME_ELR, "vectors.S frame layout");
_Static_assert(offsetof(struct hal_frame, spsr) == FRAME_SPSR, "vectors.S frame layout");
_Static_assert(offsetof(struct hal_frame, esr) == FRAME_ESR, "vectors.S frame layout");
_Static_assert(offsetof(struct hal_frame, far) == FRAME_FAR, "vectors.S frame layout");
_Static_assert(offsetof(struct hal_frame, hpfar) == FRAME_HPFAR, "vectors.S frame layout");
_Static_assert(sizeof(struct hal_frame) <= FRAME_SIZE && FRAME_SIZE % 16 == 0, "vectors.S frame size");
_Static_assert(sizeof(struct pcpu) == 1 << PCPU_SHIFT, "one cache line per CPU");

#define MPIDR_AFF_MASK UL(0xff00ffffff)

extern char start_secondary[] __attribute__((visibility("hidden")));

struct pcpu pcpus[REAL_MAX_CPUS];

unsigned hal_cpu_id(void) { return pcpu_index(); }

uint64_t hal_cpu_mpidr(void) { return sysreg_read(mpidr_el1) & MPIDR_AFF_MASK; }

int hal_cpu_start(unsigned idx, uint64_t mpidr)
{
	/* start.S trusts the context id for its stack; index 0 is the boot CPU's. */
	if (idx == 0 || idx >= PLAT_MAX_CPUS)
		return -XEN_EINVAL;
	/* Identity map: the entry's VA is its PA. mmu_regs was cleaned to PoC by mmu_final. */
	return hal_psci_errno(hal_psci_call(PSCI_CPU_ON_64, mpidr, (uintptr_t)start_secondary, idx));
}

/* WFE, woken by hal_cpu_kick's SEV: no interrupt can wake a WFI until a GIC driver sends SGIs.
 * A vCPU's state goes back to its ctx first, so no other CPU ever waits for an idle one. */
void hal_cpu_idle(void)
{
	vcpu_release();
	__asm__ volatile("dsb sy\n\twfe" ::: "memory");
}

void hal_cpu_kick(unsigned cpu)
{
	(void)cpu;
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
}

void hal_cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

uint64_t hal_counter_now(void)
{
	/* The ISB keeps the read from being hoisted above earlier instructions. */
	__asm__ volatile("isb" ::: "memory");
	return sysreg_read(cntpct_el0);
}

uint64_t hal_counter_freq(void) { return sysreg_read(cntfrq_el0); }
