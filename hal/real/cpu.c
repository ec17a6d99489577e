/* Physical CPU identity, bring-up through PSCI CPU_ON, waiting and waking, the system counter.
 * TPIDR_EL2 names the CPU (pcpu.h): start.S sets it before any C runs on that CPU. */
#include <stddef.h>

#include "hal/cpu.h"
#include "hal/exception.h"
#include "hal/gic.h"
#include "hal/platform.h"
#include "hal/psci.h"
#include "hal/timer.h"
#include "public/errno.h"
#include "arch.h"
#include "gic.h"
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

#define MPIDR_AFF_MASK   UL(0xff00ffffff)
#define CNTHP_CTL_ENABLE UL(1) /* IMASK clear */

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

/* No vCPU stays in the hardware while the CPU waits: its state goes back to its ctx (so no other
 * CPU waits for an idle one), its timer and virtual interface off (so nothing of it interrupts).
 * WFI wakes on a pending interrupt even with PSTATE.I set, as EL2 always runs; the core then
 * acknowledges it. Before hal_irq_cpu_init a CPU has no interrupts: WFE, woken by SEV. */
void hal_cpu_idle(void)
{
	vcpu_release();
	sysreg_write(cntv_ctl_el0, 0);
	gic_vcpu_off();
	if (gic_cpu_ready(pcpu_index()))
		__asm__ volatile("dsb sy\n\twfi" ::: "memory");
	else
		__asm__ volatile("dsb sy\n\twfe" ::: "memory");
}

void hal_cpu_kick(unsigned cpu)
{
	if (gic_cpu_ready(cpu)) {
		hal_irq_send_sgi(cpu, HAL_SGI_KICK);
		return;
	}
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

void hal_timer_arm(uint64_t deadline)
{
	if (deadline == UINT64_MAX) {
		sysreg_write(cnthp_ctl_el2, 0);
	} else {
		sysreg_write(cnthp_cval_el2, deadline);
		sysreg_write(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	}
	__asm__ volatile("isb" ::: "memory");
}
