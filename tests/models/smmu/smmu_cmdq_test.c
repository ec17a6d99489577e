/* The command queue (IHI 0070 chapter 4): each command's effect on the STE cache and the TLB (and
 * that without it translations stay stale), CMD_SYNC signalling, errors that stop the queue, wrap. */
#include <stdlib.h>

#include "smmu_testlib.h"

#define SID  1u
#define VMID 5u
#define IPA  0x80000000ull
#define PA_A (T_RAM_BASE + 0x800000)
#define PA_B (T_RAM_BASE + 0x900000)

struct fx {
	struct t_env *e;
	struct t_tt tt;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->e = t_new(48);
	t_up(f->e, 8);
	t_tt_init(&f->tt, f->e, 40, 1);
	t_tt_map(&f->tt, IPA, PA_A, 3, S2_PAGE);
	t_tt_map(&f->tt, IPA + 0x1000, PA_A + 0x1000, 3, S2_PAGE);
	t_ste_s2(f->e, SID, VMID, f->tt.root, 24, 1, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	t_free(f->e);
	free(f);
	return 0;
}

static uint64_t op_sid(unsigned op, uint32_t sid) { return op | (uint64_t)sid << 32; }
static uint64_t op_vmid(unsigned op, uint16_t vmid) { return op | (uint64_t)vmid << 32; }

/* Warms the TLB with IPA -> PA_A, then remaps IPA to PA_B in memory only. */
static void remap(struct fx *f)
{
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A);
	t_tt_map(&f->tt, IPA, PA_B, 3, S2_PAGE);
}

static void test_commands_advance_cons_to_prod(void **state)
{
	struct fx *f = *state;

	t_cmd(f->e, SMMU_CMD_PREFETCH_CONFIG | (uint64_t)SID << 32, 0);
	t_cmd(f->e, SMMU_CMD_PREFETCH_ADDR, IPA);
	t_cmd(f->e, SMMU_CMD_SYNC, 0);
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), 3);
	assert_int_equal(t_rd(f->e, SMMU_GERROR), 0);
	assert_int_equal(smmu_get_stats(f->e->s)->commands, 3);
}

static void test_translation_stays_stale_without_tlbi(void **state)
{
	struct fx *f = *state;

	remap(f);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A);
	t_cmd(f->e, SMMU_CMD_CFGI_STE_RANGE, 31);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A); /* config invalidation is not a TLBI */
	t_cmd(f->e, op_vmid(SMMU_CMD_TLBI_NH_ALL, VMID), 0);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A); /* stage 1 only */
}

static void test_tlbi_s2_ipa_removes_that_page_of_that_vmid_only(void **state)
{
	struct fx *f = *state;

	remap(f);
	t_tt_map(&f->tt, IPA + 0x1000, PA_B + 0x1000, 3, S2_PAGE);
	t_cmd(f->e, op_vmid(SMMU_CMD_TLBI_S2_IPA, VMID + 1), IPA);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A); /* another VMID's */
	t_xlate_ok(f->e, SID, IPA + 0x1000, false);                /* now cached as PA_B + 0x1000 */
	t_cmd(f->e, op_vmid(SMMU_CMD_TLBI_S2_IPA, VMID), IPA + 0xabc);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_B);
	t_tt_map(&f->tt, IPA + 0x1000, PA_A, 3, S2_PAGE);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA + 0x1000, false), PA_B + 0x1000); /* untouched */
}

static void test_tlbi_s12_vmall_removes_one_vmid(void **state)
{
	struct fx *f = *state;
	struct t_tt other;

	t_tt_init(&other, f->e, 40, 1);
	t_tt_map(&other, IPA, PA_A + 0x5000, 3, S2_PAGE);
	t_ste_s2(f->e, 2, VMID + 1, other.root, 24, 1, 0);
	assert_int_equal(t_xlate_ok(f->e, 2, IPA, false), PA_A + 0x5000);
	remap(f);
	t_tt_map(&other, IPA, PA_B + 0x5000, 3, S2_PAGE);
	t_cmd(f->e, op_vmid(SMMU_CMD_TLBI_S12_VMALL, VMID), 0);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_B);
	assert_int_equal(t_xlate_ok(f->e, 2, IPA, false), PA_A + 0x5000);
	t_cmd(f->e, SMMU_CMD_TLBI_NSNH_ALL, 0);
	assert_int_equal(t_xlate_ok(f->e, 2, IPA, false), PA_B + 0x5000);
}

static void test_tlb_entries_are_shared_by_streams_of_one_vmid(void **state)
{
	struct fx *f = *state;
	struct t_tt other;

	t_tt_init(&other, f->e, 40, 1);
	t_tt_map(&other, IPA, PA_B, 3, S2_PAGE);
	t_ste_s2(f->e, 3, VMID, other.root, 24, 1, 0); /* same VMID, different tables: a driver bug */
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A);
	assert_int_equal(t_xlate_ok(f->e, 3, IPA, false), PA_A);
}

static void test_ste_stays_stale_until_cfgi_ste(void **state)
{
	struct fx *f = *state;

	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A);
	t_ste(f->e, SID, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_ABORT), 0, 0, 0);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A);
	t_cmd(f->e, op_sid(SMMU_CMD_CFGI_STE, SID + 1), 1);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A);
	t_cmd(f->e, SMMU_CMD_TLBI_NSNH_ALL, 0);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A); /* a TLBI is not a CFGI */
	t_cmd(f->e, op_sid(SMMU_CMD_CFGI_STE, SID), 1);
	assert_int_equal(t_xlate_fault(f->e, SID, IPA, false), SMMU_EVT_NONE);
}

static void test_cfgi_ste_range_covers_its_aligned_block(void **state)
{
	struct fx *f = *state;

	for (uint32_t sid = 8; sid < 16; sid++) {
		t_ste_s2(f->e, sid, VMID, f->tt.root, 24, 1, 0);
		t_xlate_ok(f->e, sid, IPA, false);
		t_ste(f->e, sid, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_ABORT), 0, 0, 0);
	}
	t_cmd(f->e, op_sid(SMMU_CMD_CFGI_STE_RANGE, 13), 1); /* 4 StreamIDs: 12..15 */
	for (uint32_t sid = 8; sid < 12; sid++)
		t_xlate_ok(f->e, sid, IPA, false);
	for (uint32_t sid = 12; sid < 16; sid++)
		assert_int_equal(t_xlate_fault(f->e, sid, IPA, false), SMMU_EVT_NONE);
	t_cmd(f->e, SMMU_CMD_CFGI_STE_RANGE, 31); /* CFGI_ALL */
	for (uint32_t sid = 8; sid < 12; sid++)
		assert_int_equal(t_xlate_fault(f->e, sid, IPA, false), SMMU_EVT_NONE);
}

static void test_cmd_sync_signals_irq_sev_or_nothing(void **state)
{
	struct fx *f = *state;

	t_cmd(f->e, SMMU_CMD_SYNC | SMMU_SYNC_CS_NONE << 12, 0);
	assert_int_equal(f->e->rises[SMMU_IRQ_CMD_SYNC] + f->e->sevs, 0);
	t_cmd(f->e, SMMU_CMD_SYNC | SMMU_SYNC_CS_IRQ << 12, 0);
	assert_int_equal(f->e->rises[SMMU_IRQ_CMD_SYNC], 1);
	assert_false(f->e->line[SMMU_IRQ_CMD_SYNC]); /* a pulse */
	t_cmd(f->e, SMMU_CMD_SYNC | SMMU_SYNC_CS_SEV << 12, 0);
	assert_int_equal(f->e->sevs, 1);
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), 3);
}

static void expect_stop(struct fx *f, uint32_t cons, unsigned err)
{
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), (uint64_t)err << 24 | cons);
	assert_int_equal(t_rd(f->e, SMMU_GERROR) ^ t_rd(f->e, SMMU_GERRORN), SMMU_GERROR_CMDQ_ERR);
	assert_true(f->e->line[SMMU_IRQ_GERROR]);
}

static void test_illegal_commands_stop_the_queue_with_cerror_ill(void **state)
{
	struct fx *f = *state;
	const unsigned ill[] = { 0x00, 0x07, 0x14, 0x18, SMMU_CMD_TLBI_EL2_ALL, 0x29, SMMU_CMD_ATC_INV,
				 0x41, 0x47, 0x50, 0xff };

	for (unsigned i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
		uint32_t cons = (uint32_t)t_rd(f->e, SMMU_CMDQ_CONS) & 0xfffff;
		t_cmd(f->e, ill[i], 0);
		expect_stop(f, cons, SMMU_CERROR_ILL);
		/* Software replaces it with a harmless command and acknowledges: the queue resumes. */
		t_cmd_noprod(f->e, cons, SMMU_CMD_PREFETCH_CONFIG, 0);
		t_wr(f->e, SMMU_GERRORN, t_rd(f->e, SMMU_GERROR));
		assert_false(f->e->line[SMMU_IRQ_GERROR]);
		assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS) & 0xfffff, (cons + 1) & 0x1f);
	}
	/* CMD_SYNC with the reserved CS value is ILLEGAL too. */
	t_cmd(f->e, SMMU_CMD_SYNC | 3u << 12, 0);
	expect_stop(f, (uint32_t)t_rd(f->e, SMMU_CMDQ_CONS) & 0xfffff, SMMU_CERROR_ILL);
}

static void test_commands_after_an_error_wait_for_the_ack(void **state)
{
	struct fx *f = *state;

	remap(f);
	t_cmd(f->e, 0x00, 0);
	t_cmd(f->e, SMMU_CMD_TLBI_NSNH_ALL, 0);
	expect_stop(f, 0, SMMU_CERROR_ILL);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_A); /* the TLBI did not run */
	t_cmd(f->e, SMMU_CMD_SYNC, 0);                             /* a PROD write does not restart it */
	expect_stop(f, 0, SMMU_CERROR_ILL);
	t_cmd_noprod(f->e, 0, SMMU_CMD_SYNC, 0);
	t_wr(f->e, SMMU_GERRORN, t_rd(f->e, SMMU_GERROR));
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), SMMU_CERROR_ILL << 24 | 3); /* ERR keeps the last code */
	assert_int_equal(t_xlate_ok(f->e, SID, IPA, false), PA_B);
}

static void test_command_fetch_abort_is_cerror_abt(void **state)
{
	struct fx *f = *state;

	f->e->hole_lo = f->e->cmdq;
	f->e->hole_hi = f->e->cmdq + 16;
	t_wr(f->e, SMMU_CMDQ_PROD, 1);
	expect_stop(f, 0, SMMU_CERROR_ABT);
}

static void test_disabled_queue_runs_nothing_until_cmdqen(void **state)
{
	struct fx *f = *state;

	t_wr(f->e, SMMU_CR0, SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN);
	t_cmd(f->e, SMMU_CMD_SYNC | SMMU_SYNC_CS_SEV << 12, 0);
	t_cmd(f->e, SMMU_CMD_SYNC | SMMU_SYNC_CS_SEV << 12, 0);
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), 0);
	assert_int_equal(f->e->sevs, 0);
	t_wr(f->e, SMMU_CR0, SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN);
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), 2);
	assert_int_equal(f->e->sevs, 2);
}

static void test_queue_wraps_and_flips_the_wrap_bit(void **state)
{
	struct fx *f = *state;

	/* 16 entries: after 16 commands PROD and CONS are index 0 with the wrap bit (bit 4) set. */
	for (unsigned i = 0; i < 16; i++)
		t_cmd(f->e, SMMU_CMD_SYNC | SMMU_SYNC_CS_SEV << 12, 0);
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), 0x10);
	assert_int_equal(f->e->sevs, 16);
	for (unsigned i = 0; i < 17; i++)
		t_cmd(f->e, SMMU_CMD_SYNC | SMMU_SYNC_CS_SEV << 12, 0);
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), 0x01);
	assert_int_equal(f->e->sevs, 33);
	/* A whole queue at once: PROD = CONS with the wrap bit flipped. */
	for (unsigned i = 0; i < 16; i++)
		t_cmd_noprod(f->e, 1 + i, SMMU_CMD_SYNC | SMMU_SYNC_CS_SEV << 12, 0);
	t_wr(f->e, SMMU_CMDQ_PROD, 0x11);
	assert_int_equal(t_rd(f->e, SMMU_CMDQ_CONS), 0x11);
	assert_int_equal(f->e->sevs, 49);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_commands_advance_cons_to_prod),
		T(test_translation_stays_stale_without_tlbi),
		T(test_tlbi_s2_ipa_removes_that_page_of_that_vmid_only),
		T(test_tlbi_s12_vmall_removes_one_vmid),
		T(test_tlb_entries_are_shared_by_streams_of_one_vmid),
		T(test_ste_stays_stale_until_cfgi_ste),
		T(test_cfgi_ste_range_covers_its_aligned_block),
		T(test_cmd_sync_signals_irq_sev_or_nothing),
		T(test_illegal_commands_stop_the_queue_with_cerror_ill),
		T(test_commands_after_an_error_wait_for_the_ack),
		T(test_command_fetch_abort_is_cerror_abt),
		T(test_disabled_queue_runs_nothing_until_cmdqen),
		T(test_queue_wraps_and_flips_the_wrap_bit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
