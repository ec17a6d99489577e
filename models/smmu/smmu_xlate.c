/* A device access through the SMMU: global bypass/abort while disabled, the STE, the TLB, and on a miss
 * the stage-2 walk by models/mmu configured from the STE; faults become event records. */
#include <string.h>

#include "models/smmu/smmu_internal.h"

#define D_AF (1ull << 10)

/* The walker's bus: the embedder's memory, remembering the address (F_WALK_EABT's FetchAddr) and, with
 * S2AFFD, presenting every descriptor with AF set so that no Access flag fault can occur. */
static bool walk_read64(void *ctx, uint64_t pa, uint64_t *val)
{
	struct smmu *s = ctx;
	uint8_t b[8];

	s->walk_pa = pa;
	if (!s->mem.read(s->mem.ctx, pa, b, 8))
		return false;
	*val = smmu_le64(b);
	if (s->walk_affd)
		*val |= D_AF;
	return true;
}

static void ev_head(uint64_t rec[4], uint8_t type, uint32_t sid)
{
	memset(rec, 0, 4 * sizeof(rec[0]));
	rec[0] = type | (uint64_t)sid << 32;
}

/* The translation fault records (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION, F_WALK_EABT):
 * dword 1 carries the access's PnU/InD/RnW, S2 and CLASS, dword 2 the input address. */
static void ev_fault(uint64_t rec[4], uint8_t type, const struct smmu_txn *t, bool s2, unsigned cls)
{
	ev_head(rec, type, t->sid);
	rec[1] = (t->priv ? SMMU_EVT_PNU : 0) | (t->instr ? SMMU_EVT_IND : 0) | (t->write ? 0 : SMMU_EVT_RNW) |
		 (s2 ? SMMU_EVT_S2 : 0) | SMMU_EVT_CLASS(cls);
	rec[2] = t->addr;
}

static bool fail(struct smmu *s, struct smmu_result *r, const uint64_t rec[4], bool record)
{
	r->event = (uint8_t)rec[0];
	if (record)
		smmu_event_record(s, rec, &r->recorded);
	return false;
}

static unsigned need_of(const struct smmu_txn *t) { return t->write ? MMU_PERM_W : t->instr ? MMU_PERM_X : MMU_PERM_R; }

/* Stage 2 through the TLB, or a walk by models/mmu with the STE's VTCR/VTTBR. */
static bool stage2(struct smmu *s, const struct smmu_txn *t, const struct smmu_ste *ste, struct smmu_result *r)
{
	uint64_t rec[4];
	const struct smmu_tlbe *e = smmu_tlb_lookup(s, ste->vmid, t->addr);

	if (e) {
		s->stats.tlb_hits++;
		r->tlb_hit = true;
		if (!(e->perm & need_of(t))) {
			ev_fault(rec, SMMU_EVT_F_PERMISSION, t, true, SMMU_EVT_CLASS_IN);
			rec[3] = t->addr & SMMU_EVT_ADDR51_12;
			return fail(s, r, rec, ste->s2r);
		}
		r->pa = e->pa | (t->addr & ((1ull << e->size) - 1));
		return true;
	}
	s->stats.tlb_misses++;
	s->stats.walks++;

	struct mmu_cpu *w = &s->walker;
	w->regs.hcr_el2 = 1; /* VM: stage 2 on, stage 1 off (SCTLR_EL1.M = 0) */
	w->regs.vtcr_el2 = ste->vtcr;
	w->regs.vttbr_el2 = ste->vttbr;
	s->walk_affd = ste->affd;
	struct mmu_access acc = {
		.va = t->addr,
		.type = t->write   ? MMU_STORE
			: t->instr ? MMU_FETCH
				   : MMU_LOAD,
		.el = 1,
		.size = 8,
	};
	struct mmu_result mr;
	if (mmu_translate(w, &acc, &mr)) {
		struct smmu_tlbe ne = {
			.ipa = t->addr & ~((1ull << mr.size_log2) - 1),
			.pa = mr.pa & ~((1ull << mr.size_log2) - 1),
			.vmid = ste->vmid,
			.size = mr.size_log2,
			.perm = mr.perm,
		};
		smmu_tlb_insert(s, &ne);
		r->pa = mr.pa;
		return true;
	}

	const struct mmu_fault *f = &mr.fault;
	bool s2 = f->stage == 2, record = s2 ? ste->s2r : true;
	uint8_t type;
	switch (f->kind) {
	case MMU_FAULT_ADDR_SIZE: type = SMMU_EVT_F_ADDR_SIZE; break;
	case MMU_FAULT_ACCESS_FLAG: type = SMMU_EVT_F_ACCESS; break;
	case MMU_FAULT_PERMISSION: type = SMMU_EVT_F_PERMISSION; break;
	case MMU_FAULT_EXT_ABORT_WALK: type = SMMU_EVT_F_WALK_EABT; break;
	default: type = SMMU_EVT_F_TRANSLATION; break;
	}
	if (type == SMMU_EVT_F_WALK_EABT) {
		/* An external abort on a table read is recorded whatever S2R says. CLASS names what stage 2
		 * was translating: the input address (there is no stage-1 table or CD to fetch). */
		ev_fault(rec, type, t, true, SMMU_EVT_CLASS_IN);
		rec[3] = s->walk_pa & SMMU_EVT_ADDR51_3;
		return fail(s, r, rec, true);
	}
	/* A stage-1 address size fault is the input exceeding the IAS (stage 1 bypassed). */
	ev_fault(rec, type, t, s2, SMMU_EVT_CLASS_IN);
	if (s2)
		rec[3] = t->addr & SMMU_EVT_ADDR51_12;
	return fail(s, r, rec, record);
}

bool smmu_translate(struct smmu *s, const struct smmu_txn *t, struct smmu_result *r)
{
	uint64_t rec[4], fetch_pa = 0;
	struct smmu_ste ste;

	memset(r, 0, sizeof(*r));
	if (t->size == 0 || t->size > 4096 || ((t->addr & 0xfff) + t->size) > 4096) {
		r->bad_request = true;
		return false;
	}
	s->stats.translations++;
	if (!(s->cr0 & SMMU_CR0_SMMUEN)) {
		/* Global bypass: no STE, no events; an address beyond the OAS is aborted. */
		if ((s->gbpa & SMMU_GBPA_ABORT) || (t->addr >> s->cfg.oas_bits))
			return false;
		r->pa = t->addr;
		return true;
	}
	uint8_t ev = smmu_ste_get(s, t->sid, &ste, &fetch_pa);
	if (ev != SMMU_EVT_NONE) {
		ev_head(rec, ev, t->sid);
		if (ev == SMMU_EVT_F_STE_FETCH)
			rec[2] = fetch_pa & SMMU_EVT_ADDR51_3;
		return fail(s, r, rec, true);
	}
	switch (ste.config) {
	case SMMU_STE_CFG_ABORT: return false; /* silently, by design of the configuration */
	case SMMU_STE_CFG_BYPASS:
		if (t->addr >> s->cfg.oas_bits) {
			ev_fault(rec, SMMU_EVT_F_ADDR_SIZE, t, false, SMMU_EVT_CLASS_IN);
			return fail(s, r, rec, true);
		}
		r->pa = t->addr;
		return true;
	default: return stage2(s, t, &ste, r);
	}
}

void smmu_walker_init(struct smmu *s)
{
	struct mmu_bus bus = { .read64 = walk_read64, .ctx = s };

	mmu_cpu_init(&s->walker, bus, s->cfg.oas_bits);
	s->walker.tlb.disabled = true; /* the SMMU's TLB is its own (smmu_tlb.c) */
}
