/* Property: on random stage-2 tables and random STE settings, every SMMU translation (walked, then from
 * its TLB, and after remapping + TLBI) agrees with models/mmu walking the same tables for a stage-1-off
 * guest access with the equivalent VTCR_EL2/VTTBR_EL2: same PA, or the fault kind, stage and IPA. */
#include <stdlib.h>
#include <string.h>

#include "models/mmu/mmu.h"
#include "smmu_testlib.h"

#define SEEDS    300u
#define ACCESSES 150u

static uint64_t rng;
static unsigned outcomes[0x20], hits; /* by event type (0: translated); TLB hits */

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }

static bool ref_read64(void *ctx, uint64_t pa, uint64_t *val)
{
	struct t_env *e = ctx;
	if (pa < T_RAM_BASE || pa + 8 > T_RAM_BASE + T_RAM_SIZE)
		return false;
	*val = t_r64(e, pa);
	return true;
}

/* The ARM ARM's rule for a 4 KiB stage-2 start: SL0 0/1/2 is level 2/1/0, the start level resolves
 * 1..13 bits (up to 16 concatenated tables), level 0 needs a PA range of 44 bits or more. */
static bool legal(unsigned t0sz, unsigned sl0, unsigned oas)
{
	if (t0sz > 39 || 64 - t0sz > oas || sl0 == 3 || (sl0 == 2 && oas < 44))
		return false;
	int bits = (int)(64 - t0sz) - (int)(12 + 9 * sl0 + 9);
	return bits >= 1 && bits <= 13;
}

static uint8_t event_of(const struct mmu_fault *f)
{
	switch (f->kind) {
	case MMU_FAULT_TRANSLATION: return SMMU_EVT_F_TRANSLATION;
	case MMU_FAULT_ADDR_SIZE: return SMMU_EVT_F_ADDR_SIZE;
	case MMU_FAULT_ACCESS_FLAG: return SMMU_EVT_F_ACCESS;
	case MMU_FAULT_PERMISSION: return SMMU_EVT_F_PERMISSION;
	default: return SMMU_EVT_F_WALK_EABT;
	}
}

struct world {
	struct t_env *e;
	struct t_tt tt;
	struct mmu_cpu ref;
	unsigned inbits, start, oas;
	uint64_t ipas[48];
	unsigned levels[48], n;
};

static uint64_t rand_desc_attrs(void)
{
	uint64_t a = S2_NORMAL;
	if (below(10))
		a |= S2_AF;
	a |= below(4) << 6; /* S2AP */
	if (below(3) == 0)
		a |= S2_XN;
	return a;
}

static uint64_t rand_oa(unsigned level, unsigned ps_bits)
{
	unsigned shift = 12 + 9 * (3 - level);
	/* Mostly inside the output size; sometimes just beyond it (address size faults). */
	unsigned bits = below(8) == 0 ? ps_bits + 1 : ps_bits;
	return (rnd() & ((1ull << bits) - 1)) & ~((1ull << shift) - 1);
}

static void map_one(struct world *w, unsigned i, unsigned ps_bits)
{
	unsigned level = w->start + (unsigned)below(4 - w->start);
	if (level == 0)
		level = 1; /* no level-0 blocks with 4 KiB */
	uint64_t ipa = w->ipas[i] & ~((1ull << (12 + 9 * (3 - level))) - 1);
	if (below(12) == 0)
		t_w64(w->e, t_tt_slot(&w->tt, ipa, level), 0); /* invalid */
	else
		t_tt_map(&w->tt, ipa, rand_oa(level, ps_bits), level, rand_desc_attrs());
	w->levels[i] = level;
}

static uint64_t pick_ipa(const struct world *w)
{
	switch (below(6)) {
	case 0: return rnd() & ((1ull << w->inbits) - 1) & ~3ull;                  /* anywhere */
	case 1: return rnd() & ((1ull << (w->inbits + 1 + below(4))) - 1) & ~3ull; /* maybe beyond */
	default: return (w->ipas[below(w->n)] ^ (below(2) ? below(0x3000) : below(1ull << 22))) & ~3ull;
	}
}

/* The level at which the reference walk of @ipa ends (its leaf, or the level that faults). */
static unsigned walk_level(struct world *w, uint64_t ipa)
{
	struct mmu_access a = { .va = ipa, .type = MMU_LOAD, .el = 1, .size = 4 };
	struct mmu_result m;

	if (mmu_translate(&w->ref, &a, &m))
		return 3 - (m.size_log2 - 12) / 9;
	return m.fault.level;
}

static void compare(struct world *w, uint32_t sid, uint64_t ipa, unsigned kind)
{
	struct smmu_txn t = { .addr = ipa, .sid = sid, .size = 4, .write = kind == 1, .instr = kind == 2 };
	struct mmu_access a = { .va = ipa,
				.type = kind == 1   ? MMU_STORE
					: kind == 2 ? MMU_FETCH
						    : MMU_LOAD,
				.el = 1,
				.size = 4 };
	struct smmu_result r;
	struct mmu_result m;

	bool ok = smmu_translate(w->e->s, &t, &r);
	bool ref_ok = mmu_translate(&w->ref, &a, &m);
	outcomes[r.event & 0x1f]++;
	hits += r.tlb_hit;
	assert_int_equal(ok, ref_ok);
	if (ok) {
		assert_int_equal(r.pa, m.pa);
		return;
	}
	assert_int_equal(r.event, event_of(&m.fault));
	uint64_t rec[4];
	t_evt_pop(w->e, rec);
	assert_int_equal(rec[0] & 0xff, r.event);
	assert_int_equal(rec[2], ipa);
	assert_int_equal(!!(rec[1] & SMMU_EVT_S2), m.fault.stage == 2);
	assert_int_equal(rec[3], m.fault.stage == 2 ? (m.fault.ipa & SMMU_EVT_ADDR51_12) : 0);
}

static void run_seed(unsigned seed)
{
	struct world w;
	memset(&w, 0, sizeof(w));
	rng = 0x9e3779b97f4a7c15ull * (seed + 1);
	w.oas = below(2) ? 48 : 44;
	w.e = t_new(w.oas);
	t_up(w.e, 4);
	w.e->evtq_log2 = 3;

	unsigned t0sz, sl0;
	do {
		t0sz = 64 - w.oas + (unsigned)below(40 - (64 - w.oas));
		sl0 = (unsigned)below(3);
	} while (!legal(t0sz, sl0, w.oas));
	w.inbits = 64 - t0sz;
	w.start = 2 - sl0;
	unsigned ps = (unsigned)below(6);
	static const unsigned ps_tab[] = { 32, 36, 40, 42, 44, 48 };
	unsigned ps_bits = ps_tab[ps] < w.oas ? ps_tab[ps] : w.oas;
	uint16_t vmid = (uint16_t)rnd();

	t_tt_init(&w.tt, w.e, w.inbits, w.start);
	uint64_t d2 = (t_s2_d2(vmid, t0sz, sl0, 0) & ~SMMU_STE_S2PS(7)) | SMMU_STE_S2PS(ps);
	uint32_t sid = (uint32_t)below(16);
	t_ste(w.e, sid, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S2), 0, d2, w.tt.root);

	/* Clustered IPAs so that mappings share tables and blocks overlap pages. */
	uint64_t centre = rnd() & ((1ull << w.inbits) - 1);
	w.n = 8 + (unsigned)below(40);
	for (unsigned i = 0; i < w.n; i++) {
		w.ipas[i] = (centre ^ (below(4) ? below(1ull << 24) : rnd())) & ((1ull << w.inbits) - 1);
		map_one(&w, i, ps_bits);
	}

	struct mmu_bus bus = { .read64 = ref_read64, .ctx = w.e };
	mmu_cpu_init(&w.ref, bus, w.oas);
	w.ref.tlb.disabled = true;
	w.ref.regs.hcr_el2 = 1;
	w.ref.regs.vtcr_el2 = (uint64_t)t0sz | sl0 << 6 | 1u << 8 | 1u << 10 | 3u << 12 | (uint64_t)ps << 16 | 1u << 19;
	w.ref.regs.vttbr_el2 = w.tt.root | (uint64_t)vmid << 48;

	for (unsigned i = 0; i < ACCESSES; i++) {
		uint64_t ipa = pick_ipa(&w);
		unsigned kind = (unsigned)below(3);
		compare(&w, sid, ipa, kind);
		compare(&w, sid, ipa, kind); /* again: from the TLB when it was cached */
		if (below(16) == 0) {
			/* Remap one entry and invalidate what it changed, as a driver must: one IPA when the
			 * walk to it stopped at or above the rewritten level, the whole VMID when a table
			 * (a subtree of cached translations) was replaced. */
			unsigned j = (unsigned)below(w.n);
			unsigned reached = walk_level(&w, w.ipas[j]);
			map_one(&w, j, ps_bits);
			if (reached <= w.levels[j])
				t_cmd(w.e, SMMU_CMD_TLBI_S2_IPA | (uint64_t)vmid << 32, w.ipas[j] & SMMU_EVT_ADDR51_12);
			else
				t_cmd(w.e, SMMU_CMD_TLBI_S12_VMALL | (uint64_t)vmid << 32, 0);
		}
	}
	assert_int_equal(t_rd(w.e, SMMU_GERROR), 0);
	t_free(w.e);
}

static void test_smmu_translations_agree_with_mmu_walks_of_the_same_tables(void **state)
{
	(void)state;
	for (unsigned seed = 0; seed < SEEDS; seed++)
		run_seed(seed);
	/* The generator must reach every outcome, or the agreement proves little. */
	const uint8_t want[] = { SMMU_EVT_NONE, SMMU_EVT_F_TRANSLATION, SMMU_EVT_F_ADDR_SIZE, SMMU_EVT_F_ACCESS,
				 SMMU_EVT_F_PERMISSION };
	for (unsigned i = 0; i < sizeof(want); i++)
		assert_true(outcomes[want[i]] > SEEDS);
	assert_true(hits > SEEDS * 10);
	print_message("%u translated (%u from the TLB), faults: %u translation, %u address size, %u access, "
		      "%u permission\n",
		      outcomes[0], hits, outcomes[SMMU_EVT_F_TRANSLATION], outcomes[SMMU_EVT_F_ADDR_SIZE],
		      outcomes[SMMU_EVT_F_ACCESS], outcomes[SMMU_EVT_F_PERMISSION]);
}

static void test_illegal_start_levels_are_exactly_the_bad_stes(void **state)
{
	(void)state;
	for (unsigned oas = 44; oas <= 48; oas += 4) {
		struct t_env *e = t_new(oas);
		t_up(e, 4);
		uint64_t root = t_alloc(e, 16 * 4096);
		for (unsigned t0sz = 0; t0sz < 64; t0sz++)
			for (unsigned sl0 = 0; sl0 < 4; sl0++) {
				t_ste(e, 1, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S2), 0, t_s2_d2(1, t0sz, sl0, 0),
				      root);
				t_cmd(e, SMMU_CMD_CFGI_STE | 1ull << 32, 0);
				struct smmu_txn t = { .addr = 0, .sid = 1, .size = 4 };
				struct smmu_result r;
				smmu_translate(e->s, &t, &r);
				assert_int_equal(r.event == SMMU_EVT_C_BAD_STE, !legal(t0sz, sl0, oas));
				uint64_t rec[4];
				if (r.recorded)
					t_evt_pop(e, rec);
			}
		t_free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smmu_translations_agree_with_mmu_walks_of_the_same_tables),
		cmocka_unit_test(test_illegal_start_levels_are_exactly_the_bad_stes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
