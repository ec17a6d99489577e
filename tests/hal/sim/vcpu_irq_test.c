/* hal/sim guests and interrupts: a physical IRQ makes a running guest exit at an instruction
 * boundary, a virtual IRQ reaches EL1's vector only while PSTATE.I is clear, the trapped system
 * registers carry the architectural syndrome, the virtual timer and CPU interface follow the vCPU
 * across entries and exits, and a guest's WFI sleeps until an interrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guest_fixture.h"
#include "hal/gic.h"
#include "hal/timer.h"
#include "sim/insn.h"
#include "sim/irq.h"

#define DONE     0xd0e
#define SETUP    0x5e7
#define EC(esr)  ((unsigned)((esr) >> 26) & 0x3f)
#define HCR_TWI  (1ull << 13)
#define PSTATE_I (1ull << 7)

#define PPI_HYP  26u
#define PPI_VIRT 27u
#define VINTID   27u
#define VECTORS  (FIX_IPA + 0x2000)

#define VMCR_OPEN (0xffu << 24 | 1u << 1) /* VPMR 0xff, VENG1 */

static uint64_t seen[16];
static unsigned nseen;
static struct {
	unsigned slot;
	uint64_t iar, elr, spsr, esr;
} taken[4];
static unsigned ntaken;
static enum hal_exit_reason reasons[FIX_MAX_EXITS];
static uint64_t exit_time[FIX_MAX_EXITS];
static uint64_t deadline;

static void note(uint64_t v) { seen[nseen++ % 16] = v; }

static void hvc(uint64_t op)
{
	sim_insn_set_reg(16, op);
	sim_insn_hvc(0xea1);
}

static bool is_done(const struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	return e->reason == HAL_EXIT_SYNC && EC(e->esr) == 0x16 && c->x[16] == DONE;
}

/* The fake core's bookkeeping of every exit. */
static void record(const struct hal_exit *e)
{
	reasons[fix.nexits - 1] = e->reason;
	exit_time[fix.nexits - 1] = sim_now();
}

static void take_irq(void)
{
	uint32_t intid = hal_irq_ack();
	note(intid);
	if (intid == HAL_IRQ_SPURIOUS)
		return;
	if (intid == PPI_HYP)
		hal_timer_arm(UINT64_MAX);
	hal_irq_eoi(intid);
	hal_irq_deactivate(intid);
}

/* --- physical IRQ while the guest runs --- */

static void spin_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	for (unsigned i = 0; i < 20000; i++)
		sim_insn_mrs(SIM_TPIDR_EL1);
	hvc(DONE);
}

static void arm_hyp_timer(void)
{
	hal_irq_cpu_init();
	hal_irq_enable(PPI_HYP, true);
	deadline = sim_now() + 500;
	hal_timer_arm(deadline);
}

static uint64_t irq_pc_before;

static bool spin_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	record(e);
	if (e->reason == HAL_EXIT_IRQ) {
		irq_pc_before = c->pc;
		take_irq();
	}
	return !is_done(c, e);
}

static void reset(const struct sim_program *p, unsigned n)
{
	fix_reset(p, n);
	nseen = ntaken = 0;
	memset(reasons, 0, sizeof(reasons));
	deadline = 0;
}

static const struct sim_program spin[] = { { "spin", spin_prog } };

static void test_vcpu_irq_physical_irq_exits_the_running_guest_at_an_instruction(void **state)
{
	struct sim_result r;

	(void)state;
	reset(spin, 1);
	fix.program = "spin";
	fix.handle = spin_core;
	fix.prepare = arm_hyp_timer;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(fix.nexits, 2);
	assert_int_equal(reasons[0], HAL_EXIT_IRQ);
	assert_true(exit_time[0] >= deadline);
	assert_true(exit_time[0] - deadline <= 2 * SIM_TICKS_PER_STEP);
	assert_int_equal(seen[0], PPI_HYP);
	/* ELR_EL2 is an instruction of the loop, not yet executed; the guest then finished it. */
	assert_true(irq_pc_before >= FIX_TEXT && irq_pc_before < FIX_TEXT + SIM_IMAGE_TEXT_SIZE);
	assert_true(irq_pc_before % 4 == 0);
	assert_int_equal(reasons[1], HAL_EXIT_SYNC);
	assert_int_equal(EC(fix.exits[1].esr), 0x16);
	assert_int_equal(fix.exits[1].x[16], DONE);
}

/* --- virtual IRQ delivered at EL1 --- */

static void handler(unsigned slot, struct sim_frame *f)
{
	uint64_t iar = sim_insn_mrs(SIM_ICC_IAR1_EL1);

	if (ntaken < 4)
		taken[ntaken] = (typeof(taken[0])){ slot, iar, f->elr, f->spsr, f->esr };
	ntaken++;
	sim_insn_msr(SIM_ICC_EOIR1_EL1, iar);
}

static void virq_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	sim_insn_vectors(VECTORS, handler);
	sim_insn_msr(SIM_VBAR_EL1, VECTORS);
	for (unsigned i = 0; i < 600; i++) /* masked: long enough to cross scheduling steps */
		sim_insn_mrs(SIM_TPIDR_EL1);
	note(ntaken);
	note(sim_insn_mrs(SIM_ICC_HPPIR1_EL1));
	sim_insn_daifclr(2);
	note(ntaken); /* taken as the DAIFClr completed, before the code after it */
	sim_insn_mrs(SIM_TPIDR_EL1);
	note(ntaken);
	note(sim_insn_mrs(SIM_ICC_HPPIR1_EL1));
	hvc(DONE);
}

static void pending_lr(struct hal_vcpu_ctx *c)
{
	c->vgic.hcr = HAL_VGIC_HCR_EN;
	c->vgic.vmcr = VMCR_OPEN;
	c->vgic.lr[0] = HAL_LR_PENDING | HAL_LR_GROUP1 | 0xa0ull << HAL_LR_PRIO_SHIFT | VINTID;
	c->vgic.nr_lr = 1;
}

static void prepare_virq(void) { pending_lr(&fix.ctx); }

static struct hal_vgic_cpu saved;

static bool save_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	record(e);
	saved = c->vgic;
	return !is_done(c, e);
}

static const struct sim_program virq[] = { { "virq", virq_prog } };

static void test_vcpu_irq_virtual_irq_is_taken_at_el1_only_when_unmasked(void **state)
{
	struct sim_result r;

	(void)state;
	reset(virq, 1);
	fix.program = "virq";
	fix.handle = save_core;
	fix.prepare = prepare_virq;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(fix.nexits, 1);
	assert_int_equal(seen[0], 0);      /* nothing taken while PSTATE.I was set */
	assert_int_equal(seen[1], VINTID); /* though it was pending all along */
	assert_int_equal(seen[2], 1);
	assert_int_equal(seen[3], 1);
	assert_int_equal(seen[4], HAL_IRQ_SPURIOUS);
	assert_int_equal(ntaken, 1);
	assert_int_equal(taken[0].slot, 0x280); /* IRQ, current EL with SP_ELx */
	assert_int_equal(taken[0].iar, VINTID);
	assert_int_equal(taken[0].spsr & PSTATE_I, 0);
	assert_int_equal(taken[0].spsr & 0xf, 5); /* from EL1h */
	/* ELR_EL1: the instruction after the DAIFClr. */
	assert_true(taken[0].elr >= FIX_TEXT && taken[0].elr < FIX_TEXT + SIM_IMAGE_TEXT_SIZE);
	/* EOIR with VEOIM 0 deactivated it: the list register is empty when the vCPU exits. */
	assert_int_equal(saved.lr[0] & HAL_LR_STATE_MASK, 0);
	assert_true(saved.elrsr & 1);
}

/* --- trapped system registers --- */

static void sys_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	sim_insn_msr(SIM_ICC_SGI1R_EL1, 0x0001000000020003ull);
	note(sim_insn_mrs(SIM_CNTP_CTL_EL0));
	sim_insn_msr(SIM_CNTP_TVAL_EL0, 1234);
	note(sim_insn_mrs(SIM_CNTP_CVAL_EL0));
	sim_insn_msr(SIM_CNTP_CTL_EL0, 1);
	hvc(DONE);
}

static bool sys_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	record(e);
	if (EC(e->esr) == 0x18) {
		if (e->esr & 1) /* a read: the core's emulation gives Rt a value */
			c->x[(e->esr >> 5) & 31] = 0x100 + fix.nexits;
		c->pc += 4;
	}
	return !is_done(c, e);
}

/* ISS of a trapped MSR/MRS from its encoding (ARM DDI 0487 D17.2.37). */
static uint64_t sys_esr(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned rt, bool rd)
{
	return 0x18ull << 26 | 1ull << 25 | op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | rd;
}

static const struct sim_program sys[] = { { "sys", sys_prog } };

static void test_vcpu_irq_trapped_sysregs_carry_the_architectural_syndrome(void **state)
{
	struct sim_result r;

	(void)state;
	reset(sys, 1);
	fix.program = "sys";
	fix.handle = sys_core;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(fix.nexits, 6);
	/* MSR ICC_SGI1R_EL1, x0 (S3_0_C12_C11_5): HCR_EL2.IMO traps it; the value is in x0. */
	assert_int_equal(fix.exits[0].esr, 0x623a3016);
	assert_int_equal(fix.exits[0].esr, sys_esr(3, 0, 12, 11, 5, 0, false));
	assert_int_equal(fix.exits[0].x[0], 0x0001000000020003ull);
	assert_int_equal(fix.exits[0].pc, FIX_TEXT);
	/* MRS x0, CNTP_CTL_EL0 (S3_3_C14_C2_1): CNTHCTL_EL2.EL1PCEN is 0. */
	assert_int_equal(fix.exits[1].esr, 0x6232f805);
	assert_int_equal(fix.exits[1].esr, sys_esr(3, 3, 14, 2, 1, 0, true));
	assert_int_equal(fix.exits[2].esr, sys_esr(3, 3, 14, 2, 0, 0, false)); /* MSR CNTP_TVAL_EL0 */
	assert_int_equal(fix.exits[2].x[0], 1234);
	assert_int_equal(fix.exits[3].esr, sys_esr(3, 3, 14, 2, 2, 0, true)); /* MRS CNTP_CVAL_EL0 */
	assert_int_equal(fix.exits[4].esr, sys_esr(3, 3, 14, 2, 1, 0, false));
	/* Each completes where the core left it: the MRS results are the core's. */
	assert_int_equal(seen[0], 0x102);
	assert_int_equal(seen[1], 0x104);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(fix.exits[i].pc, FIX_TEXT + 4 * i);
}

/* --- the virtual timer and counters --- */

#define VOFF  (0 - (1ull << 40)) /* CNTVCT runs 2^40 ahead of CNTPCT */
#define VCVAL (1ull << 41)

static uint64_t undef_esr;
static unsigned nundef;

static void skip_handler(unsigned slot, struct sim_frame *f)
{
	if (slot == 0x200) {
		undef_esr = f->esr;
		nundef++;
		f->elr += 4;
	}
}

static void vtimer_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	sim_insn_vectors(VECTORS, skip_handler);
	sim_insn_msr(SIM_VBAR_EL1, VECTORS);
	note(sim_insn_mrs(SIM_CNTVCT_EL0));
	note(sim_insn_mrs(SIM_CNTPCT_EL0));
	note(sim_insn_mrs(SIM_CNTFRQ_EL0));
	note(sim_insn_mrs(SIM_CNTV_CVAL_EL0)); /* loaded from the context */
	sim_insn_msr(SIM_CNTV_CVAL_EL0, VCVAL);
	sim_insn_msr(SIM_CNTV_CTL_EL0, 3); /* ENABLE | IMASK */
	hvc(1);
	note(sim_insn_mrs(SIM_CNTV_CVAL_EL0));        /* the core's edit while it was out */
	sim_insn_msr(SIM_CNTV_TVAL_EL0, 0xffffff00u); /* -256: in the past */
	note(sim_insn_mrs(SIM_CNTV_CTL_EL0));
	sim_insn_msr(SIM_CNTPCT_EL0, 0); /* read-only: UNDEFINED */
	hvc(DONE);
}

static uint64_t pcpu_ctl_out;
static struct {
	uint64_t ctl, cval;
} vt[FIX_MAX_EXITS];

static bool vtimer_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	record(e);
	vt[fix.nexits - 1].ctl = c->vtimer.ctl;
	vt[fix.nexits - 1].cval = c->vtimer.cval;
	if (fix.nexits == 1)
		pcpu_ctl_out = timer_read(sim_timer(), 0, TIMER_VIRT, TIMER_REG_CTL);
	if (c->x[16] == 1)
		c->vtimer.cval = 0xabcdef;
	return !is_done(c, e);
}

static void prepare_vtimer(void)
{
	fix.ctx.vtimer.off = VOFF;
	fix.ctx.vtimer.cval = 777;
}

static const struct sim_program vtimer[] = { { "vtimer", vtimer_prog } };

static void test_vcpu_irq_virtual_timer_is_the_guests_and_follows_it_across_exits(void **state)
{
	struct sim_result r;

	(void)state;
	reset(vtimer, 1);
	nundef = 0;
	fix.program = "vtimer";
	fix.handle = vtimer_core;
	fix.prepare = prepare_vtimer;
	assert_int_equal(fix_run(&r), 0);
	/* CNTVCT = CNTPCT - CNTVOFF, read one instruction apart. */
	assert_true(seen[0] > (1ull << 40));
	assert_true(seen[1] - VOFF - seen[0] <= SIM_TICKS_PER_STEP);
	assert_int_equal(seen[2], SIM_COUNTER_HZ);
	assert_int_equal(seen[3], 777);
	/* Saved at the exit: ENABLE | IMASK (ISTATUS clear, CVAL far ahead); the pCPU's timer keeps
	 * it until the next entry or idle. */
	assert_int_equal(vt[0].ctl, 3);
	assert_int_equal(vt[0].cval, VCVAL);
	assert_int_equal(pcpu_ctl_out, 3);
	assert_int_equal(seen[4], 0xabcdef);
	assert_int_equal(seen[5], 7); /* ISTATUS: the deadline has passed */
	/* The MSR to CNTPCT_EL0 was an undefined instruction at EL1, not an exit. */
	assert_int_equal(nundef, 1);
	assert_int_equal(undef_esr, 1ull << 25); /* EC 0x00, IL */
	assert_int_equal(fix.nexits, 2);
}

/* --- WFI without TWI: sleep until the virtual timer's interrupt --- */

static void wfi_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	hvc(SETUP);
	sim_insn_msr(SIM_CNTV_TVAL_EL0, 1000000); /* 16 ms */
	sim_insn_msr(SIM_CNTV_CTL_EL0, 1);
	note(sim_insn_mrs(SIM_CNTVCT_EL0) + 1000000);
	sim_insn_wfi();
	hvc(DONE);
}

static bool wfi_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	record(e);
	if (c->x[16] == SETUP && e->reason == HAL_EXIT_SYNC) {
		hal_irq_cpu_init();
		hal_irq_enable(PPI_VIRT, true);
		c->hcr &= ~HCR_TWI;
	}
	if (e->reason == HAL_EXIT_IRQ) {
		uint32_t intid = hal_irq_ack();
		note(intid);
		/* As a vtimer does: mask the guest's timer, forward it (here: nothing), deactivate. */
		c->vtimer.ctl |= 2;
		hal_irq_eoi(intid);
		hal_irq_deactivate(intid);
	}
	return !is_done(c, e);
}

static const struct sim_program wfi[] = { { "wfi", wfi_prog } };

static void test_vcpu_irq_guest_wfi_sleeps_until_its_timer_fires_then_exits(void **state)
{
	struct sim_result r;

	(void)state;
	reset(wfi, 1);
	fix.program = "wfi";
	fix.handle = wfi_core;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(fix.nexits, 3);
	assert_int_equal(reasons[1], HAL_EXIT_IRQ);
	assert_int_equal(seen[1], PPI_VIRT);
	/* Woken at the deadline (in virtual counts: seen[0]) by a jump of virtual time. */
	assert_true(exit_time[1] >= seen[0]);
	assert_true(exit_time[1] - seen[0] <= 2 * SIM_TICKS_PER_STEP);
	assert_true(r.steps < 1000);
}

/* --- the guest's CPU interface is the vCPU's --- */

static void icc_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	note(sim_insn_mrs(SIM_ICC_PMR_EL1));
	sim_insn_msr(SIM_ICC_PMR_EL1, 0x80);
	note(sim_insn_mrs(SIM_ICC_IGRPEN1_EL1));
	note(sim_insn_mrs(SIM_ICC_RPR_EL1));
	hvc(DONE);
}

static const struct sim_program icc[] = { { "icc", icc_prog } };

static void test_vcpu_irq_icc_registers_reach_the_vcpus_virtual_interface(void **state)
{
	struct sim_result r;

	(void)state;
	reset(icc, 1);
	fix.program = "icc";
	fix.handle = save_core;
	fix.prepare = prepare_virq;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(seen[0], 0xf8); /* VPMR 0xff with five priority bits */
	assert_int_equal(seen[1], 1);    /* VENG1 */
	assert_int_equal(seen[2], 0xff); /* idle running priority */
	assert_int_equal(saved.vmcr >> 24, 0x80);
	/* The pending LR survived the round trip untouched. */
	assert_int_equal(saved.lr[0] & HAL_LR_STATE_MASK, HAL_LR_PENDING);
	assert_int_equal(saved.lr[0] & HAL_LR_VINTID_MASK, VINTID);
}

/* --- a group-0 virtual interrupt is a virtual FIQ (GICv3: VFIQEn is RES1) --- */

static void fiq_handler(unsigned slot, struct sim_frame *f)
{
	if (ntaken < 4)
		taken[ntaken] = (typeof(taken[0])){ slot, 0, f->elr, f->spsr, f->esr };
	ntaken++;
	f->spsr |= 1ull << 6; /* return with FIQs masked: nothing here acknowledges it */
}

static void fiq_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	sim_insn_vectors(VECTORS, fiq_handler);
	sim_insn_msr(SIM_VBAR_EL1, VECTORS);
	sim_insn_daifclr(2); /* IRQs open: not what a group-0 interrupt needs */
	note(ntaken);
	sim_insn_daifclr(1);
	note(ntaken);
	hvc(DONE);
}

static void prepare_fiq(void)
{
	fix.ctx.vgic.hcr = HAL_VGIC_HCR_EN;
	fix.ctx.vgic.vmcr = 0xffu << 24 | 1u << 0; /* VPMR open, VENG0 */
	fix.ctx.vgic.lr[0] = HAL_LR_PENDING | 0xa0ull << HAL_LR_PRIO_SHIFT | VINTID;
	fix.ctx.vgic.nr_lr = 1;
}

static const struct sim_program fiqp[] = { { "fiq", fiq_prog } };

static void test_vcpu_irq_group0_virtual_interrupt_is_taken_at_the_fiq_vector(void **state)
{
	struct sim_result r;

	(void)state;
	reset(fiqp, 1);
	fix.program = "fiq";
	fix.handle = save_core;
	fix.prepare = prepare_fiq;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[1], 1);
	assert_int_equal(ntaken, 1);
	assert_int_equal(taken[0].slot, 0x300); /* FIQ, current EL with SP_ELx */
	assert_int_equal(saved.lr[0] & HAL_LR_STATE_MASK, HAL_LR_PENDING);
}

/* --- GICv2: the guest's GICC is the pCPU's GICV frame, mapped by stage 2 --- */

#define V2_GICV   0x08040000ull
#define GICC_IPA  (FIX_IPA + (2ull << 20)) /* the page after the fixture's block, in its L3 table */
#define GICC_IAR  0x0c
#define GICC_EOIR 0x10

static void use_v2(void)
{
	harness_plat.gic.version = 2;
	harness_plat.gic.redist_count = 0;
	harness_plat.gic.dist = (struct plat_region){ pa_init(0x08000000), 0x10000 };
	harness_plat.gic.cpuif = (struct plat_region){ pa_init(0x08010000), 0x10000 };
	harness_plat.gic.hyp = (struct plat_region){ pa_init(0x08030000), 0x10000 };
	harness_plat.gic.vcpu = (struct plat_region){ pa_init(V2_GICV), 0x10000 };
}

static void v2_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	sim_insn_vectors(VECTORS, skip_handler);
	sim_insn_msr(SIM_VBAR_EL1, VECTORS);
	uint64_t iar = sim_insn_load(GICC_IPA + GICC_IAR, 4, 0, false);
	note(iar);
	sim_insn_store(GICC_IPA + GICC_EOIR, iar, 4, 1, false);
	sim_insn_mrs(SIM_ICC_IAR1_EL1); /* no system-register interface on a GICv2 */
	hvc(DONE);
}

static const uint64_t v2_lr1 = HAL_LR_PENDING | 0xc0ull << HAL_LR_PRIO_SHIFT | 28;

static void prepare_v2(void)
{
	fix_s2_page(GICC_IPA, V2_GICV);
	fix.ctx.vgic.hcr = HAL_VGIC_HCR_EN;
	fix.ctx.vgic.vmcr = 0xffu << 24 | 1u << 0; /* VPMR open, VENG0: group 0, as on GICv2 */
	fix.ctx.vgic.lr[0] = HAL_LR_PENDING | 0xa0ull << HAL_LR_PRIO_SHIFT | VINTID;
	fix.ctx.vgic.lr[1] = v2_lr1;
	fix.ctx.vgic.nr_lr = 2;
}

static const struct sim_program v2p[] = { { "v2", v2_prog } };

static void test_vcpu_irq_gicv2_guest_acks_through_the_gicv_frame(void **state)
{
	struct sim_result r;

	(void)state;
	reset(v2p, 1);
	use_v2();
	nundef = 0;
	fix.program = "v2";
	fix.handle = save_core;
	fix.prepare = prepare_v2;
	assert_int_equal(fix_run(&r), 0);
	assert_int_equal(fix.nexits, 1);
	assert_int_equal(seen[0], VINTID);
	/* EOI deactivated LR 0; LR 1, never touched, came back in ICH_LR_EL2's encoding as it went. */
	assert_int_equal(saved.lr[0] & HAL_LR_STATE_MASK, 0);
	assert_int_equal(saved.lr[0] & HAL_LR_VINTID_MASK, VINTID);
	assert_int_equal(saved.lr[1], v2_lr1);
	assert_int_equal(saved.elrsr & 3, 1);
	assert_int_equal(nundef, 1);
	assert_int_equal(undef_esr, 1ull << 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpu_irq_physical_irq_exits_the_running_guest_at_an_instruction),
		cmocka_unit_test(test_vcpu_irq_virtual_irq_is_taken_at_el1_only_when_unmasked),
		cmocka_unit_test(test_vcpu_irq_trapped_sysregs_carry_the_architectural_syndrome),
		cmocka_unit_test(test_vcpu_irq_virtual_timer_is_the_guests_and_follows_it_across_exits),
		cmocka_unit_test(test_vcpu_irq_guest_wfi_sleeps_until_its_timer_fires_then_exits),
		cmocka_unit_test(test_vcpu_irq_icc_registers_reach_the_vcpus_virtual_interface),
		cmocka_unit_test(test_vcpu_irq_group0_virtual_interrupt_is_taken_at_the_fiq_vector),
		cmocka_unit_test(test_vcpu_irq_gicv2_guest_acks_through_the_gicv_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
