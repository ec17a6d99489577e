/* A vCPU's virtual CPU interface and virtual timer in and out of the pCPU's models at entry and
 * exit: ICH_*_EL2 on GICv3, GICH (converted from and to ICH_LR_EL2's encoding) on GICv2. */
#include "hal/vcpu.h"
#include "irq.h"
#include "machine.h"

#define HCR_IMO (1ull << 4)
#define HCR_FMO (1ull << 3)

/* GICH registers (IHI 0048 5.3). */
#define GICH_HCR    0x000u
#define GICH_VMCR   0x008u
#define GICH_MISR   0x010u
#define GICH_EISR0  0x020u
#define GICH_ELRSR0 0x030u
#define GICH_APR    0x0f0u
#define GICH_LR0    0x100u

/* GICH_LR: VirtualID [9:0], PhysicalID [19:10] (HW) or EOI [19] (!HW), Priority [27:23] (the top
 * five bits), State [29:28], Grp1 [30], HW [31]. */
#define V2_LR_PID_SHIFT   10
#define V2_LR_EOI         (1u << 19)
#define V2_LR_PRIO_SHIFT  23
#define V2_LR_STATE_SHIFT 28
#define V2_LR_GRP1        (1u << 30)
#define V2_LR_HW          (1u << 31)

/* GICH_VMCR has ICH_VMCR_EL2's fields at the same places, VPMR cut to its top five bits. */
#define V2_VMCR_MASK 0xf8fc021fu

static uint32_t lr_to_v2(uint64_t lr)
{
	uint32_t v = (uint32_t)(lr & 0x3ffu);

	if (lr & HAL_LR_HW)
		v |=
		    (uint32_t)((lr & HAL_LR_PINTID_MASK) >> HAL_LR_PINTID_SHIFT & 0x3ffu) << V2_LR_PID_SHIFT | V2_LR_HW;
	else if (lr & HAL_LR_EOI)
		v |= V2_LR_EOI;
	v |= (uint32_t)((lr & HAL_LR_PRIO_MASK) >> HAL_LR_PRIO_SHIFT >> 3) << V2_LR_PRIO_SHIFT;
	v |= (uint32_t)((lr & HAL_LR_STATE_MASK) >> HAL_LR_STATE_SHIFT) << V2_LR_STATE_SHIFT;
	return v | (lr & HAL_LR_GROUP1 ? V2_LR_GRP1 : 0);
}

static uint64_t lr_from_v2(uint32_t v)
{
	uint64_t lr = v & 0x3ffu;

	if (v & V2_LR_HW)
		lr |= (uint64_t)((v >> V2_LR_PID_SHIFT) & 0x3ffu) << HAL_LR_PINTID_SHIFT | HAL_LR_HW;
	else if (v & V2_LR_EOI)
		lr |= HAL_LR_EOI;
	lr |= (uint64_t)(((v >> V2_LR_PRIO_SHIFT) & 0x1fu) << 3) << HAL_LR_PRIO_SHIFT;
	lr |= (uint64_t)((v >> V2_LR_STATE_SHIFT) & 3u) << HAL_LR_STATE_SHIFT;
	return lr | (v & V2_LR_GRP1 ? HAL_LR_GROUP1 : 0);
}

/* The model refusing the hypervisor's own register accesses is a sim bug, never guest behaviour. */
static void check(enum gic_status s, const char *what)
{
	if (s != GIC_OK)
		sim_stop(SIM_STOP_ERROR, 1, "vGIC %s refused by the GIC model (%d)", what, (int)s);
}

static void ich_wr(unsigned cpu, enum gic_sysreg r, uint64_t v)
{
	check(gic_sysreg_write(sim_gic(), cpu, 2, r, v), "ICH write");
}

static uint64_t ich_rd(unsigned cpu, enum gic_sysreg r)
{
	uint64_t v = 0;
	check(gic_sysreg_read(sim_gic(), cpu, 2, r, &v), "ICH read");
	return v;
}

static void gich_wr(unsigned cpu, uint64_t off, uint32_t v)
{
	check(gic_mmio_write(sim_gic(), GIC_FRAME_GICH, cpu, off, 4, v), "GICH write");
}

static uint32_t gich_rd(unsigned cpu, uint64_t off)
{
	uint64_t v = 0;
	check(gic_mmio_read(sim_gic(), GIC_FRAME_GICH, cpu, off, 4, &v), "GICH read");
	return (uint32_t)v;
}

/* Active-priority registers the interface has: one per 32 preemption levels past the first 32. */
static unsigned nr_apr(void) { return 1u << (SIM_GIC_VPRIO_BITS - 5); }

/* The list registers a vCPU uses. Outside a guest's run every LR is empty (each exit empties those
 * it saved), so only these are loaded, saved and emptied, as hal/real does. */
static unsigned nr_lr(const struct hal_vgic_cpu *g) { return g->nr_lr < SIM_GIC_LRS ? g->nr_lr : SIM_GIC_LRS; }

static void load_v3(unsigned cpu, const struct hal_vgic_cpu *g)
{
	for (unsigned i = 0; i < nr_lr(g); i++)
		ich_wr(cpu, GIC_ICH_LR_EL2(i), g->lr[i]);
	for (unsigned i = 0; i < nr_apr(); i++)
		ich_wr(cpu, (enum gic_sysreg)(GIC_ICH_AP1R0_EL2 + i), g->apr[i]);
	ich_wr(cpu, GIC_ICH_VMCR_EL2, g->vmcr);
	ich_wr(cpu, GIC_ICH_HCR_EL2, g->hcr);
}

static void save_v3(unsigned cpu, struct hal_vgic_cpu *g)
{
	for (unsigned i = 0; i < nr_lr(g); i++)
		g->lr[i] = ich_rd(cpu, GIC_ICH_LR_EL2(i));
	for (unsigned i = 0; i < nr_apr(); i++)
		g->apr[i] = (uint32_t)ich_rd(cpu, (enum gic_sysreg)(GIC_ICH_AP1R0_EL2 + i));
	g->vmcr = (uint32_t)ich_rd(cpu, GIC_ICH_VMCR_EL2);
	g->hcr = (uint32_t)ich_rd(cpu, GIC_ICH_HCR_EL2);
	g->misr = (uint32_t)ich_rd(cpu, GIC_ICH_MISR_EL2);
	g->eisr = (uint32_t)ich_rd(cpu, GIC_ICH_EISR_EL2);
	g->elrsr = (uint32_t)ich_rd(cpu, GIC_ICH_ELRSR_EL2);
	/* Nothing of the guest stays live: no maintenance interrupt can fire for a vCPU gone. */
	ich_wr(cpu, GIC_ICH_HCR_EL2, 0);
	for (unsigned i = 0; i < nr_lr(g); i++)
		ich_wr(cpu, GIC_ICH_LR_EL2(i), 0);
	for (unsigned i = 0; i < nr_apr(); i++)
		ich_wr(cpu, (enum gic_sysreg)(GIC_ICH_AP1R0_EL2 + i), 0);
}

static void load_v2(unsigned cpu, const struct hal_vgic_cpu *g)
{
	for (unsigned i = 0; i < nr_lr(g); i++)
		gich_wr(cpu, GICH_LR0 + 4 * i, lr_to_v2(g->lr[i]));
	gich_wr(cpu, GICH_APR, g->apr[0]);
	gich_wr(cpu, GICH_VMCR, g->vmcr & V2_VMCR_MASK);
	gich_wr(cpu, GICH_HCR, g->hcr);
}

static void save_v2(unsigned cpu, struct hal_vgic_cpu *g)
{
	for (unsigned i = 0; i < nr_lr(g); i++)
		g->lr[i] = lr_from_v2(gich_rd(cpu, GICH_LR0 + 4 * i));
	g->apr[0] = gich_rd(cpu, GICH_APR);
	g->vmcr = gich_rd(cpu, GICH_VMCR) & V2_VMCR_MASK;
	g->hcr = gich_rd(cpu, GICH_HCR);
	g->misr = gich_rd(cpu, GICH_MISR);
	g->eisr = gich_rd(cpu, GICH_EISR0);
	g->elrsr = gich_rd(cpu, GICH_ELRSR0);
	gich_wr(cpu, GICH_HCR, 0);
	for (unsigned i = 0; i < nr_lr(g); i++)
		gich_wr(cpu, GICH_LR0 + 4 * i, 0);
	gich_wr(cpu, GICH_APR, 0);
}

void sim_irq_vcpu_load(struct sim_cpu *c, const struct hal_vcpu_ctx *ctx)
{
	struct timer *t = sim_timer();
	unsigned cpu = c->index;

	if (gic_version(sim_gic()) == GIC_V3)
		load_v3(cpu, &ctx->vgic);
	else
		load_v2(cpu, &ctx->vgic);
	gic_set_virtual(sim_gic(), cpu, (ctx->hcr & (HCR_IMO | HCR_FMO)) != 0);
	timer_set_cntvoff(t, cpu, ctx->vtimer.off);
	timer_write(t, cpu, TIMER_VIRT, TIMER_REG_CVAL, ctx->vtimer.cval);
	timer_write(t, cpu, TIMER_VIRT, TIMER_REG_CTL, ctx->vtimer.ctl);
}

void sim_irq_vcpu_save(struct sim_cpu *c, struct hal_vcpu_ctx *ctx)
{
	struct timer *t = sim_timer();
	unsigned cpu = c->index;

	/* The timer stays loaded, as hal/real leaves it: its interrupt, if it fired, is still pending
	 * for the core to acknowledge; the next entry or hal_cpu_idle replaces it. */
	ctx->vtimer.ctl = timer_read(t, cpu, TIMER_VIRT, TIMER_REG_CTL);
	ctx->vtimer.cval = timer_read(t, cpu, TIMER_VIRT, TIMER_REG_CVAL);
	gic_set_virtual(sim_gic(), cpu, false);
	if (gic_version(sim_gic()) == GIC_V3)
		save_v3(cpu, &ctx->vgic);
	else
		save_v2(cpu, &ctx->vgic);
}

void sim_irq_idle(struct sim_cpu *c) { timer_write(sim_timer(), c->index, TIMER_VIRT, TIMER_REG_CTL, 0); }
