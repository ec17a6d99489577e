/* The event queue (IHI 0070 chapter 7): records byte for byte in the architectural layout, the wrap
 * bit, overflow (OVFLG/OVACKFLG), a disabled queue, write aborts, and the "non-empty" interrupt line. */
#include <stdlib.h>
#include <string.h>

#include "smmu_testlib.h"

#define SID 0x42u
#define IPA 0x80000000ull
#define PA  (T_RAM_BASE + 0x800000)

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
	t_tt_map(&f->tt, IPA, PA, 3, S2_NORMAL | S2_AF | S2_R | S2_XN);
	t_ste_s2(f->e, SID, 7, f->tt.root, 24, 1, 0);
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

/* The bytes of the record at queue index @idx against dwords built from the specification's bit
 * positions (spelled out here, not taken from the model's header). */
static void expect_bytes(struct fx *f, unsigned idx, uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3)
{
	const uint64_t d[4] = { d0, d1, d2, d3 };
	uint8_t want[32];

	for (unsigned i = 0; i < 32; i++)
		want[i] = (uint8_t)(d[i / 8] >> (8 * (i % 8)));
	assert_memory_equal(f->e->ram + (f->e->evtq + 32 * idx - T_RAM_BASE), want, 32);
}

static bool access(struct fx *f, uint32_t sid, uint64_t addr, bool write, bool priv, bool instr)
{
	struct smmu_txn t = { .addr = addr, .sid = sid, .size = 4, .write = write, .priv = priv, .instr = instr };
	struct smmu_result r;
	return smmu_translate(f->e->s, &t, &r);
}

static void test_f_translation_record_layout(void **state)
{
	struct fx *f = *state;

	assert_false(access(f, SID, IPA + 0x3456, true, false, false));
	/* type 0x10, StreamID [63:32]; S2 (bit 103 = dword 1 bit 39), CLASS=IN (0b10 at [105:104]);
	 * InputAddr in dword 2; IPA[51:12] in dword 3. RnW (bit 99) clear for a write. */
	expect_bytes(f, 0, 0x10 | (uint64_t)SID << 32, 1ull << 39 | 2ull << 40, IPA + 0x3456, IPA + 0x3000);
}

static void test_f_permission_record_carries_rnw_pnu_ind(void **state)
{
	struct fx *f = *state;

	assert_false(access(f, SID, IPA + 0x10, false, true, true)); /* fetch of an XN page */
	expect_bytes(f, 0, 0x13 | (uint64_t)SID << 32, 1ull << 33 | 1ull << 34 | 1ull << 35 | 1ull << 39 | 2ull << 40,
		     IPA + 0x10, IPA);
	assert_false(access(f, SID, IPA + 0x20, true, false, false)); /* write to a read-only page */
	expect_bytes(f, 1, 0x13 | (uint64_t)SID << 32, 1ull << 39 | 2ull << 40, IPA + 0x20, IPA);
}

static void test_f_access_and_f_addr_size_records(void **state)
{
	struct fx *f = *state;

	t_tt_map(&f->tt, IPA + 0x1000, PA, 3, S2_NORMAL | S2_RW);
	assert_false(access(f, SID, IPA + 0x1008, false, false, false));
	expect_bytes(f, 0, 0x12 | (uint64_t)SID << 32, 1ull << 35 | 1ull << 39 | 2ull << 40, IPA + 0x1008,
		     IPA + 0x1000);
	/* Input beyond the IAS: a stage-1 address size fault, S2=0 and no IPA. */
	assert_false(access(f, SID, 0x0001000000000010ull, false, false, false));
	expect_bytes(f, 1, 0x11 | (uint64_t)SID << 32, 1ull << 35 | 2ull << 40, 0x0001000000000010ull, 0);
}

static void test_configuration_error_records_hold_only_the_streamid(void **state)
{
	struct fx *f = *state;

	assert_false(access(f, 300, IPA, false, false, false));
	expect_bytes(f, 0, 0x02 | 300ull << 32, 0, 0, 0);
	assert_false(access(f, 17, IPA, false, false, false)); /* all-zero STE */
	expect_bytes(f, 1, 0x04 | 17ull << 32, 0, 0, 0);
}

static void test_fetch_abort_records_carry_the_fetch_address(void **state)
{
	struct fx *f = *state;
	uint64_t l3 = t_tt_slot(&f->tt, IPA, 3);

	f->e->hole_lo = f->e->strtab + 64 * 18;
	f->e->hole_hi = f->e->hole_lo + 64;
	assert_false(access(f, 18, IPA, false, false, false));
	expect_bytes(f, 0, 0x03 | 18ull << 32, 0, f->e->hole_lo, 0); /* FetchAddr[51:3] at [179:131] */
	f->e->hole_lo = l3;
	f->e->hole_hi = l3 + 8;
	assert_false(access(f, SID, IPA + 4, true, false, false));
	/* F_WALK_EABT: S2, CLASS=IN (stage 2 was translating the input), FetchAddr[51:3] in dword 3. */
	expect_bytes(f, 1, 0x0b | (uint64_t)SID << 32, 1ull << 39 | 2ull << 40, IPA + 4, l3);
}

static void test_queue_wraps_with_the_wrap_bit(void **state)
{
	struct fx *f = *state;
	uint64_t rec[4];

	for (unsigned i = 0; i < 8; i++)
		assert_false(access(f, 200 + i, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), 0x8); /* index 0, wrap bit (bit 3) set: full */
	for (unsigned i = 0; i < 8; i++)
		t_evt_pop(f->e, rec);
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_CONS), 0x8);
	assert_false(f->e->line[SMMU_IRQ_EVENTQ]);
	for (unsigned i = 0; i < 3; i++)
		assert_false(access(f, 210 + i, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), 0xb);
	expect_bytes(f, 2, 0x04 | 212ull << 32, 0, 0, 0); /* in the table, all zero: C_BAD_STE */
	t_evt_pop(f->e, rec);
	assert_int_equal(rec[0] >> 32, 210);
}

static void test_full_queue_flags_overflow_once_until_acknowledged(void **state)
{
	struct fx *f = *state;
	struct smmu_txn t = { .addr = IPA, .sid = 250, .size = 4 };
	struct smmu_result r;
	uint64_t rec[4];

	for (unsigned i = 0; i < 8; i++)
		assert_false(access(f, 250, IPA, false, false, false));
	assert_false(smmu_translate(f->e->s, &t, &r));
	assert_false(r.recorded);
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), SMMU_EVTQ_OVFLG | 0x8);
	assert_false(access(f, 251, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), SMMU_EVTQ_OVFLG | 0x8); /* still flagged, once */
	assert_int_equal(smmu_get_stats(f->e->s)->events_lost, 2);
	/* Software consumes one and acknowledges (OVACKFLG := OVFLG); the next loss toggles again. */
	t_evt_pop(f->e, rec);
	t_wr(f->e, SMMU_EVENTQ_CONS, SMMU_EVTQ_OVFLG | 1);
	assert_false(access(f, 251, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), SMMU_EVTQ_OVFLG | 0x9);
	assert_false(access(f, 252, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), 0x9); /* OVFLG toggled back: a new overflow */
}

static void test_disabled_queue_discards_events(void **state)
{
	struct fx *f = *state;
	struct smmu_txn t = { .addr = IPA, .sid = 300, .size = 4 };
	struct smmu_result r;

	t_wr(f->e, SMMU_CR0, SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN);
	assert_false(smmu_translate(f->e->s, &t, &r));
	assert_int_equal(r.event, SMMU_EVT_C_BAD_STREAMID);
	assert_false(r.recorded);
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), 0);
}

static void test_eventq_line_is_non_empty_and_enabled(void **state)
{
	struct fx *f = *state;
	uint64_t rec[4];

	assert_false(f->e->line[SMMU_IRQ_EVENTQ]);
	assert_false(access(f, 300, IPA, false, false, false));
	assert_true(f->e->line[SMMU_IRQ_EVENTQ]);
	assert_true(smmu_irq_line(f->e->s, SMMU_IRQ_EVENTQ));
	assert_false(access(f, 300, IPA, false, false, false));
	assert_int_equal(f->e->rises[SMMU_IRQ_EVENTQ], 1); /* a level, not one edge per record */
	t_wr(f->e, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN);
	assert_false(f->e->line[SMMU_IRQ_EVENTQ]);
	t_wr(f->e, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN | SMMU_IRQ_CTRL_EVENTQ_IRQEN);
	assert_true(f->e->line[SMMU_IRQ_EVENTQ]);
	/* Disabling the queue lowers the line; re-enabling it with records pending raises it again. */
	t_wr(f->e, SMMU_CR0, SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN);
	assert_false(f->e->line[SMMU_IRQ_EVENTQ]);
	t_wr(f->e, SMMU_CR0, SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
	assert_true(f->e->line[SMMU_IRQ_EVENTQ]);
	t_evt_pop(f->e, rec);
	assert_true(f->e->line[SMMU_IRQ_EVENTQ]);
	t_evt_pop(f->e, rec);
	assert_false(f->e->line[SMMU_IRQ_EVENTQ]);
}

static void test_event_write_abort_raises_eventq_abt_err(void **state)
{
	struct fx *f = *state;

	f->e->hole_lo = f->e->evtq;
	f->e->hole_hi = f->e->evtq + 32;
	assert_false(access(f, 300, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_GERROR) ^ t_rd(f->e, SMMU_GERRORN), SMMU_GERROR_EVENTQ_ABT_ERR);
	assert_true(f->e->line[SMMU_IRQ_GERROR]);
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), 0);
	/* Until acknowledged, further events are dropped even where memory works. */
	f->e->hole_lo = f->e->hole_hi = 0;
	assert_false(access(f, 300, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), 0);
	t_wr(f->e, SMMU_GERRORN, t_rd(f->e, SMMU_GERROR));
	assert_false(access(f, 300, IPA, false, false, false));
	assert_int_equal(t_rd(f->e, SMMU_EVENTQ_PROD), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_f_translation_record_layout),
		T(test_f_permission_record_carries_rnw_pnu_ind),
		T(test_f_access_and_f_addr_size_records),
		T(test_configuration_error_records_hold_only_the_streamid),
		T(test_fetch_abort_records_carry_the_fetch_address),
		T(test_queue_wraps_with_the_wrap_bit),
		T(test_full_queue_flags_overflow_once_until_acknowledged),
		T(test_disabled_queue_discards_events),
		T(test_eventq_line_is_non_empty_and_enabled),
		T(test_event_write_abort_raises_eventq_abt_err),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
