/* hal/sim vCPUs seen from the core: exit syndromes (HVC, stage-2 faults, WFI, nothing to run), the
 * pc the core edits, program start and restart, the cost of guest work, the stage-2 geometry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guest_fixture.h"
#include "hal/mmu.h"
#include "hal/s2.h"
#include "sim/insn.h"

#define DONE    0xd0e
#define EC(esr) ((unsigned)((esr) >> 26) & 0x3f)

static uint64_t seen[8];
static unsigned nseen, starts;

static void note(uint64_t v) { seen[nseen++ % 8] = v; }

static void done(void)
{
	sim_insn_set_reg(16, DONE);
	sim_insn_hvc(0xea1);
}

static void call(uint64_t op)
{
	sim_insn_set_reg(16, op);
	sim_insn_hvc(0xea1);
}

static bool is_done(const struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	return EC(e->esr) == 0x16 && c->x[16] == DONE;
}

static void hvc_prog(uint64_t image, uint64_t x0)
{
	(void)image;
	note(x0);
	for (unsigned i = 0; i < 5; i++)
		sim_insn_set_reg(i, i + 1);
	call(18);
	note(sim_insn_reg(0));
	call(29);
	note(sim_insn_reg(0));
	done();
}

static ipa_t va_ipa;
static bool va_ok;

static bool hvc_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	if (c->x[16] == 18)
		c->x[0] = 42;
	if (c->x[16] == 29 && fix.nexits == 2) {
		/* A continuation: the HVC runs again with what the core left in its registers. */
		c->x[0] = 7;
		c->pc -= 4;
	} else if (c->x[16] == 29) {
		c->x[0] = 99;
	}
	va_ok = hal_vcpu_va_to_ipa(c, FIX_IPA + 0x123, false, &va_ipa);
	return !is_done(c, e);
}

static void fault_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	note(sim_insn_load(FIX_HOLE, 8, 0, true));            /* LDR x0, [x0] */
	note(sim_insn_load(FIX_HOLE + 0x10, 4, 0, false));    /* LDR w0, [x0] */
	sim_insn_store(FIX_HOLE + 0x20, 0xabcd, 4, 1, false); /* STR w1, [x0] */
	done();
}

/* Emulates the access as an MMIO handler would: Xt from ISS.SRT, then past the instruction. */
static bool emulate_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	if (EC(e->esr) == 0x24) {
		if (!(e->esr & (1u << 6)))
			c->x[(e->esr >> 16) & 31] = 0x1000 + fix.nexits;
		c->pc += 4;
	}
	return !is_done(c, e);
}

static void wfi_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	sim_insn_wfi();
	sim_insn_wfi();
	done();
}

static bool wfi_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	if (EC(e->esr) == 0x01) {
		c->pc += 4;
		c->hcr &= ~(1ull << 13); /* TWI off: the next WFI stays in the guest */
		/* ... and sleeps until an interrupt is pending: a virtual one, which PSTATE.I masks but
		 * which still wakes the WFI. */
		c->vgic.hcr = HAL_VGIC_HCR_EN;
		c->vgic.vmcr = 0xffu << 24 | 1u << 1; /* VPMR open, VENG1 */
		c->vgic.lr[0] = HAL_LR_PENDING | HAL_LR_GROUP1 | 0xa0ull << HAL_LR_PRIO_SHIFT | 27;
		c->vgic.nr_lr = 1;
	}
	return !is_done(c, e);
}

static void counting_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	starts++;
	call(1);
	done();
}

/* The first HVC: reset the vCPU to its entry, as PSCI CPU_ON after CPU_OFF does. */
static bool reset_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	if (c->x[16] == 1 && fix.nexits == 1)
		c->pc = FIX_IPA;
	return !is_done(c, e);
}

static void returning_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	call(1);
}

static bool until_undef(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	(void)c;
	return EC(e->esr) != 0x00 && EC(e->esr) != 0x20;
}

static unsigned loads;

static void busy_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	for (unsigned i = 0; i < loads; i++)
		sim_insn_load(FIX_IPA + 0x100000, 8, 0, true);
	done();
}

static struct plat_region reserved[2];
static unsigned nreserved;

static bool reserved_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	nreserved = hal_mem_reserved(reserved, 2);
	return !is_done(c, e);
}

static const struct sim_program programs[] = {
	{ "hvc", hvc_prog },           { "fault", fault_prog },         { "wfi", wfi_prog },
	{ "counting", counting_prog }, { "returning", returning_prog }, { "busy", busy_prog },
};

static void setup_run(const char *program, bool (*handle)(struct hal_vcpu_ctx *, const struct hal_exit *),
		      struct sim_result *r)
{
	fix_reset(programs, sizeof(programs) / sizeof(programs[0]));
	nseen = starts = 0;
	fix.blocks = 1;
	fix.program = program;
	fix.handle = handle;
	assert_int_equal(fix_run(r), 0);
}

static void test_hvc_exit_syndrome_and_result(void **state)
{
	struct sim_result r;

	(void)state;
	setup_run("hvc", hvc_core, &r);
	assert_int_equal(fix.nexits, 4);
	/* HVC64, IL, imm16 0xEA1; ELR past the HVC; arguments where the guest put them. */
	assert_int_equal(fix.exits[0].esr, 0x5a000ea1);
	assert_int_equal(fix.exits[0].pc, FIX_TEXT + 4);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(fix.exits[0].x[i], i + 1);
	assert_int_equal(fix.exits[1].pc, FIX_TEXT + 8);
	assert_int_equal(fix.exits[2].pc, FIX_TEXT + 8);
	assert_int_equal(fix.exits[2].x[0], 7);
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[1], 42);
	assert_int_equal(seen[2], 99);
	assert_true(va_ok);
	assert_int_equal(ipa_addr(va_ipa), FIX_IPA + 0x123);
}

static void test_stage2_fault_exit_is_the_models_syndrome(void **state)
{
	struct sim_result r;

	(void)state;
	setup_run("fault", emulate_core, &r);
	assert_int_equal(fix.nexits, 4);
	/* QEMU's value for LDR x0 from an unmapped IPA: EC 0x24, IL, ISV, SAS=3, SF, level-1 fault. */
	assert_int_equal(fix.exits[0].esr, 0x93c08005);
	assert_int_equal(fix.exits[0].far, FIX_HOLE);
	assert_int_equal(fix.exits[0].hpfar, FIX_HOLE >> 12 << 4);
	assert_int_equal(fix.exits[0].pc, FIX_TEXT);    /* ELR is the access itself */
	assert_int_equal(fix.exits[1].esr, 0x93800005); /* LDR w0: SAS=2, SF=0 */
	assert_int_equal(fix.exits[1].far, FIX_HOLE + 0x10);
	assert_int_equal(fix.exits[1].pc, FIX_TEXT + 4);
	assert_int_equal(fix.exits[2].esr, 0x93810045); /* STR w1: SRT=1, WnR */
	assert_int_equal(fix.exits[2].x[1], 0xabcd);
	assert_int_equal(seen[0], 0x1001);
	assert_int_equal(seen[1], 0x1002);
	assert_int_equal(fix.exits[3].pc, FIX_TEXT + 16);
}

static void test_wfi_traps_only_with_twi(void **state)
{
	struct sim_result r;

	(void)state;
	setup_run("wfi", wfi_core, &r);
	assert_int_equal(fix.nexits, 2);
	assert_int_equal(fix.exits[0].esr, 0x07e00000); /* EC 0x01, IL, CV, COND=AL, TI=WFI */
	assert_int_equal(fix.exits[0].pc, FIX_TEXT);
	assert_int_equal(fix.exits[1].pc, FIX_TEXT + 12);
}

static void test_nothing_to_run_is_an_exit_not_a_crash(void **state)
{
	struct sim_result r;

	(void)state;
	setup_run(NULL, until_undef, &r); /* zeroed RAM at the entry */
	assert_int_equal(fix.nexits, 1);
	assert_int_equal(fix.exits[0].esr, 0x02000000);
	assert_int_equal(fix.exits[0].pc, FIX_IPA);

	setup_run("no-such-program", until_undef, &r);
	assert_int_equal(fix.exits[0].esr, 0x02000000);

	fix_reset(programs, sizeof(programs) / sizeof(programs[0]));
	fix.entry = FIX_HOLE;
	fix.handle = until_undef;
	assert_int_equal(fix_run(&r), 0);
	/* The fetch of the image faults at stage 2: an instruction abort, level 1. */
	assert_int_equal(fix.exits[0].esr, 0x82000005);
	assert_int_equal(fix.exits[0].far, FIX_HOLE);
	assert_int_equal(fix.exits[0].hpfar, FIX_HOLE >> 12 << 4);
}

static void test_reset_vcpu_restarts_its_program(void **state)
{
	struct sim_result r;

	(void)state;
	setup_run("counting", reset_core, &r);
	assert_int_equal(starts, 2);
	assert_int_equal(fix.nexits, 3);
	assert_int_equal(fix.exits[1].pc, FIX_TEXT + 4);

	setup_run("returning", until_undef, &r);
	assert_int_equal(fix.nexits, 2);
	assert_int_equal(fix.exits[1].esr, 0x02000000);
	assert_int_equal(fix.exits[1].pc, FIX_TEXT + 4);
}

static void test_guest_work_costs_virtual_time(void **state)
{
	struct sim_result r;
	uint64_t idle, busy;

	(void)state;
	loads = 0;
	setup_run("busy", reserved_core, &r);
	idle = fix.stopped_at;
	loads = 100 * SIM_GUEST_INSNS_PER_STEP;
	setup_run("busy", reserved_core, &r);
	busy = fix.stopped_at;
	assert_true(busy - idle >= 100 * SIM_TICKS_PER_STEP);
	assert_true(busy - idle <= 102 * SIM_TICKS_PER_STEP);
}

static void test_geometry_and_reserved_ram(void **state)
{
	struct hal_s2_geometry g;
	struct sim_result r;

	(void)state;
	hal_s2_geometry(&g);
	assert_int_equal(g.ipa_bits, 40);
	assert_int_equal(g.start_level, 1);
	assert_int_equal(g.root_pages, 2);
	/* T0SZ 24, SL0 1, inner-shareable WBWA walks, 4 KiB, PS 40 bits, RES1 bit 31. */
	assert_int_equal(g.vtcr, 0x80023558);
	loads = 0;
	setup_run("busy", reserved_core, &r);
	/* The tree the harness boots with, in whole pages, where QEMU's rule puts it. */
	assert_int_equal(nreserved, 1);
	assert_int_equal(pa_addr(reserved[0].base), HARNESS_RAM_BASE + HARNESS_RAM_SIZE / 2);
	assert_int_equal(reserved[0].size, 0x1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hvc_exit_syndrome_and_result),
		cmocka_unit_test(test_stage2_fault_exit_is_the_models_syndrome),
		cmocka_unit_test(test_wfi_traps_only_with_twi),
		cmocka_unit_test(test_nothing_to_run_is_an_exit_not_a_crash),
		cmocka_unit_test(test_reset_vcpu_restarts_its_program),
		cmocka_unit_test(test_guest_work_costs_virtual_time),
		cmocka_unit_test(test_geometry_and_reserved_ram),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
