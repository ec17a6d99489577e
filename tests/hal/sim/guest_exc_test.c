/* Exceptions inside a sim guest and the TLBs under it: the core's injected abort reaching the
 * guest's vector, stage-1 and access faults taken at EL1 without an exit, and stale stage-2
 * translations until the core's maintenance reaches every pCPU. */
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
#define VECTORS (FIX_IPA + 0x2000)
#define PAGE_A  (HARNESS_RAM_BASE + 0xa00000)
#define PAGE_B  (HARNESS_RAM_BASE + 0xa01000)
#define PAGED   (FIX_IPA + (2ull << 20)) /* the first IPA of the L3 table */

static uint64_t seen[8], taken[4][4];
static unsigned nseen, ntaken;

static void note(uint64_t v) { seen[nseen++ % 8] = v; }

static void call(uint64_t op)
{
	sim_insn_set_reg(16, op);
	sim_insn_hvc(0xea1);
}

/* Records the exception and skips the access; the library's loads read 0. */
static void handler(unsigned slot, struct sim_frame *f)
{
	if (ntaken < 4)
		memcpy(taken[ntaken++], (uint64_t[]){ slot, f->esr, f->far, f->elr }, sizeof(taken[0]));
	f->elr += 4;
	f->x[0] = 0;
}

static void vectors(void)
{
	sim_insn_vectors(VECTORS, handler);
	sim_insn_msr(SIM_VBAR_EL1, VECTORS);
}

static bool is_done(const struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	return EC(e->esr) == 0x16 && c->x[16] == DONE;
}

static void injected_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	vectors();
	note(sim_insn_load(FIX_HOLE, 4, 0, false));
	call(DONE);
}

static bool injecting_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	if (EC(e->esr) == 0x24)
		fix_inject_dabt(c, e->far);
	return !is_done(c, e);
}

static ipa_t va_ipa;
static bool va_ok[2];

static void stage1_prog(uint64_t image, uint64_t x0)
{
	const uint64_t table = FIX_IPA + 0x100000;

	(void)image, (void)x0;
	vectors();
	/* One 1 GiB block: VA 0x40000000 -> IPA 0x40000000 (AF, inner-shareable, MAIR index 0). */
	sim_insn_store(table + 8, FIX_IPA | 0x701, 8, 1, true);
	sim_insn_msr(SIM_MAIR_EL1, 0xff);
	/* T0SZ 25, WBWA inner-shareable walks, 4 KiB, TTBR1 walks off, IPS 40 bits. */
	sim_insn_msr(SIM_TCR_EL1, 25 | 1 << 8 | 1 << 10 | 3 << 12 | 1 << 23 | 2ull << 32);
	sim_insn_msr(SIM_TTBR0_EL1, table);
	sim_insn_msr(SIM_SCTLR_EL1, sim_insn_mrs(SIM_SCTLR_EL1) | 1);
	note(sim_insn_load(table + 8, 8, 0, true));
	note(sim_insn_load(FIX_HOLE, 8, 0, true)); /* VA with no stage-1 entry */
	call(DONE);
}

static bool va_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	va_ok[0] = hal_vcpu_va_to_ipa(c, FIX_IPA + 0x10, true, &va_ipa);
	va_ok[1] = hal_vcpu_va_to_ipa(c, FIX_HOLE, false, &(ipa_t){ 0 });
	return !is_done(c, e);
}

static void access_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	vectors();
	note(sim_insn_load(FIX_IPA + 0x100004, 8, 0, true)); /* unaligned, Device with stage 1 off */
	sim_insn_store(PAGED, 1, 4, 1, false);               /* mapped to a PA nothing backs */
	call(DONE);
}

static void unbacked_page(void) { fix_s2_page(PAGED, 0x20000000); }

static void tlb_prog(uint64_t image, uint64_t x0)
{
	(void)image, (void)x0;
	for (unsigned op = 1; op <= 4; op++) {
		note(sim_insn_load(PAGED, 8, 0, true));
		call(op);
	}
	note(sim_insn_load(PAGED, 8, 0, true));
	call(DONE);
}

static void two_pages(void)
{
	fix_s2_page(PAGED, PAGE_A);
	*(uint64_t *)hal_pa_to_va(pa_init(PAGE_A)) = 0xaaaa;
	*(uint64_t *)hal_pa_to_va(pa_init(PAGE_B)) = 0xbbbb;
}

static bool hit_before, hit_after;
static uint64_t pa_after;

/* What pCPU 1 has cached for the page: its TLB is one of those the broadcast must reach. */
static bool cpu1_translate(uint64_t *pa)
{
	struct mmu_cpu *m = &sim_cpu_at(1)->mmu;
	const struct mmu_access a = { .va = PAGED, .type = MMU_LOAD, .el = 1, .size = 8 };
	struct mmu_result r;

	m->regs = sim_cpu_at(0)->mmu.regs;
	assert_true(mmu_translate(m, &a, &r));
	*pa = r.pa;
	return r.tlb_hit;
}

static bool tlb_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	uint64_t pa;

	switch (c->x[16]) {
	case 1:
		cpu1_translate(&pa);
		fix_s2_page(PAGED, PAGE_B); /* no maintenance: the old translation lives on */
		hit_before = cpu1_translate(&pa);
		break;
	case 2:
		hal_s2_flush_ipa(FIX_VMID, ipa_init(PAGED));
		hit_after = cpu1_translate(&pa_after);
		break;
	case 3: fix_s2_page(PAGED, PAGE_A); break;
	case 4: hal_s2_flush_vmid(FIX_VMID); break;
	}
	return !is_done(c, e);
}

static const struct sim_program programs[] = {
	{ "injected", injected_prog },
	{ "stage1", stage1_prog },
	{ "access", access_prog },
	{ "tlb", tlb_prog },
};

static bool until_done(struct hal_vcpu_ctx *c, const struct hal_exit *e) { return !is_done(c, e); }

static void run(const char *program, bool (*handle)(struct hal_vcpu_ctx *, const struct hal_exit *),
		void (*prepare)(void))
{
	struct sim_result r;

	fix_reset(programs, sizeof(programs) / sizeof(programs[0]));
	nseen = ntaken = 0;
	fix.program = program;
	fix.handle = handle;
	fix.prepare = prepare;
	assert_int_equal(fix_run(&r), 0);
}

static void test_injected_abort_reaches_the_guest_vector(void **state)
{
	(void)state;
	run("injected", injecting_core, NULL);
	assert_int_equal(fix.nexits, 2);
	assert_int_equal(ntaken, 1);
	assert_int_equal(taken[0][0], 0x200); /* synchronous, current EL with SP_ELx */
	assert_int_equal(taken[0][1], 0x96000000);
	assert_int_equal(taken[0][2], FIX_HOLE);
	assert_int_equal(taken[0][3], FIX_TEXT + 4); /* ELR: the load, after the MSR to VBAR */
	assert_int_equal(seen[0], 0);
	/* The ERET returned past the load: the HVC after it is the next instruction. */
	assert_int_equal(fix.exits[1].pc, FIX_TEXT + 12);
}

static void test_stage1_fault_is_taken_in_the_guest(void **state)
{
	(void)state;
	run("stage1", va_core, NULL);
	assert_int_equal(fix.nexits, 1); /* only the final HVC left the guest */
	assert_int_equal(seen[0], FIX_IPA | 0x701);
	assert_int_equal(ntaken, 1);
	assert_int_equal(EC(taken[0][1]), 0x25);
	assert_int_equal(taken[0][1] & 0x3f, 0x05); /* level-1 translation fault */
	assert_int_equal(taken[0][2], FIX_HOLE);
	assert_true(va_ok[0]);
	assert_int_equal(ipa_addr(va_ipa), FIX_IPA + 0x10);
	assert_false(va_ok[1]);
}

static void test_alignment_and_external_aborts_go_to_el1(void **state)
{
	(void)state;
	run("access", until_done, unbacked_page);
	assert_int_equal(fix.nexits, 1);
	assert_int_equal(ntaken, 2);
	assert_int_equal(taken[0][1], 0x96000021); /* alignment fault */
	assert_int_equal(taken[0][2], FIX_IPA + 0x100004);
	assert_int_equal(taken[0][3], FIX_TEXT + 4);
	assert_int_equal(seen[0], 0);
	assert_int_equal(taken[1][1], 0x96000050); /* synchronous external abort on a write */
	assert_int_equal(taken[1][2], PAGED);
	assert_int_equal(taken[1][3], FIX_TEXT + 8);
}

static void test_stage2_changes_need_the_cores_maintenance(void **state)
{
	(void)state;
	run("tlb", tlb_core, two_pages);
	assert_int_equal(nseen, 5);
	assert_int_equal(seen[0], 0xaaaa);
	assert_int_equal(seen[1], 0xaaaa); /* remapped without a TLBI: stale, as on hardware */
	assert_int_equal(seen[2], 0xbbbb);
	assert_int_equal(seen[3], 0xbbbb);
	assert_int_equal(seen[4], 0xaaaa);
	/* The flush reached pCPU 1 too: it walks again and finds the new page. */
	assert_true(hit_before);
	assert_false(hit_after);
	assert_int_equal(pa_after, PAGE_B);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_injected_abort_reaches_the_guest_vector),
		cmocka_unit_test(test_stage1_fault_is_taken_in_the_guest),
		cmocka_unit_test(test_alignment_and_external_aborts_go_to_el1),
		cmocka_unit_test(test_stage2_changes_need_the_cores_maintenance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
