/* A vCPU's virtual CPU interface and virtual timer in and out of the pCPU's models at entry and
 * exit: ICH_*_EL2 on GICv3, GICH (converted from and to ICH_LR_EL2's encoding) on GICv2. */
#include <string.h>

#include "hal/vcpu.h"
#include "irq.h"
#include "machine.h"

#define HCR_IMO (1ull << 4)
#define HCR_FMO (1ull << 3)

#define CNTV_CTL_RW 3u /* ENABLE, IMASK */

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

/* The interface's registers in one numbering for both GICs, in their own encoding (GICH_LR on v2). */
enum vreg {
	VR_LR0 = 0,
	VR_APR0 = VR_LR0 + SIM_GIC_LRS,
	VR_VMCR = VR_APR0 + 4,
	VR_HCR,
	VR_STATE, /* the registers above are state; those below are computed from them */
	VR_MISR = VR_STATE,
	VR_EISR,
	VR_ELRSR,
	VR_COUNT,
};

static bool v3(void) { return gic_version(sim_gic()) == GIC_V3; }

static enum gic_sysreg ich_reg(enum vreg r)
{
	if (r < VR_APR0)
		return GIC_ICH_LR_EL2(r - VR_LR0);
	if (r < VR_VMCR)
		return (enum gic_sysreg)(GIC_ICH_AP1R0_EL2 + (r - VR_APR0));
	static const enum gic_sysreg rest[] = { GIC_ICH_VMCR_EL2, GIC_ICH_HCR_EL2, GIC_ICH_MISR_EL2, GIC_ICH_EISR_EL2,
						GIC_ICH_ELRSR_EL2 };
	return rest[r - VR_VMCR];
}

static uint64_t gich_off(enum vreg r)
{
	if (r < VR_APR0)
		return GICH_LR0 + 4u * (r - VR_LR0);
	static const uint64_t rest[] = { GICH_APR, 0, 0, 0, GICH_VMCR, GICH_HCR, GICH_MISR, GICH_EISR0, GICH_ELRSR0 };
	return rest[r - VR_APR0];
}

static void hw_wr(unsigned cpu, enum vreg r, uint64_t v)
{
	if (v3())
		check(gic_sysreg_write(sim_gic(), cpu, 2, ich_reg(r), v), "ICH write");
	else
		check(gic_mmio_write(sim_gic(), GIC_FRAME_GICH, cpu, gich_off(r), 4, (uint32_t)v), "GICH write");
}

static uint64_t hw_rd(unsigned cpu, enum vreg r)
{
	uint64_t v = 0;

	if (v3())
		check(gic_sysreg_read(sim_gic(), cpu, 2, ich_reg(r), &v), "ICH read");
	else
		check(gic_mmio_read(sim_gic(), GIC_FRAME_GICH, cpu, gich_off(r), 4, &v), "GICH read");
	return v;
}

/* Every model access recomputes the GIC's outputs, and entry and exit make a dozen: most of the
 * sim's cost per trap. So each pCPU keeps what its interface holds while no guest has touched it
 * since the HAL last did: a write of what is already there, or a read of what is known, does not
 * reach the model. What the model makes of a written value (RES0 bits, VMCR's fixed fields) is
 * learnt from the first read after that write; the computed registers (MISR, EISR, ELRSR) are a
 * pure function of LRs, VMCR and HCR, remembered for the last state they were read in. */
struct shadow {
	bool known[VR_STATE];
	uint64_t val[VR_STATE];
	bool fresh[VR_STATE];     /* written since the last touch: a read learns what it became */
	uint64_t wrote[VR_STATE]; /* the value last written */
	bool learnt[VR_STATE];    /* writing learnt_w leaves learnt_r in the model */
	uint64_t learnt_w[VR_STATE], learnt_r[VR_STATE];
	bool memo; /* computed registers for the state memo_key */
	uint64_t memo_key[VR_STATE], memo_val[VR_COUNT - VR_STATE];
};

static struct shadow shadow[PLAT_MAX_CPUS];

/* The commonest case, a vCPU back on its pCPU after a quiet exit (the null hypercall's path),
 * skips even the shadow: the state that exit left in the model (no LR, no active priority, its
 * VMCR and HCR, MISR clear) is remembered whole; while nothing writes or touches the interface, an
 * entry that would load the same changes nothing, and its exit reads back the same. */
static struct quick {
	bool valid;   /* the model holds this, and nothing has written or touched it since */
	bool entered; /* the running vCPU's entry found it so */
	uint32_t apr[4], vmcr, hcr, misr, eisr, elrsr;
} quick[PLAT_MAX_CPUS];

void sim_irq_vgic_touched(unsigned cpu)
{
	if (cpu >= PLAT_MAX_CPUS)
		return;
	for (unsigned r = 0; r < VR_STATE; r++)
		shadow[cpu].known[r] = shadow[cpu].fresh[r] = false;
	quick[cpu].valid = false;
}

void sim_irq_vgic_reset(void)
{
	for (unsigned c = 0; c < PLAT_MAX_CPUS; c++) {
		shadow[c] = (struct shadow){ 0 };
		quick[c] = (struct quick){ 0 };
	}
}

static void sh_wr(unsigned cpu, enum vreg r, uint64_t w)
{
	struct shadow *s = &shadow[cpu];
	bool learnt = s->learnt[r] && s->learnt_w[r] == w;

	if (s->known[r] && learnt && s->val[r] == s->learnt_r[r])
		return;
	quick[cpu].valid = false;
	hw_wr(cpu, r, w);
	s->known[r] = learnt;
	s->val[r] = learnt ? s->learnt_r[r] : 0;
	s->fresh[r] = !learnt;
	s->wrote[r] = w;
}

static uint64_t sh_rd(unsigned cpu, enum vreg r)
{
	struct shadow *s = &shadow[cpu];

	if (s->known[r])
		return s->val[r];
	s->val[r] = hw_rd(cpu, r);
	s->known[r] = true;
	if (s->fresh[r]) {
		s->learnt[r] = true;
		s->learnt_w[r] = s->wrote[r];
		s->learnt_r[r] = s->val[r];
		s->fresh[r] = false;
	}
	return s->val[r];
}

/* MISR, EISR and ELRSR, which depend on every LR (used or not), VMCR and HCR but not the APRs. */
static void sh_computed(unsigned cpu, uint32_t *misr, uint32_t *eisr, uint32_t *elrsr)
{
	struct shadow *s = &shadow[cpu];
	bool same = s->memo;

	for (unsigned r = 0; r < VR_STATE; r++) {
		if (r >= VR_APR0 && r < VR_VMCR)
			continue;
		uint64_t v = sh_rd(cpu, (enum vreg)r);
		same = same && s->memo_key[r] == v;
		s->memo_key[r] = v;
	}
	if (!same) {
		for (unsigned r = VR_STATE; r < VR_COUNT; r++)
			s->memo_val[r - VR_STATE] = hw_rd(cpu, (enum vreg)r);
		s->memo = true;
	}
	*misr = (uint32_t)s->memo_val[VR_MISR - VR_STATE];
	*eisr = (uint32_t)s->memo_val[VR_EISR - VR_STATE];
	*elrsr = (uint32_t)s->memo_val[VR_ELRSR - VR_STATE];
}

/* Active-priority registers the interface has: one per 32 preemption levels past the first 32. */
static unsigned nr_apr(void) { return 1u << (SIM_GIC_VPRIO_BITS - 5); }

/* The list registers a vCPU uses. Outside a guest's run every LR is empty (each exit empties those
 * it saved), so only these are loaded, saved and emptied, as hal/real does. */
static unsigned nr_lr(const struct hal_vgic_cpu *g) { return g->nr_lr < SIM_GIC_LRS ? g->nr_lr : SIM_GIC_LRS; }

static void load(unsigned cpu, const struct hal_vgic_cpu *g)
{
	bool is_v3 = v3();
	struct quick *q = &quick[cpu];

	q->entered = q->valid && g->nr_lr == 0 && g->vmcr == q->vmcr && g->hcr == q->hcr &&
		     !memcmp(g->apr, q->apr, sizeof(q->apr));
	if (q->entered)
		return;

	for (unsigned i = 0; i < nr_lr(g); i++)
		sh_wr(cpu, (enum vreg)(VR_LR0 + i), is_v3 ? g->lr[i] : lr_to_v2(g->lr[i]));
	for (unsigned i = 0; i < (is_v3 ? nr_apr() : 1); i++)
		sh_wr(cpu, (enum vreg)(VR_APR0 + i), g->apr[i]);
	sh_wr(cpu, VR_VMCR, is_v3 ? g->vmcr : g->vmcr & V2_VMCR_MASK);
	sh_wr(cpu, VR_HCR, g->hcr);
}

static void save(unsigned cpu, struct hal_vgic_cpu *g)
{
	bool is_v3 = v3();
	struct quick *q = &quick[cpu];

	if (q->entered && q->valid) {
		g->misr = q->misr;
		g->eisr = q->eisr;
		g->elrsr = q->elrsr;
		return;
	}

	for (unsigned i = 0; i < nr_lr(g); i++) {
		uint64_t lr = sh_rd(cpu, (enum vreg)(VR_LR0 + i));
		g->lr[i] = is_v3 ? lr : lr_from_v2((uint32_t)lr);
	}
	for (unsigned i = 0; i < (is_v3 ? nr_apr() : 1); i++)
		g->apr[i] = (uint32_t)sh_rd(cpu, (enum vreg)(VR_APR0 + i));
	g->vmcr = (uint32_t)sh_rd(cpu, VR_VMCR);
	if (!is_v3)
		g->vmcr &= V2_VMCR_MASK;
	g->hcr = (uint32_t)sh_rd(cpu, VR_HCR);
	sh_computed(cpu, &g->misr, &g->eisr, &g->elrsr);
	/* Nothing of the guest stays live: no maintenance interrupt can fire for a vCPU gone. An
	 * interface with no LR in use, no active priority and nothing in MISR already is that (only the
	 * HAL reaches it until the next entry), so its ICH_HCR stays, and the same vCPU's next entry
	 * writes nothing: the null hypercall's path then leaves the GIC model alone. */
	bool quiet = nr_lr(g) == 0 && g->misr == 0;
	for (unsigned i = 0; i < (is_v3 ? nr_apr() : 1); i++)
		quiet = quiet && g->apr[i] == 0;
	if (!quiet)
		sh_wr(cpu, VR_HCR, 0);
	for (unsigned i = 0; i < nr_lr(g); i++)
		sh_wr(cpu, (enum vreg)(VR_LR0 + i), 0);
	for (unsigned i = 0; i < (is_v3 ? nr_apr() : 1); i++)
		sh_wr(cpu, (enum vreg)(VR_APR0 + i), 0);
	if (!quiet)
		return;
	/* Nothing was written: the model holds what @g now says (the APRs it does not have are the
	 * core's, compared as they are). */
	memcpy(q->apr, g->apr, sizeof(q->apr));
	q->vmcr = g->vmcr;
	q->hcr = g->hcr;
	q->misr = g->misr;
	q->eisr = g->eisr;
	q->elrsr = g->elrsr;
	q->valid = true;
}

void sim_irq_vcpu_load(struct sim_cpu *c, const struct hal_vcpu_ctx *ctx)
{
	struct timer *t = sim_timer();
	unsigned cpu = c->index;

	load(cpu, &ctx->vgic);
	gic_set_virtual(sim_gic(), cpu, (ctx->hcr & (HCR_IMO | HCR_FMO)) != 0);
	/* Rewriting what the timer holds changes nothing but costs a recomputation of its outputs; the
	 * same vCPU back on its pCPU finds its timer as it left it. CTL compares ENABLE and IMASK only
	 * (ISTATUS is read-only). */
	if (timer_cntvoff(t, cpu) != ctx->vtimer.off)
		timer_set_cntvoff(t, cpu, ctx->vtimer.off);
	if (timer_read(t, cpu, TIMER_VIRT, TIMER_REG_CVAL) != ctx->vtimer.cval)
		timer_write(t, cpu, TIMER_VIRT, TIMER_REG_CVAL, ctx->vtimer.cval);
	if ((timer_read(t, cpu, TIMER_VIRT, TIMER_REG_CTL) ^ ctx->vtimer.ctl) & CNTV_CTL_RW)
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
	save(cpu, &ctx->vgic);
}

void sim_irq_idle(struct sim_cpu *c) { timer_write(sim_timer(), c->index, TIMER_VIRT, TIMER_REG_CTL, 0); }

/* The sim saves the virtual timer at every exit (sim_irq_vcpu_save), more than include/hal/vcpu.h
 * asks: the ctx is current already. */
void hal_vcpu_put(struct hal_vcpu_ctx *ctx) { (void)ctx; }
