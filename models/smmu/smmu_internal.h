/* What the SMMU model's files share: its state, the decoded STE, queue pointer arithmetic, and the
 * entry points of the stream table, TLB, command and event queue files. Not for users of the model. */
#pragma once

#include "models/mmu/mmu.h"
#include "models/smmu/smmu.h"

#define SMMU_MASK(hi, lo)     ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))
#define SMMU_FIELD(v, hi, lo) (((v)&SMMU_MASK(hi, lo)) >> (lo))

#define SMMU_STEC_SIZE 256u /* STE cache entries, direct-mapped by StreamID */
#define SMMU_TLB_SETS  64u
#define SMMU_TLB_WAYS  4u

/* A valid STE, decoded once when it is fetched; what the STE cache holds. */
struct smmu_ste {
	uint32_t sid;
	bool valid; /* cache slot in use */
	uint8_t config;
	bool s2r, affd;
	uint16_t vmid;
	uint64_t vtcr, vttbr; /* the STE's S2* fields in VTCR_EL2/VTTBR_EL2 layout, for models/mmu */
};

struct smmu_tlbe {
	uint64_t ipa, pa; /* aligned to 2^size */
	uint16_t vmid;
	uint8_t size, perm, valid;
};

/* A queue: BASE as written, PROD/CONS as WR/RD fields (index + wrap bit). */
struct smmu_queue {
	uint64_t base;
	uint32_t prod, cons;
	unsigned max_log2;
};

struct smmu {
	struct smmu_config cfg;
	struct smmu_mem mem;
	struct smmu_ops ops;
	uint32_t idr[6], cr0, cr1, cr2, gbpa, irq_ctrl, gerror, gerrorn;
	uint64_t strtab_base;
	uint32_t strtab_cfg;
	struct smmu_queue cmdq, evtq;
	uint8_t cmdq_err;   /* CMDQ_CONS.ERR */
	bool evtq_ovflg;    /* EVENTQ_PROD.OVFLG */
	bool evtq_ovackflg; /* EVENTQ_CONS.OVACKFLG */
	bool line[SMMU_NR_IRQS];
	struct smmu_ste stec[SMMU_STEC_SIZE];
	struct smmu_tlbe tlb[SMMU_TLB_SETS][SMMU_TLB_WAYS];
	uint8_t tlb_next[SMMU_TLB_SETS];
	uint64_t tlb_sizes;    /* bit n: entries of 2^n bytes may be present */
	struct mmu_cpu walker; /* models/mmu as the stage-2 walker; its own TLB off */
	uint64_t walk_pa;      /* the last descriptor address the walker read (F_WALK_EABT) */
	bool walk_affd;        /* S2AFFD of the walk in progress: descriptors read with AF set */
	struct smmu_stats stats;
};

/* Queue arithmetic over the effective LOG2SIZE. */
unsigned smmu_q_log2(const struct smmu_queue *q);
bool smmu_q_empty(const struct smmu_queue *q);
bool smmu_q_full(const struct smmu_queue *q);
uint32_t smmu_q_inc(const struct smmu_queue *q, uint32_t ptr);
uint64_t smmu_q_addr(const struct smmu_queue *q, uint32_t ptr, unsigned entry_bytes);

/* smmu_strtab.c: the STE for @sid (cache first); returns SMMU_EVT_NONE or the configuration error to
 * record, with *fetch_pa set for F_STE_FETCH. */
uint8_t smmu_ste_get(struct smmu *s, uint32_t sid, struct smmu_ste *ste, uint64_t *fetch_pa);
void smmu_ste_inval(struct smmu *s, uint32_t sid, uint32_t count); /* count 0: all */

/* smmu_xlate.c */
void smmu_walker_init(struct smmu *s);

/* smmu_tlb.c */
const struct smmu_tlbe *smmu_tlb_lookup(struct smmu *s, uint16_t vmid, uint64_t ipa);
void smmu_tlb_insert(struct smmu *s, const struct smmu_tlbe *e);
void smmu_tlb_inval(struct smmu *s, bool all_vmids, uint16_t vmid, bool by_ipa, uint64_t ipa);

/* smmu_cmdq.c */
void smmu_cmdq_run(struct smmu *s);

/* smmu_evtq.c */
void smmu_event_record(struct smmu *s, const uint64_t rec[4], bool *recorded);
void smmu_lines_update(struct smmu *s);
void smmu_irq_pulse(struct smmu *s, enum smmu_irq line);
void smmu_gerror_raise(struct smmu *s, uint32_t bit);
bool smmu_gerror_active(const struct smmu *s, uint32_t bit);

/* smmu_regs.c */
void smmu_reset(struct smmu *s);

static inline uint64_t smmu_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void smmu_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
