/* include/hal/gic.h and hal_timer_arm over the models, as a GIC driver at EL2 would drive them:
 * GICv3 through the ICC_* system registers and the redistributor, GICv2 through GICD and GICC. */
#include "hal/cpu.h"
#include "hal/gic.h"
#include "hal/timer.h"
#include "irq.h"
#include "machine.h"

/* Distributor and redistributor registers (IHI 0069 12.9, 12.11; IHI 0048 4.3). */
#define GICD_CTLR        0x0000u
#define GICD_TYPER       0x0004u
#define GICD_IGROUPR     0x0080u
#define GICD_ISENABLER   0x0100u
#define GICD_ICENABLER   0x0180u
#define GICD_IPRIORITYR  0x0400u
#define GICD_ITARGETSR   0x0800u
#define GICD_ICFGR       0x0c00u
#define GICD_SGIR        0x0f00u
#define GICD_IROUTER     0x6000u
#define GICD_CTLR_ENGRP0 (1u << 0)
#define GICD_CTLR_ENGRP1 (1u << 1)
#define GICD_CTLR_ARE    (1u << 4) /* GICD_CTLR.DS is 1: the single-security-state layout */
#define GICR_WAKER       0x0014u
#define GICR_WAKER_PS    (1u << 1) /* ProcessorSleep */
#define GICR_WAKER_CA    (1u << 2) /* ChildrenAsleep */

#define GICC_CTLR         0x0000u
#define GICC_PMR          0x0004u
#define GICC_BPR          0x0008u
#define GICC_IAR          0x000cu
#define GICC_EOIR         0x0010u
#define GICC_DIR          0x1000u
#define GICC_CTLR_ENGRP0  (1u << 0)
#define GICC_CTLR_ENGRP1  (1u << 1)
#define GICC_CTLR_EOIMODE (1u << 9) /* EOImodeS: this GIC has no Security Extensions */
#define GICH_VTR          0x0004u

#define ICC_SRE_SRE           (1u << 0)
#define ICC_SRE_ENABLE        (1u << 3)
#define ICC_CTLR_EOIMODE      (1u << 1)
#define ICH_VTR_LISTREGS      0x1fu
#define ICH_VTR_PRIBITS_SHIFT 29

#define HOST_PRIO 0xa0u /* every interrupt the hypervisor takes: one level, nothing preempts */

static bool v3(void) { return gic_version(sim_gic()) == GIC_V3; }

/* The pCPU calling: the HAL's GIC functions exist only there. */
static unsigned self(const char *fn)
{
	struct sim_cpu *c = sim_current();

	if (!c)
		sim_stop(SIM_STOP_ERROR, 1, "%s outside any CPU", fn);
	return c->index;
}

static uint64_t mmio_rd(enum gic_frame f, unsigned cpu, uint64_t off)
{
	uint64_t v = 0;
	enum gic_status s = gic_mmio_read(sim_gic(), f, cpu, off, 4, &v);

	if (s != GIC_OK)
		sim_stop(SIM_STOP_ERROR, 1, "GIC read of frame %d +%#llx refused (%d)", (int)f, (unsigned long long)off,
			 (int)s);
	return v;
}

static void mmio_wr(enum gic_frame f, unsigned cpu, uint64_t off, uint64_t val, unsigned size)
{
	enum gic_status s = gic_mmio_write(sim_gic(), f, cpu, off, size, val);

	if (s != GIC_OK)
		sim_stop(SIM_STOP_ERROR, 1, "GIC write of frame %d +%#llx refused (%d)", (int)f,
			 (unsigned long long)off, (int)s);
}

static uint64_t sys_rd(unsigned cpu, enum gic_sysreg r)
{
	uint64_t v = 0;
	enum gic_status s = gic_sysreg_read(sim_gic(), cpu, 2, r, &v);

	if (s != GIC_OK)
		sim_stop(SIM_STOP_ERROR, 1, "MRS of GIC register %d at EL2 refused (%d)", (int)r, (int)s);
	return v;
}

static void sys_wr(unsigned cpu, enum gic_sysreg r, uint64_t val)
{
	enum gic_status s = gic_sysreg_write(sim_gic(), cpu, 2, r, val);

	if (s != GIC_OK)
		sim_stop(SIM_STOP_ERROR, 1, "MSR of GIC register %d at EL2 refused (%d)", (int)r, (int)s);
}

unsigned sim_gic_spis(void)
{
	if (!sim_gic())
		return 0;
	unsigned lines = ((unsigned)mmio_rd(GIC_FRAME_GICD, 0, GICD_TYPER) & 0x1fu) * 32 + 32;
	return (lines > 1020 ? 1020 : lines) - HAL_IRQ_NR_PRIV;
}

unsigned hal_vgic_lrs(void)
{
	uint64_t vtr = v3() ? sys_rd(0, GIC_ICH_VTR_EL2) : mmio_rd(GIC_FRAME_GICH, 0, GICH_VTR);
	return (unsigned)(vtr & (v3() ? ICH_VTR_LISTREGS : 0x3fu)) + 1;
}

unsigned hal_vgic_prio_bits(void)
{
	uint64_t vtr = v3() ? sys_rd(0, GIC_ICH_VTR_EL2) : mmio_rd(GIC_FRAME_GICH, 0, GICH_VTR);
	return (unsigned)((vtr >> ICH_VTR_PRIBITS_SHIFT) & 7u) + 1;
}

/* The distributor, once per machine (every CPU's init may run it: it only sets reset values). */
static void dist_init(unsigned cpu)
{
	enum gic_frame d = GIC_FRAME_GICD;
	unsigned nr = gic_nr_irqs(sim_gic());

	for (unsigned i = HAL_IRQ_NR_PRIV; i < nr; i += 32)
		mmio_wr(d, cpu, GICD_IGROUPR + i / 8, v3() ? 0xffffffffu : 0, 4);
	for (unsigned i = HAL_IRQ_NR_PRIV; i < nr; i++)
		mmio_wr(d, cpu, GICD_IPRIORITYR + i, HOST_PRIO, 1);
	if (v3()) {
		mmio_wr(d, cpu, GICD_CTLR, GICD_CTLR_ARE, 4);
		mmio_wr(d, cpu, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENGRP1, 4);
	} else {
		mmio_wr(d, cpu, GICD_CTLR, GICD_CTLR_ENGRP0 | GICD_CTLR_ENGRP1, 4);
	}
}

/* Private interrupts: group 1 on v3 (group 0 is FIQ there), one priority, kick and maintenance on. */
static void priv_init(unsigned cpu)
{
	enum gic_frame f = v3() ? GIC_FRAME_GICR_SGI : GIC_FRAME_GICD;

	if (v3())
		mmio_wr(f, cpu, GICD_IGROUPR, 0xffffffffu, 4);
	for (unsigned i = 0; i < HAL_IRQ_NR_PRIV; i++)
		mmio_wr(f, cpu, GICD_IPRIORITYR + i, HOST_PRIO, 1);
	mmio_wr(f, cpu, GICD_ISENABLER, 1u << HAL_SGI_KICK | 1u << GIC_MAINT_INTID, 4);
}

void hal_irq_cpu_init(void)
{
	unsigned cpu = self(__func__);

	dist_init(cpu);
	if (v3()) {
		uint64_t waker = mmio_rd(GIC_FRAME_GICR_RD, cpu, GICR_WAKER);
		mmio_wr(GIC_FRAME_GICR_RD, cpu, GICR_WAKER, waker & ~(uint64_t)GICR_WAKER_PS, 4);
		while (mmio_rd(GIC_FRAME_GICR_RD, cpu, GICR_WAKER) & GICR_WAKER_CA)
			hal_cpu_relax();
		sys_wr(cpu, GIC_ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_ENABLE);
		priv_init(cpu);
		sys_wr(cpu, GIC_ICC_PMR_EL1, 0xff);
		sys_wr(cpu, GIC_ICC_BPR1_EL1, 0);
		sys_wr(cpu, GIC_ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
		sys_wr(cpu, GIC_ICC_IGRPEN1_EL1, 1);
	} else {
		priv_init(cpu);
		mmio_wr(GIC_FRAME_GICC, cpu, GICC_PMR, 0xff, 4);
		mmio_wr(GIC_FRAME_GICC, cpu, GICC_BPR, 0, 4);
		mmio_wr(GIC_FRAME_GICC, cpu, GICC_CTLR, GICC_CTLR_ENGRP0 | GICC_CTLR_ENGRP1 | GICC_CTLR_EOIMODE, 4);
	}
	sim_current()->irq_ready = true;
}

/* GICv2's IAR carries an SGI's source CPU, which its EOIR and DIR must name again. */
static uint32_t v2_sgi_src[GIC_MAX_CPUS][HAL_IRQ_NR_SGI];

static uint64_t v2_id(unsigned cpu, uint32_t intid)
{
	return intid < HAL_IRQ_NR_SGI ? intid | v2_sgi_src[cpu][intid] << 10 : intid;
}

uint32_t hal_irq_ack(void)
{
	unsigned cpu = self(__func__);

	if (v3())
		return (uint32_t)sys_rd(cpu, GIC_ICC_IAR1_EL1) & 0xffffffu;
	uint32_t iar = (uint32_t)mmio_rd(GIC_FRAME_GICC, cpu, GICC_IAR), intid = iar & 0x3ffu;
	if (intid < HAL_IRQ_NR_SGI)
		v2_sgi_src[cpu][intid] = (iar >> 10) & 7u;
	return intid;
}

void hal_irq_eoi(uint32_t intid)
{
	unsigned cpu = self(__func__);

	if (v3())
		sys_wr(cpu, GIC_ICC_EOIR1_EL1, intid);
	else
		mmio_wr(GIC_FRAME_GICC, cpu, GICC_EOIR, v2_id(cpu, intid), 4);
}

void hal_irq_deactivate(uint32_t intid)
{
	unsigned cpu = self(__func__);

	if (v3())
		sys_wr(cpu, GIC_ICC_DIR_EL1, intid);
	else
		mmio_wr(GIC_FRAME_GICC, cpu, GICC_DIR, v2_id(cpu, intid), 4);
}

void hal_irq_enable(uint32_t intid, bool on)
{
	unsigned cpu = self(__func__);
	enum gic_frame f = intid < HAL_IRQ_NR_PRIV && v3() ? GIC_FRAME_GICR_SGI : GIC_FRAME_GICD;

	if (intid >= gic_nr_irqs(sim_gic()))
		return;
	mmio_wr(f, cpu, (on ? GICD_ISENABLER : GICD_ICENABLER) + intid / 32 * 4, 1u << (intid % 32), 4);
}

void hal_irq_config_spi(uint32_t intid, bool edge, unsigned cpu)
{
	unsigned me = self(__func__);
	struct sim_cpu *target = sim_irq_cpu_logical(cpu);

	if (intid < HAL_IRQ_NR_PRIV || intid >= gic_nr_irqs(sim_gic()) || !target)
		return;
	uint64_t cfg_off = GICD_ICFGR + intid / 16 * 4, bit = 2u << (intid % 16 * 2);
	uint64_t cfg = mmio_rd(GIC_FRAME_GICD, me, cfg_off);
	mmio_wr(GIC_FRAME_GICD, me, cfg_off, edge ? cfg | bit : cfg & ~bit, 4);
	if (v3()) {
		uint64_t aff = (target->mpidr & 0xffffffull) | (target->mpidr & 0xff00000000ull);
		mmio_wr(GIC_FRAME_GICD, me, GICD_IROUTER + 8ull * intid, aff, 8);
	} else {
		mmio_wr(GIC_FRAME_GICD, me, GICD_ITARGETSR + intid, 1u << target->index, 1);
	}
}

/* ICC_SGI1R_EL1 naming one CPU: its Aff3.Aff2.Aff1, Aff0 as range selector and target-list bit. */
static uint64_t sgi1r(uint64_t mpidr, unsigned sgi)
{
	unsigned aff0 = mpidr & 0xff;

	return (1ull << (aff0 & 15)) | ((mpidr >> 8) & 0xff) << 16 | (uint64_t)(sgi & 15) << 24 |
	       ((mpidr >> 16) & 0xff) << 32 | (uint64_t)(aff0 >> 4) << 44 | ((mpidr >> 32) & 0xff) << 48;
}

void hal_irq_send_sgi(unsigned cpu, unsigned sgi)
{
	unsigned me = self(__func__);
	struct sim_cpu *target = sim_irq_cpu_logical(cpu);

	if (!target || sgi >= HAL_IRQ_NR_SGI)
		return;
	if (v3())
		sys_wr(me, GIC_ICC_SGI1R_EL1, sgi1r(target->mpidr, sgi));
	else
		mmio_wr(GIC_FRAME_GICD, me, GICD_SGIR, (1u << target->index) << 16 | sgi, 4);
}

void hal_cpu_kick(unsigned cpu)
{
	struct sim_cpu *c = sim_irq_cpu_logical(cpu);

	if (!c)
		return;
	/* A CPU whose interface is up is woken as hardware wakes it: by the kick SGI, which its core
	 * acknowledges. One without interrupts yet is woken as an event would wake a WFE. */
	if (c->irq_ready && sim_current())
		hal_irq_send_sgi(cpu, HAL_SGI_KICK);
	else if (c->state == SIM_CPU_WFI)
		c->state = SIM_CPU_ON;
}

void hal_timer_arm(uint64_t deadline)
{
	unsigned cpu = self(__func__);
	struct timer *t = sim_timer();

	if (deadline == UINT64_MAX) {
		timer_write(t, cpu, TIMER_HYP, TIMER_REG_CTL, 0);
		return;
	}
	timer_write(t, cpu, TIMER_HYP, TIMER_REG_CVAL, deadline);
	timer_write(t, cpu, TIMER_HYP, TIMER_REG_CTL, TIMER_CTL_ENABLE);
}
