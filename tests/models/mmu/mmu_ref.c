/* Reference VMSAv8-64 translation for the property test: written the long way round from the ARM
 * ARM pseudocode (AArch64.S1Translate/S2Translate/CheckPermission/S2CombineS1MemAttrs) on purpose. */
#include "mmu_ref.h"
#include "mmu_ref_mem.h"

#include <string.h>

static uint64_t bits(uint64_t x, unsigned hi, unsigned lo)
{
	if (lo > hi)
		return 0;
	uint64_t v = x >> lo;
	unsigned n = hi - lo + 1;
	return n >= 64 ? v : (v & ((1ull << n) - 1));
}

static bool bit(uint64_t x, unsigned n) { return (x >> n) & 1; }

enum { K_NONE, K_ASZ, K_TRANS, K_AF, K_PERM, K_SEA };

struct fault {
	int kind, level, stage;
	bool s1ptw;
	uint64_t ipa;
};

static bool raise(struct fault *f, int kind, int level, int stage)
{
	f->kind = kind;
	f->level = level;
	f->stage = stage;
	f->s1ptw = false;
	f->ipa = 0;
	return false;
}

/* ---------------------------------------------------------------- walk parameters */

struct stage {
	int stage;       /* 1 or 2 */
	bool two_ranges; /* EL1&0 */
	bool nested;     /* tables are IPAs */
	unsigned pgshift, inbits, oasize, start;
	bool hpd;
	uint64_t ttb;
};

static unsigned granule_from(unsigned tg, bool tg1)
{
	if (tg1)
		return tg == 1 ? 14 : tg == 3 ? 16 : 12;
	return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}

static unsigned size_from_ps(unsigned ps, unsigned pa_bits)
{
	unsigned s;
	switch (ps) {
	case 0: s = 32; break;
	case 1: s = 36; break;
	case 2: s = 40; break;
	case 3: s = 42; break;
	case 4: s = 44; break;
	default: s = 48; break;
	}
	return s > pa_bits ? pa_bits : s;
}

static unsigned inbits_from(unsigned txsz)
{
	if (txsz < 16)
		txsz = 16;
	if (txsz > 39)
		txsz = 39;
	return 64 - txsz;
}

/* Bits resolved below level @level (the page offset plus the lookups after it). */
static unsigned below(const struct stage *s, unsigned level) { return s->pgshift + (s->pgshift - 3) * (3 - level); }

/* The start table: index bits at the start level, and the base with its alignment applied. */
static uint64_t base_of(const struct stage *s)
{
	unsigned idxbits = s->inbits - below(s, s->start);
	uint64_t size = 8ull << idxbits;
	if (size < 64)
		size = 64;
	return s->ttb & ~(size - 1) & ((1ull << 48) - 1);
}

static bool s2_stage(const struct ref_machine *m, struct stage *s)
{
	uint64_t vtcr = m->regs->vtcr_el2;
	unsigned sl0 = (unsigned)bits(vtcr, 7, 6);
	memset(s, 0, sizeof(*s));
	s->stage = 2;
	s->pgshift = granule_from((unsigned)bits(vtcr, 15, 14), false);
	s->inbits = inbits_from((unsigned)bits(vtcr, 5, 0));
	s->oasize = size_from_ps((unsigned)bits(vtcr, 18, 16), m->pa_bits);
	s->hpd = true;
	s->ttb = m->regs->vttbr_el2;
	if (sl0 == 3)
		return false;
	if (s->pgshift == 12) {
		static const unsigned lvl[3] = { 2, 1, 0 };
		s->start = lvl[sl0];
		if (sl0 == 2 && m->pa_bits < 44)
			return false;
	} else {
		static const unsigned lvl[3] = { 3, 2, 1 };
		s->start = lvl[sl0];
		if (sl0 == 2 && m->pa_bits < (s->pgshift == 14 ? 42u : 44u))
			return false;
	}
	/* between 2 and 16 tables' worth of entries at the start level */
	int n = (int)s->inbits - (int)below(s, s->start);
	return n >= 1 && n <= (int)s->pgshift - 3 + 4;
}

/* ---------------------------------------------------------------- the walk */

struct leaf {
	uint64_t desc, oa;
	unsigned level, size;
	bool ap_ro, ap_noel0, xn_t, pxn_t; /* hierarchical limits */
};

static bool s2_ipa(const struct ref_machine *m, uint64_t ipa, struct leaf *lf, struct stage *st, struct fault *f);

static bool lookup(const struct ref_machine *m, const struct stage *s, uint64_t table, unsigned level, struct leaf lim,
		   uint64_t ia, struct leaf *out, struct fault *f)
{
	unsigned lo = below(s, level);
	unsigned hi = level == s->start ? s->inbits - 1 : lo + s->pgshift - 4;
	uint64_t where = table + 8 * bits(ia, hi, lo), pa = where, d;

	if (s->nested) {
		/* The descriptor's IPA through stage 2, checked as a read (and against HCR_EL2.PTW). */
		struct leaf l2;
		struct stage st2;
		if (!s2_ipa(m, where, &l2, &st2, f)) {
			f->s1ptw = true;
			return false;
		}
		bool device = bits(l2.desc, 5, 4) == 0;
		if (!bit(l2.desc, 6) || (bit(m->regs->hcr_el2, 2) && device)) {
			raise(f, K_PERM, (int)l2.level, 2);
			f->s1ptw = true;
			f->ipa = where;
			return false;
		}
		pa = l2.oa;
	}
	if (!m->bus.read64(m->bus.ctx, pa, &d))
		return raise(f, K_SEA, (int)level, s->stage);
	unsigned type = (unsigned)bits(d, 1, 0);
	if (type == 0 || type == 2 || (level == 3 && type == 1))
		return raise(f, K_TRANS, (int)level, s->stage);
	if (level < 3 && type == 3) {
		uint64_t next = bits(d, 47, s->pgshift) << s->pgshift;
		if (s->oasize < 48 && bits(next, 47, s->oasize))
			return raise(f, K_ASZ, (int)level, s->stage);
		if (s->stage == 1 && !s->hpd) {
			lim.ap_ro |= bit(d, 62);
			lim.xn_t |= bit(d, 60);
			if (s->two_ranges) {
				lim.ap_noel0 |= bit(d, 61);
				lim.pxn_t |= bit(d, 59);
			}
		}
		return lookup(m, s, next, level + 1, lim, ia, out, f);
	}
	unsigned first_block = s->pgshift == 12 ? 1 : 2;
	if (level < first_block)
		return raise(f, K_TRANS, (int)level, s->stage);
	uint64_t oa = bits(d, 47, lo) << lo | bits(ia, lo - 1, 0);
	if (s->oasize < 48 && bits(oa, 47, s->oasize))
		return raise(f, K_ASZ, (int)level, s->stage);
	if (!bit(d, 10))
		return raise(f, K_AF, (int)level, s->stage);
	*out = lim;
	out->desc = d;
	out->oa = oa;
	out->level = level;
	out->size = lo;
	return true;
}

static bool s2_ipa(const struct ref_machine *m, uint64_t ipa, struct leaf *lf, struct stage *st, struct fault *f)
{
	bool valid = s2_stage(m, st);
	if (!valid || bits(ipa, 63, st->inbits)) {
		raise(f, K_TRANS, 0, 2);
		f->ipa = ipa;
		return false;
	}
	if (st->oasize < 48 && bits(st->ttb, 47, st->oasize)) {
		raise(f, K_ASZ, 0, 2);
		f->ipa = ipa;
		return false;
	}
	struct leaf none = { 0 };
	if (!lookup(m, st, base_of(st), st->start, none, ipa, lf, f)) {
		if (!f->s1ptw)
			f->ipa = ipa;
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- permissions */

/* AArch64.CheckPermission for stage 1: may @el do @type to this leaf? */
static bool s1_allows(const struct ref_machine *m, const struct stage *s, const struct leaf *lf, unsigned el,
		      unsigned type)
{
	bool ap2 = bit(lf->desc, 7) || lf->ap_ro;
	bool wxn = bit(el == 2 ? m->regs->sctlr_el2 : m->regs->sctlr_el1, 19);
	bool r, w, xn;
	if (!s->two_ranges) {
		r = true;
		w = !ap2;
		xn = bit(lf->desc, 54) || lf->xn_t || (w && wxn);
	} else {
		bool ap1 = bit(lf->desc, 6) && !lf->ap_noel0;
		bool user_r = ap1, user_w = ap1 && !ap2, priv_w = !ap2;
		bool user_xn = bit(lf->desc, 54) || lf->xn_t || (user_w && wxn);
		bool priv_xn = bit(lf->desc, 53) || lf->pxn_t || (priv_w && wxn) || user_w;
		if (el == 0) {
			r = user_r, w = user_w, xn = user_xn;
		} else {
			r = true, w = priv_w, xn = priv_xn;
		}
	}
	return type == MMU_FETCH ? !xn : type == MMU_STORE ? w : r;
}

static bool s2_allows(uint64_t desc, unsigned type)
{
	return type == MMU_FETCH ? !bit(desc, 54) : type == MMU_STORE ? bit(desc, 7) : bit(desc, 6);
}

/* ---------------------------------------------------------------- the access */

struct xlat {
	uint64_t pa, ipa;
	struct mem mem;
	unsigned perm, size;
};

static bool translate(const struct ref_machine *m, const struct mmu_access *a, bool s1only, struct xlat *x,
		      struct fault *f)
{
	const struct mmu_regs *r = m->regs;
	bool el2 = a->el == 2;
	uint64_t sctlr = el2 ? r->sctlr_el2 : r->sctlr_el1;
	bool s2 = !el2 && bit(r->hcr_el2, 0) && !s1only;
	struct leaf l1, l2;
	struct stage s1st, s2st;
	bool s1on = bit(sctlr, 0);
	unsigned perms[3] = { MMU_PERM_R, MMU_PERM_W, MMU_PERM_X }, types[3] = { MMU_LOAD, MMU_STORE, MMU_FETCH };

	x->perm = 7;
	if (!s1on) {
		if (m->pa_bits < 64 && bits(a->va, 63, m->pa_bits))
			return raise(f, K_ASZ, 0, 1);
		x->ipa = a->va;
		x->mem = ref_s1_off_mem(sctlr, a->type);
		x->size = 12;
	} else {
		memset(&s1st, 0, sizeof(s1st));
		s1st.stage = 1;
		bool upper = false, tbi, disabled = false;
		unsigned txsz, tg;
		if (el2) {
			uint64_t tcr = r->tcr_el2;
			txsz = (unsigned)bits(tcr, 5, 0), tg = (unsigned)bits(tcr, 15, 14);
			s1st.pgshift = granule_from(tg, false);
			s1st.oasize = size_from_ps((unsigned)bits(tcr, 18, 16), m->pa_bits);
			tbi = bit(tcr, 20), s1st.hpd = bit(tcr, 24), s1st.ttb = r->ttbr0_el2;
		} else {
			uint64_t tcr = r->tcr_el1;
			upper = bit(a->va, 55);
			s1st.two_ranges = true;
			s1st.nested = bit(r->hcr_el2, 0);
			s1st.oasize = size_from_ps((unsigned)bits(tcr, 34, 32), m->pa_bits);
			txsz = (unsigned)(upper ? bits(tcr, 21, 16) : bits(tcr, 5, 0));
			tg = (unsigned)(upper ? bits(tcr, 31, 30) : bits(tcr, 15, 14));
			s1st.pgshift = granule_from(tg, upper);
			tbi = bit(tcr, upper ? 38 : 37);
			s1st.hpd = bit(tcr, upper ? 42 : 41);
			disabled = bit(tcr, upper ? 23 : 7);
			s1st.ttb = upper ? r->ttbr1_el1 : r->ttbr0_el1;
		}
		s1st.inbits = inbits_from(txsz);
		/* the start level: the shallowest whose lookups cover every input bit */
		s1st.start = 3;
		while (below(&s1st, s1st.start) + s1st.pgshift - 3 < s1st.inbits)
			s1st.start--;
		unsigned top = tbi ? 55 : 63;
		uint64_t want = upper ? bits(~0ull, top, s1st.inbits) : 0;
		if (disabled || bits(a->va, top, s1st.inbits) != want)
			return raise(f, K_TRANS, 0, 1);
		if (s1st.oasize < 48 && bits(s1st.ttb, 47, s1st.oasize))
			return raise(f, K_ASZ, 0, 1);
		struct leaf none = { 0 };
		if (!lookup(m, &s1st, base_of(&s1st), s1st.start, none, a->va, &l1, f))
			return false;
		if (!s1_allows(m, &s1st, &l1, a->el, a->type))
			return raise(f, K_PERM, (int)l1.level, 1);
		x->perm = 0;
		for (int i = 0; i < 3; i++)
			if (s1_allows(m, &s1st, &l1, a->el, types[i]))
				x->perm |= perms[i];
		x->ipa = l1.oa;
		x->size = l1.size;
		uint64_t mair = el2 ? r->mair_el2 : r->mair_el1;
		x->mem = ref_mem_from_mair((uint8_t)(mair >> (8 * bits(l1.desc, 4, 2))), (int)bits(l1.desc, 9, 8));
		if (a->type == MMU_FETCH && (x->mem.device || !bit(sctlr, 12)))
			x->mem = ref_normal_nc(x->mem.sh);
		else if (a->type != MMU_FETCH && !x->mem.device && !bit(sctlr, 2))
			x->mem = ref_normal_nc(x->mem.sh);
	}
	if (!s2) {
		x->pa = x->ipa;
		return true;
	}
	if (!s2_ipa(m, x->ipa, &l2, &s2st, f))
		return false;
	if (!s2_allows(l2.desc, a->type)) {
		raise(f, K_PERM, (int)l2.level, 2);
		f->ipa = x->ipa;
		return false;
	}
	unsigned p2 = 0;
	for (int i = 0; i < 3; i++)
		if (s2_allows(l2.desc, types[i]))
			p2 |= perms[i];
	x->perm &= p2;
	x->pa = l2.oa;
	if (l2.size < x->size || !s1on)
		x->size = l2.size;
	struct mem m2 = ref_mem_from_s2((unsigned)bits(l2.desc, 5, 2), (int)bits(l2.desc, 9, 8));
	if (a->type == MMU_FETCH && (m2.device || bit(r->hcr_el2, 33)))
		m2 = ref_normal_nc(m2.sh);
	else if (a->type != MMU_FETCH && !m2.device && bit(r->hcr_el2, 32))
		m2 = ref_normal_nc(m2.sh);
	x->mem = ref_combine(x->mem, m2);
	return true;
}

static unsigned fsc_of(const struct fault *f)
{
	static const unsigned type[] = { [K_ASZ] = 0, [K_TRANS] = 1, [K_AF] = 2, [K_PERM] = 3, [K_SEA] = 5 };
	return type[f->kind] << 2 | (unsigned)f->level;
}

void ref_translate(const struct ref_machine *m, const struct mmu_access *a, struct ref_out *o)
{
	struct xlat x;
	struct fault f = { 0 };
	memset(o, 0, sizeof(*o));
	if (translate(m, a, false, &x, &f)) {
		o->ok = true;
		o->pa = x.pa;
		o->ipa = x.ipa;
		o->attr = ref_mem_encode(x.mem);
		o->sh = (uint8_t)ref_effective_sh(x.mem);
		o->perm = (uint8_t)x.perm;
		o->size = (uint8_t)x.size;
		return;
	}
	o->kind = f.kind;
	o->level = f.level;
	o->stage = f.stage;
	o->s1ptw = f.s1ptw;
	o->fipa = f.ipa;
	o->target_el = (f.stage == 2 || a->el == 2) ? 2 : 1;
	bool fetch = a->type == MMU_FETCH;
	unsigned ec = fetch ? 0x20 : 0x24;
	if (a->el == o->target_el)
		ec += 1;
	uint64_t iss = fsc_of(&f);
	if (f.s1ptw)
		iss |= 1u << 7;
	if (!fetch && a->type == MMU_STORE)
		iss |= 1u << 6;
	if (!fetch && f.stage == 2 && !f.s1ptw && f.kind != K_SEA && a->iss_valid) {
		unsigned sas = a->size == 1 ? 0 : a->size == 2 ? 1 : a->size == 4 ? 2 : 3;
		iss |= 1u << 24 | sas << 22 | (unsigned)a->sse << 21 | (a->srt & 31u) << 16 | (unsigned)a->sf << 15 |
		       (unsigned)a->ar << 14;
	}
	o->esr = (uint64_t)ec << 26 | 1u << 25 | iss;
	o->far = a->va;
	o->hpfar_valid =
	    f.stage == 2 && (f.kind == K_TRANS || f.kind == K_AF || f.kind == K_ASZ || (f.kind == K_PERM && f.s1ptw));
	o->hpfar = o->hpfar_valid ? bits(f.ipa, 47, 12) << 4 : 0;
}

bool ref_at(const struct ref_machine *m, enum mmu_at_op op, uint64_t va, uint64_t *par, uint64_t *esr)
{
	struct mmu_access a = { .va = va, .size = 8 };
	bool s1only = op == MMU_AT_S1E1R || op == MMU_AT_S1E1W || op == MMU_AT_S1E0R || op == MMU_AT_S1E0W ||
		      op == MMU_AT_S1E2R || op == MMU_AT_S1E2W;
	a.el = (op == MMU_AT_S1E0R || op == MMU_AT_S1E0W || op == MMU_AT_S12E0R || op == MMU_AT_S12E0W) ? 0
	       : (op == MMU_AT_S1E2R || op == MMU_AT_S1E2W)                                             ? 2
													: 1;
	a.type = (op == MMU_AT_S1E1W || op == MMU_AT_S1E0W || op == MMU_AT_S12E1W || op == MMU_AT_S12E0W ||
		  op == MMU_AT_S1E2W)
		     ? MMU_STORE
		     : MMU_LOAD;
	struct xlat x;
	struct fault f = { 0 };
	if (translate(m, &a, s1only, &x, &f)) {
		*par = (uint64_t)ref_mem_encode(x.mem) << 56 | bits(x.pa, 47, 12) << 12 | 1u << 11 |
		       (uint64_t)ref_effective_sh(x.mem) << 7;
		return true;
	}
	if (f.kind == K_SEA) {
		*esr = 0x25ull << 26 | 1u << 25 | 1u << 8 | 1u << 6 | (f.s1ptw ? 1u << 7 : 0) | fsc_of(&f);
		return false;
	}
	*par = 1u << 11 | (f.stage == 2 ? 1u << 9 : 0) | (f.s1ptw ? 1u << 8 : 0) | fsc_of(&f) << 1 | 1;
	return true;
}
