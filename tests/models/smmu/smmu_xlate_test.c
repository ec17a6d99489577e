/* Device accesses through the SMMU: global bypass/abort, STE configurations and the ILLEGAL encodings
 * (C_BAD_STE), linear and 2-level stream tables, stage-2 faults as events, S2R and S2AFFD. */
#include <stdlib.h>
#include <string.h>

#include "smmu_testlib.h"

#define SID   1u
#define VMID  5u
#define IPA_P 0x80000000ull /* a read-write page */
#define IPA_R 0x80001000ull /* a read-only page */
#define IPA_B 0x40000000ull /* a 2 MiB block */
#define PA_P  (T_RAM_BASE + 0x800000)
#define PA_R  (T_RAM_BASE + 0x801000)
#define PA_B  (T_RAM_BASE + 0x200000)

struct fx {
	struct t_env *e;
	struct t_tt tt;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->e = t_new(48);
	t_up(f->e, 8);
	t_tt_init(&f->tt, f->e, 40, 1); /* T0SZ 24, SL0 1: two concatenated level-1 tables */
	t_tt_map(&f->tt, IPA_P, PA_P, 3, S2_PAGE);
	t_tt_map(&f->tt, IPA_R, PA_R, 3, S2_NORMAL | S2_AF | S2_R);
	t_tt_map(&f->tt, IPA_B, PA_B, 2, S2_PAGE);
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

static void expect_event(struct t_env *e, uint8_t type, uint32_t sid)
{
	uint64_t rec[4];
	t_evt_pop(e, rec);
	assert_int_equal(rec[0] & 0xff, type);
	assert_int_equal(rec[0] >> 32, sid);
}

static void test_disabled_smmu_bypasses_unless_gbpa_aborts(void **state)
{
	struct t_env *e = t_new(48), *ea = t_new_cfg(48, true);
	(void)state;

	assert_int_equal(t_xlate_ok(e, 7, 0x1234, true), 0x1234);
	assert_int_equal(t_xlate_fault(ea, 7, 0x1234, true), SMMU_EVT_NONE);
	t_wr(ea, SMMU_GBPA, SMMU_GBPA_UPDATE);
	assert_int_equal(t_xlate_ok(ea, 7, 0x1234, false), 0x1234);
	/* Beyond the OAS even bypass aborts, and records nothing (SMMUEN=0). */
	assert_int_equal(t_xlate_fault(e, 7, 1ull << 48, false), SMMU_EVT_NONE);
	t_free(e);
	t_free(ea);
}

static void test_abort_ste_terminates_silently(void **state)
{
	struct fx *f = *state;

	t_ste(f->e, 2, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_ABORT), 0, 0, 0);
	assert_int_equal(t_xlate_fault(f->e, 2, IPA_P, false), SMMU_EVT_NONE);
	assert_int_equal(t_evt_count(f->e), 0);
}

static void test_bypass_ste_passes_input_and_checks_oas(void **state)
{
	struct fx *f = *state;
	uint64_t rec[4];

	t_ste(f->e, 3, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_BYPASS), 0, 0, 0);
	assert_int_equal(t_xlate_ok(f->e, 3, 0xabc000, true), 0xabc000);
	assert_int_equal(t_xlate_fault(f->e, 3, 1ull << 48, true), SMMU_EVT_F_ADDR_SIZE);
	t_evt_pop(f->e, rec);
	assert_int_equal(rec[0], SMMU_EVT_F_ADDR_SIZE | 3ull << 32);
	assert_false(rec[1] & SMMU_EVT_S2); /* a stage-1 address size fault */
}

static void test_s2_ste_translates_pages_and_blocks(void **state)
{
	struct fx *f = *state;

	assert_int_equal(t_xlate_ok(f->e, SID, IPA_P + 0x123, false), PA_P + 0x123);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA_P + 0xff8, true), PA_P + 0xff8);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA_B + 0x1ff000, true), PA_B + 0x1ff000);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA_R, false), PA_R);
	assert_int_equal(t_evt_count(f->e), 0);
}

static void test_tlb_hit_on_repeat_access(void **state)
{
	struct fx *f = *state;
	struct smmu_txn t = { .addr = IPA_B + 0x5000, .sid = SID, .size = 8 };
	struct smmu_result r;

	assert_true(smmu_translate(f->e->s, &t, &r));
	assert_false(r.tlb_hit);
	t.addr = IPA_B + 0x1000;
	assert_true(smmu_translate(f->e->s, &t, &r)); /* same 2 MiB block */
	assert_true(r.tlb_hit);
	assert_int_equal(r.pa, PA_B + 0x1000);
	assert_int_equal(smmu_get_stats(f->e->s)->walks, 1);
}

static void test_access_crossing_4k_is_a_bad_request(void **state)
{
	struct fx *f = *state;
	struct smmu_txn t = { .addr = IPA_P + 0xffc, .sid = SID, .size = 8 };
	struct smmu_result r;

	assert_false(smmu_translate(f->e->s, &t, &r));
	assert_true(r.bad_request);
	t.size = 0;
	assert_false(smmu_translate(f->e->s, &t, &r));
	assert_true(r.bad_request);
	assert_int_equal(t_evt_count(f->e), 0);
}

/* Reprograms the stream table as 2-level (LOG2SIZE 16, SPLIT 8) with one L1 descriptor of @span for
 * @sid's group, and returns the L2 address of @sid's STE. */
static uint64_t two_level(struct t_env *e, uint32_t sid, unsigned span)
{
	uint64_t l1 = t_alloc(e, 256 * 8), l2 = t_alloc(e, 256 * 64);

	t_wr(e, SMMU_CR0, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
	t_wr64(e, SMMU_STRTAB_BASE, l1);
	t_wr(e, SMMU_STRTAB_BASE_CFG, SMMU_STRTAB_CFG(SMMU_STRTAB_FMT_2LVL, 8, 16));
	t_wr(e, SMMU_CR0, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN);
	t_cmd(e, SMMU_CMD_CFGI_STE_RANGE, 31); /* CFGI_ALL */
	t_w64(e, l1 + 8 * (sid >> 8), l2 | span);
	return l2 + 64 * (sid & 0xff);
}

static void test_two_level_table_finds_the_same_ste_as_linear(void **state)
{
	struct fx *f = *state;
	uint32_t sid = 0x1234;
	uint64_t linear = t_xlate_ok(f->e, SID, IPA_P + 8, true);

	uint64_t ste = two_level(f->e, sid, 9);
	uint64_t d2 = t_s2_d2(VMID, 24, 1, 0);
	t_w64(f->e, ste, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S2));
	t_w64(f->e, ste + 16, d2);
	t_w64(f->e, ste + 24, f->tt.root);
	assert_int_equal(t_xlate_ok(f->e, sid, IPA_P + 8, true), linear);
	/* A neighbouring group has no L1 descriptor (Span 0). */
	assert_int_equal(t_xlate_fault(f->e, sid + 0x100, IPA_P, false), SMMU_EVT_C_BAD_STREAMID);
	expect_event(f->e, SMMU_EVT_C_BAD_STREAMID, sid + 0x100);
}

static void test_two_level_span_limits_the_l2_table(void **state)
{
	struct fx *f = *state;

	two_level(f->e, 0x1234, 5); /* 16 STEs: index 0x34 is beyond */
	assert_int_equal(t_xlate_fault(f->e, 0x1234, IPA_P, false), SMMU_EVT_C_BAD_STREAMID);
	assert_int_equal(t_xlate_fault(f->e, 0x1204, IPA_P, false), SMMU_EVT_C_BAD_STE); /* inside, V=0 */
	assert_int_equal(t_xlate_fault(f->e, 0x10000, IPA_P, false), SMMU_EVT_C_BAD_STREAMID);
}

static void test_sid_beyond_linear_table_is_bad_streamid(void **state)
{
	struct fx *f = *state;

	assert_int_equal(t_xlate_fault(f->e, 256, IPA_P, false), SMMU_EVT_C_BAD_STREAMID);
	expect_event(f->e, SMMU_EVT_C_BAD_STREAMID, 256);
	assert_int_equal(t_xlate_fault(f->e, 0xffffffff, IPA_P, false), SMMU_EVT_C_BAD_STREAMID);
}

static void test_illegal_ste_encodings_give_c_bad_ste(void **state)
{
	struct fx *f = *state;
	const uint64_t s2 = SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S2), root = f->tt.root;
	const struct {
		uint64_t d0, d2, d3;
	} bad[] = {
		{ SMMU_STE_CFG(SMMU_STE_CFG_S2), t_s2_d2(1, 24, 1, 0), root }, /* V=0 */
		{ SMMU_STE_V | SMMU_STE_CFG(1), t_s2_d2(1, 24, 1, 0), root },  /* reserved config */
		{ SMMU_STE_V | SMMU_STE_CFG(3), t_s2_d2(1, 24, 1, 0), root },  /* reserved config */
		{ SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S1), 0, 0 },          /* no stage 1 */
		{ SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_NESTED), t_s2_d2(1, 24, 1, 0), root },
		{ s2, t_s2_d2(1, 24, 1, 0) & ~SMMU_STE_S2AA64, root },        /* AArch32 tables */
		{ s2, t_s2_d2(1, 24, 1, SMMU_STE_S2ENDI), root },             /* big-endian */
		{ s2, t_s2_d2(1, 24, 1, SMMU_STE_S2S), root },                /* stall */
		{ s2, t_s2_d2(1, 24, 1, SMMU_STE_S2TG(1)), root },            /* 64 KiB */
		{ s2, t_s2_d2(1, 24, 1, SMMU_STE_S2TG(2)), root },            /* 16 KiB */
		{ s2, t_s2_d2(1, 40, 1, 0), root },                           /* T0SZ > 39 */
		{ s2, t_s2_d2(1, 15, 1, 0), root },                           /* IPA beyond OAS */
		{ s2, t_s2_d2(1, 24, 3, 0), root },                           /* SL0 3 */
		{ s2, t_s2_d2(1, 24, 0, 0), root },                           /* level 2 for 40 bits */
		{ s2, t_s2_d2(1, 36, 2, 0), root },                           /* level 0 for 28 bits */
		{ s2, t_s2_d2(1, 32, 1, 0) & ~SMMU_STE_S2PS(7), 1ull << 32 }, /* S2TTB beyond S2PS */
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_ste(f->e, 9, bad[i].d0, 0, bad[i].d2, bad[i].d3);
		assert_int_equal(t_xlate_fault(f->e, 9, IPA_P, false), SMMU_EVT_C_BAD_STE);
		expect_event(f->e, SMMU_EVT_C_BAD_STE, 9);
	}
	/* The boundary values are legal. */
	t_ste(f->e, 9, s2, 0, t_s2_d2(1, 16, 2, 0), 0x40000000);
	assert_int_not_equal(t_xlate_fault(f->e, 9, IPA_P, false), SMMU_EVT_C_BAD_STE);
}

static void test_bad_ste_is_not_cached(void **state)
{
	struct fx *f = *state;

	t_ste(f->e, 9, SMMU_STE_CFG(SMMU_STE_CFG_S2), 0, t_s2_d2(1, 24, 1, 0), f->tt.root);
	assert_int_equal(t_xlate_fault(f->e, 9, IPA_P, false), SMMU_EVT_C_BAD_STE);
	t_ste_s2(f->e, 9, 1, f->tt.root, 24, 1, 0); /* no CFGI_STE needed: nothing was cached */
	assert_int_equal(t_xlate_ok(f->e, 9, IPA_P, false), PA_P);
}

static void test_ste_fetch_abort_gives_f_ste_fetch(void **state)
{
	struct fx *f = *state;
	uint64_t rec[4], ste = f->e->strtab + 64 * 20;

	f->e->hole_lo = ste;
	f->e->hole_hi = ste + 64;
	assert_int_equal(t_xlate_fault(f->e, 20, IPA_P, false), SMMU_EVT_F_STE_FETCH);
	t_evt_pop(f->e, rec);
	assert_int_equal(rec[0], SMMU_EVT_F_STE_FETCH | 20ull << 32);
	assert_int_equal(rec[2], ste);
}

static void test_unmapped_ipa_is_f_translation(void **state)
{
	struct fx *f = *state;
	uint64_t rec[4];

	assert_int_equal(t_xlate_fault(f->e, SID, IPA_P + 0x2000, true), SMMU_EVT_F_TRANSLATION);
	t_evt_pop(f->e, rec);
	assert_true(rec[1] & SMMU_EVT_S2);
	assert_int_equal(rec[2], IPA_P + 0x2000);
	assert_int_equal(rec[3], IPA_P + 0x2000);
	/* Beyond S2T0SZ's 40 bits but inside the IAS: stage 2 translation fault too. */
	assert_int_equal(t_xlate_fault(f->e, SID, 1ull << 40, false), SMMU_EVT_F_TRANSLATION);
}

static void test_input_beyond_ias_is_stage1_addr_size(void **state)
{
	struct fx *f = *state;
	uint64_t rec[4];

	assert_int_equal(t_xlate_fault(f->e, SID, 1ull << 48, false), SMMU_EVT_F_ADDR_SIZE);
	t_evt_pop(f->e, rec);
	assert_false(rec[1] & SMMU_EVT_S2);
	assert_int_equal(rec[3], 0);
}

static void test_write_to_read_only_page_is_f_permission(void **state)
{
	struct fx *f = *state;

	assert_int_equal(t_xlate_ok(f->e, SID, IPA_R, false), PA_R);
	assert_int_equal(t_xlate_fault(f->e, SID, IPA_R, true), SMMU_EVT_F_PERMISSION); /* from the TLB */
	expect_event(f->e, SMMU_EVT_F_PERMISSION, SID);
	t_cmd(f->e, SMMU_CMD_TLBI_NSNH_ALL, 0);
	assert_int_equal(t_xlate_fault(f->e, SID, IPA_R, true), SMMU_EVT_F_PERMISSION); /* from a walk */
}

static void test_instruction_fetch_of_xn_page_is_f_permission(void **state)
{
	struct fx *f = *state;
	struct smmu_txn t = { .addr = IPA_P + 0x3000, .sid = SID, .size = 4, .instr = true };
	struct smmu_result r;

	t_tt_map(&f->tt, IPA_P + 0x3000, PA_P, 3, S2_PAGE | S2_XN);
	assert_false(smmu_translate(f->e->s, &t, &r));
	assert_int_equal(r.event, SMMU_EVT_F_PERMISSION);
	t.instr = false;
	assert_true(smmu_translate(f->e->s, &t, &r));
}

static void test_af_clear_is_f_access_unless_s2affd(void **state)
{
	struct fx *f = *state;

	t_tt_map(&f->tt, IPA_P + 0x4000, PA_P, 3, S2_NORMAL | S2_RW);
	assert_int_equal(t_xlate_fault(f->e, SID, IPA_P + 0x4000, false), SMMU_EVT_F_ACCESS);
	t_ste_s2(f->e, SID, VMID, f->tt.root, 24, 1, SMMU_STE_S2AFFD);
	t_cmd(f->e, SMMU_CMD_CFGI_STE | (uint64_t)SID << 32, 0);
	assert_int_equal(t_xlate_ok(f->e, SID, IPA_P + 0x4000, false), PA_P);
}

static void test_output_beyond_s2ps_is_f_addr_size(void **state)
{
	struct fx *f = *state;
	uint64_t d2 = t_s2_d2(VMID, 24, 1, 0) & ~SMMU_STE_S2PS(7);

	t_tt_map(&f->tt, IPA_P + 0x5000, 1ull << 40, 3, S2_PAGE);
	t_ste(f->e, 4, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S2), 0, d2 | SMMU_STE_S2PS(2), f->tt.root);
	assert_int_equal(t_xlate_fault(f->e, 4, IPA_P + 0x5000, false), SMMU_EVT_F_ADDR_SIZE); /* 40 bits */
	t_ste(f->e, 5, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S2), 0, d2 | SMMU_STE_S2PS(3), f->tt.root);
	assert_int_equal(t_xlate_ok(f->e, 5, IPA_P + 0x5000, false), 1ull << 40); /* 42 bits */
}

static void test_s2r_clear_aborts_without_record(void **state)
{
	struct fx *f = *state;
	struct smmu_txn t = { .addr = IPA_P + 0x6000, .sid = 6, .size = 4 };
	struct smmu_result r;

	t_ste_s2(f->e, 6, VMID, f->tt.root, 24, 1, 0);
	t_w64(f->e, f->e->strtab + 64 * 6 + 16, t_s2_d2(VMID, 24, 1, 0) & ~SMMU_STE_S2R);
	assert_false(smmu_translate(f->e->s, &t, &r));
	assert_int_equal(r.event, SMMU_EVT_F_TRANSLATION);
	assert_false(r.recorded);
	assert_int_equal(t_evt_count(f->e), 0);
}

static void test_walk_external_abort_gives_f_walk_eabt(void **state)
{
	struct fx *f = *state;
	uint64_t slot = t_tt_slot(&f->tt, IPA_P, 3), rec[4];

	f->e->hole_lo = slot & ~0xfffull;
	f->e->hole_hi = f->e->hole_lo + 0x1000;
	assert_int_equal(t_xlate_fault(f->e, SID, IPA_P, true), SMMU_EVT_F_WALK_EABT);
	t_evt_pop(f->e, rec);
	assert_int_equal(rec[1] & SMMU_EVT_CLASS(3), SMMU_EVT_CLASS(SMMU_EVT_CLASS_IN));
	assert_int_equal(rec[3], slot);
}

static void test_silent_until_smmuen_then_events(void **state)
{
	struct fx *f = *state;

	t_wr(f->e, SMMU_CR0, SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN);
	assert_int_equal(t_xlate_ok(f->e, 999, 0x1000, false), 0x1000); /* GBPA bypass, no STE */
	assert_int_equal(t_evt_count(f->e), 0);
	t_wr(f->e, SMMU_CR0, SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN | SMMU_CR0_SMMUEN);
	assert_int_equal(t_xlate_fault(f->e, 999, 0x1000, false), SMMU_EVT_C_BAD_STREAMID);
	assert_int_equal(t_evt_count(f->e), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_disabled_smmu_bypasses_unless_gbpa_aborts),
		T(test_abort_ste_terminates_silently),
		T(test_bypass_ste_passes_input_and_checks_oas),
		T(test_s2_ste_translates_pages_and_blocks),
		T(test_tlb_hit_on_repeat_access),
		T(test_access_crossing_4k_is_a_bad_request),
		T(test_two_level_table_finds_the_same_ste_as_linear),
		T(test_two_level_span_limits_the_l2_table),
		T(test_sid_beyond_linear_table_is_bad_streamid),
		T(test_illegal_ste_encodings_give_c_bad_ste),
		T(test_bad_ste_is_not_cached),
		T(test_ste_fetch_abort_gives_f_ste_fetch),
		T(test_unmapped_ipa_is_f_translation),
		T(test_input_beyond_ias_is_stage1_addr_size),
		T(test_write_to_read_only_page_is_f_permission),
		T(test_instruction_fetch_of_xn_page_is_f_permission),
		T(test_af_clear_is_f_access_unless_s2affd),
		T(test_output_beyond_s2ps_is_f_addr_size),
		T(test_s2r_clear_aborts_without_record),
		T(test_walk_external_abort_gives_f_walk_eabt),
		T(test_silent_until_smmuen_then_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
