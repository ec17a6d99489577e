/* p2m against a shadow model: random map/unmap/protect sequences (seeded); after every step the
 * model's walker, with its TLB on and fed only the TLBIs the p2m asked the HAL for, translates
 * each probe as the shadow says, and the tables hold exactly the canonical set of blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bbm_watch.h"
#include "fake_hal.h"
#include "mm/frame.h"
#include "mm/p2m.h"
#include "public/errno.h"
#include "s2_check.h"

#define K4    UINT64_C(0x1000)
#define M2    UINT64_C(0x200000)
#define G1    UINT64_C(0x40000000)
#define TOP   (UINT64_C(1) << 40)
#define SEEDS 200 /* P2M_SEEDS=n in the environment for a longer soak */
#define STEPS 40
#define HOT   64 /* probes repeated every step: their TLB entries are what goes stale */

/* The shadow: sorted, disjoint extents; neighbours that continue each other are merged, so a run
 * one block could map is always a single extent. */
struct ext {
	uint64_t ipa, end, pa;
	enum p2m_type type;
};

static struct ext sh[4096], tmp[4096];
static unsigned nsh;
static struct p2m p2m;
static uint64_t rng, hot[HOT];

static uint64_t rnd(uint64_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (rng >> 33) % n;
}

static void put(unsigned *n, uint64_t ipa, uint64_t end, uint64_t pa, enum p2m_type t)
{
	if (ipa >= end)
		return;
	if (*n && tmp[*n - 1].end == ipa && tmp[*n - 1].type == t && tmp[*n - 1].pa + (ipa - tmp[*n - 1].ipa) == pa) {
		tmp[*n - 1].end = end;
		return;
	}
	tmp[(*n)++] = (struct ext){ ipa, end, pa, t };
}

static enum p2m_type protected(enum p2m_type t, enum p2m_type want) {
	bool rw = want == P2M_RAM_RW || want == P2M_GRANT_RW, ram = t == P2M_RAM_RW || t == P2M_RAM_RO;
	if (t == P2M_MMIO) return t;
	return ram ? (rw ? P2M_RAM_RW : P2M_RAM_RO) : (rw ? P2M_GRANT_RW : P2M_GRANT_RO);
}

/* Applies one operation to the shadow: map (@map), unmap (!@map, !@prot) or protect (@prot). */
static void shadow(uint64_t lo, uint64_t hi, bool map, bool prot, uint64_t pa, enum p2m_type type)
{
	unsigned n = 0;
	bool placed = false;

	for (unsigned i = 0; i < nsh; i++) {
		const struct ext *e = &sh[i];
		if (map && !placed && e->ipa >= lo) {
			put(&n, lo, hi, pa, type);
			placed = true;
		}
		uint64_t a = e->ipa > lo ? e->ipa : lo, b = e->end < hi ? e->end : hi;
		if (a >= b) {
			put(&n, e->ipa, e->end, e->pa, e->type);
			continue;
		}
		put(&n, e->ipa, a, e->pa, e->type);
		if (map && !placed) {
			put(&n, lo, hi, pa, type);
			placed = true;
		}
		if (prot)
			put(&n, a, b, e->pa + (a - e->ipa), protected(e->type, type));
		put(&n, b, e->end, e->pa + (b - e->ipa), e->type);
	}
	if (map && !placed)
		put(&n, lo, hi, pa, type);
	memcpy(sh, tmp, n * sizeof(sh[0]));
	nsh = n;
	assert_true(nsh < 4000);
}

/* The first extent ending after @ipa, or NULL. */
static const struct ext *after(uint64_t ipa)
{
	unsigned lo = 0, hi = nsh;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (sh[mid].end <= ipa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nsh ? &sh[lo] : NULL;
}

static const struct ext *find(uint64_t ipa)
{
	const struct ext *e = after(ipa);
	return e && e->ipa <= ipa ? e : NULL;
}

/* 2: one block maps [base, base + size); 1: something does, with a table; 0: nothing. */
static int classify(uint64_t base, uint64_t size)
{
	const struct ext *e = after(base);
	if (!e || e->ipa >= base + size)
		return 0;
	if (e->ipa <= base && e->end >= base + size && !((e->pa + (base - e->ipa)) & (size - 1)))
		return 2;
	return 1;
}

static uint64_t pages_in(uint64_t base, uint64_t size)
{
	uint64_t n = 0;
	for (const struct ext *e = after(base); e && e < sh + nsh && e->ipa < base + size; e++) {
		uint64_t a = e->ipa > base ? e->ipa : base, b = e->end < base + size ? e->end : base + size;
		n += (b - a) / K4;
	}
	return n;
}

/* The tables the canonical form of the shadow needs (start level 1: the root holds L1 entries). */
static struct s2_census canonical(void)
{
	struct s2_census c = { .tables = { 0, 1, 0, 0 } };
	uint64_t last = UINT64_MAX;

	for (unsigned i = 0; i < nsh; i++)
		for (uint64_t s = sh[i].ipa / G1; s <= (sh[i].end - 1) / G1; s++) {
			if (s == last)
				continue;
			last = s;
			int k = classify(s * G1, G1);
			c.leaves[1] += k == 2;
			if (k != 1)
				continue;
			c.tables[2]++;
			for (uint64_t b = s * G1; b < (s + 1) * G1; b += M2) {
				int k2 = classify(b, M2);
				c.leaves[2] += k2 == 2;
				if (k2 == 1) {
					c.tables[3]++;
					c.leaves[3] += pages_in(b, M2);
				}
			}
		}
	return c;
}

#define CHECK(cond, ...)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			snprintf(why, 400, __VA_ARGS__);                                                               \
			return false;                                                                                  \
		}                                                                                                      \
	} while (0)

static bool probe(uint64_t ipa, unsigned cpu, char *why)
{
	static const unsigned acc[] = { MMU_LOAD, MMU_STORE, MMU_FETCH };
	const struct ext *e = find(ipa);
	struct mmu_result r;
	paddr_t pa;
	uint64_t span;

	for (unsigned a = 0; a < 3; a++) {
		bool ok = s2_probe(cpu, ipa, acc[a], &r), allowed = false;
		if (!e) {
			CHECK(!ok && r.fault.kind == MMU_FAULT_TRANSLATION && r.fault.stage == 2,
			      "IPA 0x%llx is a hole but access %u on PE %u %s 0x%llx (fault %u)",
			      (unsigned long long)ipa, acc[a], cpu, ok ? "reached" : "faulted",
			      (unsigned long long)r.pa, r.fault.kind);
			continue;
		}
		uint64_t want = e->pa + (ipa - e->ipa);
		if (acc[a] == MMU_LOAD)
			allowed = true;
		else if (acc[a] == MMU_STORE)
			allowed = e->type == P2M_RAM_RW || e->type == P2M_MMIO || e->type == P2M_GRANT_RW;
		else
			allowed = e->type == P2M_RAM_RW || e->type == P2M_RAM_RO;
		CHECK(ok == allowed && (!ok || r.pa == want) && (ok || r.fault.kind == MMU_FAULT_PERMISSION),
		      "IPA 0x%llx (type %u, PA 0x%llx): access %u on PE %u %s PA 0x%llx fault %u (stale TLB?)",
		      (unsigned long long)ipa, e->type, (unsigned long long)want, acc[a], cpu, ok ? "gave" : "faulted",
		      (unsigned long long)r.pa, r.fault.kind);
	}
	enum p2m_type t = p2m_lookup(&p2m, ipa_init(ipa), &pa, &span);
	CHECK(t == (e ? e->type : P2M_INVALID), "p2m_lookup(0x%llx) says type %u", (unsigned long long)ipa, t);
	CHECK(!e || (pa_addr(pa) == e->pa + (ipa - e->ipa) && span >= K4 - (ipa & (K4 - 1)) && ipa + span <= e->end),
	      "p2m_lookup(0x%llx): PA 0x%llx span 0x%llx", (unsigned long long)ipa, (unsigned long long)pa_addr(pa),
	      (unsigned long long)span);
	return true;
}

static bool check_tables(char *why)
{
	struct s2_census got, want = canonical();

	if (!s2_census(&p2m, &got, why, 400))
		return false;
	for (unsigned l = 1; l < 4; l++)
		CHECK(got.leaves[l] == want.leaves[l] && (l == 1 || got.tables[l] == want.tables[l]),
		      "level %u: %llu leaves in %u tables, canonical %llu in %u", l, (unsigned long long)got.leaves[l],
		      got.tables[l], (unsigned long long)want.leaves[l], want.tables[l]);
	CHECK(p2m.table_frames == 2 + got.tables[2] + got.tables[3] && frame_count(DOMID_XEN) == p2m.table_frames,
	      "table_frames %llu, tables in the tree %u, DOMID_XEN frames %llu", (unsigned long long)p2m.table_frames,
	      2 + got.tables[2] + got.tables[3], (unsigned long long)frame_count(DOMID_XEN));
	CHECK(fake_mmu[0].stats.tlb_overlaps + fake_mmu[1].stats.tlb_overlaps == 0,
	      "a TLB fill overlapped a live entry: a change without break-before-make");
	CHECK(bbm_watch_violations() == 0, "%u break-before-make violations, first: %s", bbm_watch_violations(),
	      bbm_watch_error());
	return true;
}

/* Region A: the first 4 GiB (root page 0); region B: the top 2 GiB of the IPA space (page 1). */
static void pick_range(uint64_t *ipa, uint64_t *size)
{
	bool a = rnd(5) != 0;
	uint64_t base = a ? 0 : TOP - 2 * G1, len = a ? 4 * G1 : 2 * G1;
	unsigned g = (unsigned)rnd(10);
	uint64_t gran = g < 4 ? K4 : g < 8 ? M2 : G1;
	uint64_t n = gran == K4 ? 1 + rnd(48) : gran == M2 ? 1 + rnd(3) : 1;

	*ipa = base + rnd(len / gran) * gran;
	*size = n * gran;
	if (gran > K4 && rnd(3) == 0) {
		*ipa += rnd(4) * K4;
		*size += rnd(3) * K4;
	}
	if (*ipa + *size > base + len)
		*size = base + len - *ipa;
}

static bool step(uint64_t mix, char *why)
{
	static const enum p2m_type map_types[] = { P2M_RAM_RW, P2M_RAM_RW,   P2M_RAM_RW,  P2M_RAM_RO,
						   P2M_MMIO,   P2M_GRANT_RW, P2M_GRANT_RO };
	static const enum p2m_type prot_types[] = { P2M_RAM_RW, P2M_RAM_RO, P2M_GRANT_RW, P2M_GRANT_RO };
	uint64_t ipa, size, kind = rnd(100);
	int rc;

	pick_range(&ipa, &size);
	if (kind < 10 && nsh) {
		/* Map part of an existing extent again, identically: every translation stays. */
		const struct ext *e = &sh[rnd(nsh)];
		ipa = e->ipa + rnd((e->end - e->ipa) / K4) * K4;
		size = (1 + rnd((e->end - ipa) / K4)) * K4;
		rc = p2m_map(&p2m, ipa_init(ipa), pa_init(e->pa + (ipa - e->ipa)), size, e->type);
		CHECK(rc == 0, "identical remap failed: %d", rc);
	} else if (kind < 55) {
		enum p2m_type t = map_types[rnd(7)];
		uint64_t pa = ipa ^ mix;
		if (size < G1 && rnd(5) == 0)
			pa += (1 + rnd(3)) * K4; /* misaligned: pages only */
		rc = p2m_map(&p2m, ipa_init(ipa), pa_init(pa), size, t);
		if (pa + size > TOP) {
			CHECK(rc == -XEN_EINVAL, "map beyond the PA size gave %d", rc);
		} else {
			CHECK(rc == 0, "map 0x%llx+0x%llx failed: %d", (unsigned long long)ipa,
			      (unsigned long long)size, rc);
			shadow(ipa, ipa + size, true, false, pa, t);
		}
	} else if (kind < 78) {
		rc = p2m_unmap(&p2m, ipa_init(ipa), size);
		CHECK(rc == 0, "unmap failed: %d", rc);
		shadow(ipa, ipa + size, false, false, 0, P2M_INVALID);
	} else {
		enum p2m_type t = prot_types[rnd(4)];
		rc = p2m_protect(&p2m, ipa_init(ipa), size, t);
		CHECK(rc == 0, "protect failed: %d", rc);
		shadow(ipa, ipa + size, false, true, 0, t);
	}

	uint64_t edges[] = { ipa - K4, ipa, ipa + size / 2, ipa + size - K4, ipa + size };
	for (unsigned i = 0; i < 5; i++)
		if (edges[i] < TOP && !probe(edges[i], (unsigned)rnd(FAKE_CPUS), why))
			return false;
	for (unsigned i = 0; i < HOT; i++) {
		if (!probe(hot[i], i % FAKE_CPUS, why))
			return false;
	}
	/* Refresh some hot probes: now near what just changed, now anywhere in the regions. */
	for (unsigned i = 0; i < 8; i++) {
		uint64_t r =
		    rnd(3) ? ipa + rnd(size / K4 + 1) * K4 + rnd(K4) : (rnd(5) ? 0 : TOP - 2 * G1) + rnd(2 * G1);
		hot[rnd(HOT)] = r < TOP ? r : ipa;
	}
	return check_tables(why);
}

/* One seeded run; false with the first discrepancy in @why. @drop: the HAL ignores TLB flushes. */
static bool run_seed(unsigned seed, bool drop, char *why)
{
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	nsh = 0;
	fake_frames(64 << 20);
	fake_drop_flushes = drop;
	assert_int_equal(p2m_init(&p2m, 1, (uint16_t)(1 + seed % 200)), 0);
	fake_mmu_stage2(p2m_vttbr(&p2m), p2m.geo.vtcr);
	bbm_watch_start(&p2m);
	uint64_t mix = rnd(TOP / G1) * G1; /* PA = IPA ^ mix, alignment kept */
	for (unsigned i = 0; i < HOT; i++)
		hot[i] = i < HOT / 2 ? rnd(4 * G1) : TOP - 2 * G1 + rnd(2 * G1);

	bool ok = true;
	for (unsigned s = 0; s < STEPS && ok; s++)
		ok = step(mix, why);
	p2m_destroy(&p2m);
	if (ok && bbm_watch_violations())
		ok = !snprintf(why, 400, "teardown: %s", bbm_watch_error());
	bbm_watch_stop();
	if (ok && frame_count(DOMID_XEN) != 0) {
		snprintf(why, 400, "destroy left %llu table frames", (unsigned long long)frame_count(DOMID_XEN));
		ok = false;
	}
	return ok;
}

static void test_p2m_random_edits_translate_as_the_shadow_says(void **state)
{
	char why[400];
	(void)state;

	const char *env = getenv("P2M_SEEDS");
	unsigned seeds = env ? (unsigned)strtoul(env, NULL, 0) : SEEDS;

	for (unsigned seed = 1; seed <= seeds; seed++)
		if (!run_seed(seed, false, why))
			fail_msg("seed %u: %s", seed, why);
}

static void test_p2m_property_catches_a_hal_that_drops_tlb_maintenance(void **state)
{
	char why[400];
	unsigned caught = 0;
	(void)state;

	/* The test of the test: without the TLBIs the p2m asks for, stale translations must show. */
	for (unsigned seed = 1; seed <= 20; seed++)
		caught += !run_seed(seed, true, why);
	fake_drop_flushes = false;
	if (caught < 15)
		fail_msg("only %u of 20 seeds noticed the missing TLB maintenance", caught);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p2m_random_edits_translate_as_the_shadow_says),
		cmocka_unit_test(test_p2m_property_catches_a_hal_that_drops_tlb_maintenance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
