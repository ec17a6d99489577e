/* include/hal/gic.h on the real GIC: the version struct platform names, chosen once at boot, and
 * the per-pCPU bring-up that turns kicks into SGIs and idling into WFI. */
#include "gic.h"

#include "hal/cpu.h"
#include "hal/gic.h"
#include "arch.h"
#include "pcpu.h"

extern char vec_table_v2[]; /* vectors.S */

/* In .data, not .bss: entry.S reads them PC-relative (LDR literal, +-1 MiB), and .data sits right
 * after the text whatever the stacks and page-table pools in .bss grow to. */
#define NEAR_TEXT __attribute__((section(".data.gic")))
NEAR_TEXT uint32_t gic_v2;
NEAR_TEXT uint64_t gic_vbar;
NEAR_TEXT uint32_t gic_nr_lrs;
NEAR_TEXT uint64_t gic_gich;

static const struct platform *plat;
static bool ready[REAL_MAX_CPUS];
/* Each pCPU's MPIDR by logical index, recorded by the CPU itself (PSCI may skip tree entries). */
static uint64_t mpidr_of[REAL_MAX_CPUS];

unsigned gic_init(const struct platform *p)
{
	unsigned spis = 0;

	plat = p;
	if (p->gic.version == 3 && p->gic.dist.size && p->gic.redist_count) {
		spis = gicv3_init(p);
		gic_nr_lrs = (gicv3_vtr() & 0x1f) + 1;
	} else if (p->gic.version == 2 && p->gic.dist.size && p->gic.cpuif.size && p->gic.hyp.size) {
		gic_v2 = 1;
		spis = gicv2_init(p);
		/* Guest exits go through GICH from now on, on this CPU and every one started later. */
		gic_vbar = (uintptr_t)vec_table_v2;
		sysreg_write(vbar_el2, gic_vbar);
		__asm__ volatile("isb" ::: "memory");
		gic_nr_lrs = (gicv2_vtr() & 0x3f) + 1;
	} else {
		plat = NULL; /* no usable GIC: hal_irq_cpu_init leaves every CPU without interrupts */
	}
	if (gic_nr_lrs > HAL_VGIC_MAX_LRS)
		gic_nr_lrs = HAL_VGIC_MAX_LRS;
	return spis;
}

bool gic_cpu_ready(unsigned cpu) { return cpu < REAL_MAX_CPUS && __atomic_load_n(&ready[cpu], __ATOMIC_ACQUIRE); }

unsigned hal_vgic_lrs(void) { return gic_nr_lrs; }

unsigned hal_vgic_prio_bits(void)
{
	if (!plat)
		return 5;
	return ((gic_v2 ? gicv2_vtr() : gicv3_vtr()) >> 29) + 1;
}

void hal_irq_cpu_init(void)
{
	unsigned cpu = pcpu_index();

	if (!plat || cpu >= REAL_MAX_CPUS)
		return;
	mpidr_of[cpu] = hal_cpu_mpidr();
	if (gic_v2)
		gicv2_cpu_init(cpu);
	else if (!gicv3_cpu_init(cpu, plat))
		return; /* no redistributor for this CPU: it keeps WFE/SEV and takes no interrupts */
	hal_irq_enable(HAL_SGI_KICK, true);
	if (plat->gic.maint_intid)
		hal_irq_enable(plat->gic.maint_intid, true);
	__atomic_store_n(&ready[cpu], true, __ATOMIC_RELEASE);
}

uint32_t hal_irq_ack(void)
{
	if (!plat)
		return HAL_IRQ_SPURIOUS;
	return gic_v2 ? gicv2_ack() : gicv3_ack();
}

void hal_irq_eoi(uint32_t intid)
{
	if (intid >= HAL_IRQ_SPURIOUS || !plat)
		return;
	if (gic_v2)
		gicv2_eoi(intid);
	else
		gicv3_eoi(intid);
}

void hal_irq_deactivate(uint32_t intid)
{
	if (intid >= HAL_IRQ_SPURIOUS || !plat)
		return;
	if (gic_v2)
		gicv2_deactivate(intid);
	else
		gicv3_deactivate(intid);
}

void hal_irq_enable(uint32_t intid, bool on)
{
	if (!plat)
		return;
	if (gic_v2)
		gicv2_enable(intid, on);
	else
		gicv3_enable(intid, on);
}

void hal_irq_config_spi(uint32_t intid, bool edge, unsigned cpu)
{
	if (!gic_cpu_ready(cpu))
		return;
	if (gic_v2)
		gicv2_config_spi(intid, edge, cpu);
	else
		gicv3_config_spi(intid, edge, mpidr_of[cpu]);
}

void hal_irq_send_sgi(unsigned cpu, unsigned sgi)
{
	if (!gic_cpu_ready(cpu) || sgi >= HAL_IRQ_NR_SGI)
		return;
	if (gic_v2)
		gicv2_send_sgi(cpu, sgi);
	else
		gicv3_send_sgi(mpidr_of[cpu], sgi);
}

void gic_vcpu_off(void)
{
	if (!plat)
		return;
	if (gic_v2)
		gicv2_vcpu_off();
	else
		gicv3_vcpu_off();
}
