/* Random machines for the MMU property test (see mmu_gen.h). */
#include "mmu_gen.h"

#include <string.h>

uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

unsigned pick(struct gen *g, unsigned n) { return (unsigned)(rnd(g) % n); }
bool chance(struct gen *g, unsigned pct) { return pick(g, 100) < pct; }
uint64_t lowmask(unsigned n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

static void hot_add(struct gen *g, int list, uint64_t a)
{
	if (g->nhot[list] < MAXHOT)
		g->hot[list][g->nhot[list]++] = a;
}

static unsigned shift_at(const struct gtree *t, unsigned level) { return t->gran + (t->gran - 3) * (3 - level); }

static unsigned s1_start(unsigned gran, unsigned inbits)
{
	unsigned l = 3;
	while (gran + (gran - 3) * (3 - l) + gran - 3 < inbits)
		l--;
	return l;
}

static bool tree_init(struct gen *g, struct gtree *t, unsigned stage, unsigned gran, unsigned inbits, unsigned start)
{
	memset(t, 0, sizeof(*t));
	t->stage = stage;
	t->gran = gran;
	t->inbits = inbits;
	t->start = start;
	int idx = (int)inbits - (int)shift_at(t, start);
	size_t bytes = (size_t)8 << (idx < 3 ? 3 : idx > 17 ? 17 : idx); /* up to 16 concatenated 64K tables */
	if (g->ram.next + 2 * bytes > g->ram.size)
		return false;
	t->root = tram_alloc(&g->ram, bytes);
	return true;
}

static uint64_t table_bits(struct gen *g)
{
	uint64_t d = 0;
	for (unsigned b = 59; b <= 63; b++)
		if (chance(g, 10))
			d |= 1ull << b;
	if (chance(g, 20))
		d |= rnd(g) & 0x07f0000000000ffcull /* ignored: [58:52], [11:2] */;
	return d;
}

/* Writes @desc for @ia at @level, making tables on the way down; false if something was in the way. */
static bool install(struct gen *g, struct gtree *t, uint64_t ia, unsigned level, uint64_t desc)
{
	uint64_t table = t->root;
	if (level < t->start || level > 3)
		return false;
	for (unsigned l = t->start;; l++) {
		unsigned sh = shift_at(t, l);
		int n = l == t->start ? (int)t->inbits - (int)sh : (int)t->gran - 3;
		n = n < 0 ? 0 : n > 17 ? 17 : n; /* an inconsistent stage 2 still gets a bounded root */
		uint64_t slot = table + 8 * ((ia >> sh) & lowmask((unsigned)n));
		if (l == level) {
			tram_write64(&g->ram, slot, desc);
			return true;
		}
		uint64_t d = tram_read64(&g->ram, slot);
		if ((d & 3) == 1 && !g->split && chance(g, 85))
			return false; /* keep most earlier blocks rather than splitting them into empty tables */
		if ((d & 3) != 3) {
			size_t bytes = (size_t)1 << t->gran;
			if (g->ram.next + 2 * bytes > g->ram.size)
				return false;
			uint64_t next = tram_alloc(&g->ram, bytes);
			if (t->record && g->ns1t < 512) {
				g->s1_sizes[g->ns1t] = bytes;
				g->s1_tables[g->ns1t++] = next;
			}
			d = (next + t->ta_off) | 3 | table_bits(g);
			tram_write64(&g->ram, slot, d);
		}
		table = (d & 0x0000fffffffff000ull & ~lowmask(t->gran)) - t->ta_off;
		if (table < PT_RAM_PA || table >= PT_RAM_PA + g->ram.next)
			return false; /* a broken table an earlier install left here */
	}
}

static uint64_t leaf(struct gen *g, const struct gtree *t, unsigned level, uint64_t oa)
{
	unsigned sh = shift_at(t, level);
	uint64_t d = (oa & 0x0000ffffffffffffull & ~lowmask(sh)) | (level == 3 ? 3 : 1);
	d |= rnd(g) & 0x0780000000000300ull; /* software bits, SH */
	if (chance(g, 94))
		d |= D_AF;
	if (t->stage == 1) {
		d |= rnd(g) & 0x00180000000008fcull; /* DBM, contiguous, nG, AP, NS, AttrIndx */
		d |= chance(g, 20) ? D_PXN : 0;
		d |= chance(g, 20) ? D_UXN : 0;
	} else {
		d |= chance(g, 50) ? S2_MEM(0xf) : S2_MEM(pick(g, 16));
		d |= chance(g, 60) ? (S2_R | S2_W) : (rnd(g) & (S2_R | S2_W));
		d |= chance(g, 20) ? S2_XN : 0;
		d |= rnd(g) & 0x0020000000000800ull; /* bit 53 (no FEAT_XNX), bit 11 */
	}
	if (sh > 12 && chance(g, 10))
		d |= rnd(g) & lowmask(sh) & ~lowmask(12); /* ignored block bits */
	return d;
}

static uint64_t broken(struct gen *g, const struct gtree *t, unsigned level)
{
	unsigned first = t->gran == 12 ? 1 : 2;
	switch (pick(g, 6)) {
	case 0: return rnd(g) & ~1ull;
	case 1: return level == 3 ? (PT_RAM_PA | D_AF | 1) : level < first ? leaf(g, t, level, 0) : 0;
	case 2: return level < 3 ? (NOWHERE | 3) : 0;
	case 3: return level < 3 ? ((1ull << (40 + pick(g, 8))) | 3) : 0;
	case 4: return leaf(g, t, level, rnd(g));
	default: return leaf(g, t, level, rnd(g) & lowmask(g->pa_bits));
	}
}

static unsigned leaf_level(struct gen *g, const struct gtree *t)
{
	unsigned lo = t->start > 1 ? t->start : 1;
	unsigned l = chance(g, 60) ? 3 : lo + pick(g, 4 - lo);
	return l < t->start ? t->start : l;
}

static uint64_t s2_output(struct gen *g)
{
	unsigned c = pick(g, 10);
	if (c < 5)
		return PT_RAM_PA + (rnd(g) & lowmask(22));
	if (c < 9)
		return rnd(g) & lowmask(g->pa_bits);
	return rnd(g) & lowmask(48);
}

static uint64_t s1_output(struct gen *g)
{
	unsigned c = pick(g, 10);
	if (g->nhot[1] && c < 4)
		return g->hot[1][pick(g, g->nhot[1])] + (rnd(g) & 0xfff);
	if (c < 6)
		return PT_RAM_PA + g->delta + (rnd(g) & lowmask(22));
	if (c < 9)
		return rnd(g) & lowmask(g->s2on ? g->s2.inbits : g->pa_bits);
	return rnd(g) & lowmask(48);
}

static void build_s1(struct gen *g, struct gtree *t, int list, bool upper, unsigned n)
{
	uint64_t base = rnd(g) & lowmask(t->inbits) & ~lowmask(24);
	for (unsigned i = 0; i < n; i++) {
		uint64_t va = chance(g, 70) ? base + (rnd(g) & lowmask(24)) : rnd(g) & lowmask(t->inbits);
		unsigned level = leaf_level(g, t);
		uint64_t out = s1_output(g);
		if (!install(g, t, va, level, chance(g, 88) ? leaf(g, t, level, out) : broken(g, t, level)))
			continue;
		hot_add(g, 3, out);
		if (upper)
			va |= ~lowmask(t->inbits);
		hot_add(g, list, va);
	}
}

static uint64_t mair_byte(struct gen *g)
{
	static const uint8_t common[] = {
		0x00, 0x04, 0x08, 0x0c, 0x44, 0xff, 0xbb, 0xaa, 0x77, 0x33, 0xf4, 0x4f, 0xee
	};
	return chance(g, 80) ? common[pick(g, sizeof(common))] : (rnd(g) & 0xff);
}

static unsigned txsz(struct gen *g) { return chance(g, 5) ? pick(g, 64) : 16 + pick(g, 24); }
static unsigned clampsz(unsigned t) { return t < 16 ? 16 : t > 39 ? 39 : t; }

static void gen_stage2(struct gen *g)
{
	static const unsigned grans[] = { 12, 12, 12, 14, 16 };
	unsigned gran = grans[pick(g, 5)], tg = gran == 12 ? 0 : gran == 16 ? 1 : 2;
	unsigned inbits = 32 + pick(g, g->pa_bits - 31), sl0 = pick(g, 4); /* IPA no wider than PA */
	/* Mostly a consistent SL0: the one whose start level takes 1..stride+4 bits. */
	bool consistent = chance(g, 95);
	unsigned first = pick(g, 3); /* try the SL0 values from a random one, so every level gets used */
	for (unsigned i = 0; i < 3 && consistent; i++) {
		unsigned s = (first + i) % 3, start = gran == 12 ? 2 - s : 3 - s;
		int bitsn = (int)inbits - (int)(gran + (gran - 3) * (3 - start));
		if (bitsn >= 1 && bitsn <= (int)gran + 1) {
			sl0 = s;
			break;
		}
	}
	unsigned start = sl0 == 3 ? 1 : gran == 12 ? 2 - sl0 : 3 - sl0;
	if (!tree_init(g, &g->s2, 2, gran, inbits, start))
		return;
	g->regs.vtcr_el2 = VTCR_T0SZ(64 - inbits) | VTCR_SL0(sl0) | VTCR_TG0(tg) |
			   VTCR_PS(chance(g, 70) ? 5 : pick(g, 8)) | (chance(g, 50) ? VTCR_VS : 0);
	g->regs.vttbr_el2 = g->s2.root | (rnd(g) & 0xffff000000000000ull);
	if (chance(g, 3))
		g->regs.vttbr_el2 |= 1ull << (36 + pick(g, 12));
	if (chance(g, 2))
		g->regs.vttbr_el2 = NOWHERE;
	uint64_t slots = (lowmask(inbits) + 1) >> 30;
	g->delta = slots > 2 && chance(g, 50) ? (uint64_t)pick(g, (unsigned)(slots < 16 ? slots - 1 : 15)) << 30 : 0;
	if (PT_RAM_PA + g->delta + PT_RAM_SIZE > (1ull << inbits)) /* RAM's IPA window must fit */
		g->delta = 0;
	if (chance(g, 30)) {
		/* the whole RAM window as one block */
		unsigned level = gran == 12 ? 1 : 2;
		install(g, &g->s2, PT_RAM_PA + g->delta, level,
			(PT_RAM_PA & ~lowmask(shift_at(&g->s2, level))) | S2_RW | 1);
	}
}

static void guide_stage2(struct gen *g)
{
	/* Most stage-1 outputs get a stage-2 mapping, so that whole translations succeed too. */
	g->split = true;
	for (unsigned i = 0; i < g->nhot[3]; i++) {
		if (!chance(g, 75))
			continue;
		unsigned level = leaf_level(g, &g->s2);
		uint64_t d = leaf(g, &g->s2, level, s2_output(g)) | (chance(g, 80) ? D_AF | S2_R : 0);
		install(g, &g->s2, g->hot[3][i], level, d);
	}
	g->split = false;
	for (unsigned i = 0; i < 20; i++) {
		uint64_t ipa = chance(g, 60) ? s1_output(g) : rnd(g) & lowmask(g->s2.inbits);
		unsigned level = leaf_level(g, &g->s2);
		install(g, &g->s2, ipa, level,
			chance(g, 75) ? leaf(g, &g->s2, level, s2_output(g)) : broken(g, &g->s2, level));
		hot_add(g, 1, ipa);
	}
	/* Last, so nothing above overwrites them: the stage-1 tables' own pages, mostly readable. */
	g->split = true;
	for (unsigned i = 0; i < g->ns1t; i++)
		for (uint64_t off = 0; off < g->s1_sizes[i]; off += 1ull << g->s2.gran) {
			uint64_t pa = g->s1_tables[i] + off, d = leaf(g, &g->s2, 3, pa);
			if (chance(g, 95))
				d = (pa & ~lowmask(g->s2.gran)) | D_AF | D_SH(3) |
				    S2_MEM(chance(g, 90) ? 0xf : pick(g, 16)) | S2_R | (chance(g, 50) ? S2_W : 0) | 3;
			install(g, &g->s2, pa + g->delta, 3, d);
			hot_add(g, 1, pa + g->delta);
		}
	g->split = false;
}

void gen_machine(struct gen *g, uint64_t seed)
{
	static const unsigned pas[] = { 36, 40, 42, 44, 48, 48, 48, 48 };
	static const unsigned tg0s[] = { 0, 0, 1, 2 },
			      tg1s[] = { 2, 2, 1, 3 }; /* 4K, 4K, 64K, 16K | 4K, 4K, 16K, 64K */
	static const unsigned g0[] = { 12, 12, 16, 14 }, g1[] = { 12, 12, 14, 16 };

	g->rng = seed * 0x2545f4914f6cdd1dull + 1;
	g->ram.next = 0;
	memset(&g->regs, 0, sizeof(g->regs));
	g->ns1t = g->nhot[0] = g->nhot[1] = g->nhot[2] = g->nhot[3] = 0;
	g->delta = 0;
	g->pa_bits = pas[pick(g, 8)];
	g->s2on = chance(g, 80);
	gen_stage2(g);

	struct mmu_regs *r = &g->regs;
	unsigned k0 = pick(g, 4), k1 = pick(g, 4), t0 = txsz(g), t1 = txsz(g);
	r->tcr_el1 = TCR_T0SZ(t0) | TCR_T1SZ(t1) | TCR_TG0(tg0s[k0]) | TCR_TG1(tg1s[k1]) |
		     TCR_IPS(chance(g, 70) ? 5 : pick(g, 8));
	r->tcr_el1 |= rnd(g) & (TCR_A1 | TCR_AS | TCR_TBI0 | (TCR_TBI0 << 1) | TCR_HPD0 | (TCR_HPD0 << 1));
	r->tcr_el1 |= chance(g, 5) ? TCR_EPD0 : 0;
	r->tcr_el1 |= chance(g, 5) ? TCR_EPD1 : 0;
	for (unsigned i = 0; i < 8; i++)
		r->mair_el1 |= mair_byte(g) << (8 * i);
	r->sctlr_el1 = (chance(g, 85) ? SCTLR_M : 0) | (chance(g, 85) ? SCTLR_C : 0) | (chance(g, 85) ? SCTLR_I : 0) |
		       (chance(g, 15) ? SCTLR_WXN : 0);
	r->hcr_el2 = (g->s2on ? HCR_VM : 0) | (chance(g, 20) ? HCR_PTW : 0) | (chance(g, 5) ? 1ull << 32 : 0) |
		     (chance(g, 5) ? 1ull << 33 : 0);
	if (!g->s2on)
		g->delta = 0;

	const unsigned sz[2] = { t0, t1 }, gr[2] = { g0[k0], g1[k1] };
	uint64_t *ttbr[2] = { &r->ttbr0_el1, &r->ttbr1_el1 };
	for (unsigned i = 0; i < 2; i++) {
		struct gtree *t = &g->s1[i];
		unsigned inbits = 64 - clampsz(sz[i]);
		if (!tree_init(g, t, 1, gr[i], inbits, s1_start(gr[i], inbits)))
			continue;
		t->ta_off = g->delta;
		t->record = g->s2on;
		if (t->record && g->ns1t < 512) {
			int idx = (int)inbits - (int)shift_at(t, t->start);
			g->s1_sizes[g->ns1t] = (uint64_t)8 << (idx < 3 ? 3 : idx);
			g->s1_tables[g->ns1t++] = t->root;
		}
		*ttbr[i] = (t->root + t->ta_off) | (rnd(g) & 0xffff000000000000ull);
		if (chance(g, 3))
			*ttbr[i] |= 1ull << (36 + pick(g, 12));
		if (chance(g, 2))
			*ttbr[i] = NOWHERE;
		build_s1(g, t, 0, i == 1, i == 0 ? 24 : 10);
	}
	if (g->s2on)
		guide_stage2(g);
	if (chance(g, 40)) {
		unsigned k = pick(g, 4), t = 16 + pick(g, 24);
		if (tree_init(g, &g->el2, 1, g0[k], 64 - t, s1_start(g0[k], 64 - t))) {
			r->tcr_el2 = TCR_T0SZ(t) | TCR_TG0(tg0s[k]) | ((uint64_t)pick(g, 8) << 16) |
				     (rnd(g) & ((1ull << 20) | (1ull << 24)));
			r->ttbr0_el2 = g->el2.root;
			r->mair_el2 = mair_byte(g) | mair_byte(g) << 8 | mair_byte(g) << 16 | mair_byte(g) << 24;
			r->sctlr_el2 =
			    (chance(g, 85) ? SCTLR_M : 0) | SCTLR_C | SCTLR_I | (chance(g, 15) ? SCTLR_WXN : 0);
			for (unsigned i = 0; i < 8; i++) {
				uint64_t va = rnd(g) & lowmask(g->el2.inbits);
				unsigned level = leaf_level(g, &g->el2);
				install(g, &g->el2, va, level,
					chance(g, 80) ? leaf(g, &g->el2, level, s2_output(g))
						      : broken(g, &g->el2, level));
				hot_add(g, 2, va);
			}
		}
	}
	if (!(r->sctlr_el1 & SCTLR_M))
		for (unsigned i = 0; i < g->nhot[1]; i++)
			hot_add(g, 0, g->hot[1][i]);
}
