/* The register file: ID registers, CR0/CR0ACK, CR1, CR2, GBPA, IRQ_CTRL, GERROR/GERRORN, the stream
 * table and queue base registers and the queue pointers, with the writes each state allows. */
#include <stdlib.h>
#include <string.h>

#include "models/smmu/smmu_internal.h"

#define CR0_IMPL      (SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN)
#define IRQ_CTRL_IMPL (SMMU_IRQ_CTRL_GERROR_IRQEN | SMMU_IRQ_CTRL_EVENTQ_IRQEN)
#define GERROR_IMPL   (SMMU_GERROR_CMDQ_ERR | SMMU_GERROR_EVENTQ_ABT_ERR)
#define GBPA_FIELDS   0x001f3f1fu /* ABORT, INSTCFG, PRIVCFG, SHCFG, ALLOCCFG, MTCFG, MemAttr */
#define CR1_FIELDS    0x00000fffu
#define CR2_FIELDS    0x00000007u
#define STRTAB_BASE_M (SMMU_MASK(51, 6) | 1ull << 62) /* ADDR, RA */
#define Q_BASE_M      (SMMU_MASK(51, 0) | 1ull << 62) /* WA/RA, ADDR, LOG2SIZE */
#define STRTAB_CFG_M  0x00030fffu                     /* FMT, SPLIT, LOG2SIZE */

unsigned smmu_q_log2(const struct smmu_queue *q)
{
	unsigned l = (unsigned)(q->base & 0x1f);
	return l > q->max_log2 ? q->max_log2 : l;
}

static uint32_t wr_mask(const struct smmu_queue *q) { return (2u << smmu_q_log2(q)) - 1; }

bool smmu_q_empty(const struct smmu_queue *q) { return ((q->prod ^ q->cons) & wr_mask(q)) == 0; }

bool smmu_q_full(const struct smmu_queue *q) { return ((q->prod ^ q->cons) & wr_mask(q)) == (1u << smmu_q_log2(q)); }

uint32_t smmu_q_inc(const struct smmu_queue *q, uint32_t ptr) { return (ptr + 1) & wr_mask(q); }

uint64_t smmu_q_addr(const struct smmu_queue *q, uint32_t ptr, unsigned entry_bytes)
{
	uint32_t idx = ptr & ((1u << smmu_q_log2(q)) - 1);
	/* The base is aligned to the queue's size; lower address bits are taken as zero. */
	uint64_t align = (uint64_t)entry_bytes << smmu_q_log2(q);
	uint64_t base = q->base & SMMU_MASK(51, 5) & ~(align - 1);
	return base + (uint64_t)idx * entry_bytes;
}

void smmu_reset(struct smmu *s)
{
	unsigned oas_enc = s->cfg.oas_bits == 48 ? 5 : 4;

	memset(s->idr, 0, sizeof(s->idr));
	s->idr[0] = SMMU_IDR0_S2P | SMMU_IDR0_TTF_AA64 | SMMU_IDR0_COHACC | SMMU_IDR0_SEV | SMMU_IDR0_VMID16 |
		    SMMU_IDR0_TTENDIAN_LE | SMMU_IDR0_STALL_NONE | SMMU_IDR0_TERM_MODEL | SMMU_IDR0_ST_2LVL;
	s->idr[1] = SMMU_CMDQS << 21 | SMMU_EVENTQS << 16 | SMMU_SIDSIZE;
	s->idr[5] = SMMU_IDR5_GRAN4K | oas_enc;
	s->cr0 = s->cr1 = s->cr2 = 0;
	s->gbpa = s->cfg.gbpa_abort ? SMMU_GBPA_ABORT : 0;
	s->irq_ctrl = s->gerror = s->gerrorn = 0;
	s->strtab_base = 0;
	s->strtab_cfg = 0;
	memset(&s->cmdq, 0, sizeof(s->cmdq));
	memset(&s->evtq, 0, sizeof(s->evtq));
	s->cmdq.max_log2 = SMMU_CMDQS;
	s->evtq.max_log2 = SMMU_EVENTQS;
	s->cmdq_err = 0;
	s->evtq_ovflg = s->evtq_ovackflg = false;
	memset(s->line, 0, sizeof(s->line));
	smmu_ste_inval(s, 0, 0);
	smmu_tlb_inval(s, true, 0, false, 0);
	memset(&s->stats, 0, sizeof(s->stats));
}

struct smmu *smmu_create(const struct smmu_config *cfg, struct smmu_mem mem, const struct smmu_ops *ops)
{
	if (!cfg || (cfg->oas_bits != 44 && cfg->oas_bits != 48) || !mem.read || !mem.write)
		return NULL;
	struct smmu *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->mem = mem;
	if (ops)
		s->ops = *ops;
	smmu_walker_init(s);
	smmu_reset(s);
	return s;
}

void smmu_destroy(struct smmu *s) { free(s); }

const struct smmu_stats *smmu_get_stats(const struct smmu *s) { return &s->stats; }

bool smmu_irq_line(const struct smmu *s, enum smmu_irq line) { return line < SMMU_NR_IRQS && s->line[line]; }

/* The 64-bit register holding @off (either half), or NULL. */
static uint64_t *reg64(struct smmu *s, uint64_t off)
{
	switch (off & ~7ull) {
	case SMMU_STRTAB_BASE: return &s->strtab_base;
	case SMMU_CMDQ_BASE: return &s->cmdq.base;
	case SMMU_EVENTQ_BASE: return &s->evtq.base;
	}
	return NULL;
}

static uint32_t read32(struct smmu *s, uint64_t off)
{
	switch (off) {
	case SMMU_IDR0: return s->idr[0];
	case SMMU_IDR1: return s->idr[1];
	case SMMU_IDR5: return s->idr[5];
	case SMMU_IIDR: return 0; /* no JEP106 implementer: a model */
	case SMMU_AIDR: return SMMU_AIDR_V3_1;
	case SMMU_CR0:
	case SMMU_CR0ACK: return s->cr0; /* every update completes at once */
	case SMMU_CR1: return s->cr1;
	case SMMU_CR2: return s->cr2;
	case SMMU_GBPA: return s->gbpa;
	case SMMU_IRQ_CTRL:
	case SMMU_IRQ_CTRLACK: return s->irq_ctrl;
	case SMMU_GERROR: return s->gerror;
	case SMMU_GERRORN: return s->gerrorn;
	case SMMU_STRTAB_BASE_CFG: return s->strtab_cfg;
	case SMMU_CMDQ_PROD: return s->cmdq.prod;
	case SMMU_CMDQ_CONS: return s->cmdq.cons | (uint32_t)s->cmdq_err << SMMU_CONS_ERR_SHIFT;
	case SMMU_EVENTQ_PROD: return s->evtq.prod | (s->evtq_ovflg ? SMMU_EVTQ_OVFLG : 0);
	case SMMU_EVENTQ_CONS: return s->evtq.cons | (s->evtq_ovackflg ? SMMU_EVTQ_OVFLG : 0);
	}
	return 0; /* IDR2-4, STATUSR, AGBPA, MSI configuration (IDR0.MSI=0), PRI, reserved: RAZ */
}

static void write_cr0(struct smmu *s, uint32_t v)
{
	uint32_t old = s->cr0;

	s->cr0 = v & CR0_IMPL;
	if ((s->cr0 ^ old) & SMMU_CR0_EVENTQEN)
		smmu_lines_update(s);
	if ((s->cr0 & ~old) & SMMU_CR0_CMDQEN)
		smmu_cmdq_run(s);
}

static void write32(struct smmu *s, uint64_t off, uint32_t v)
{
	/* Base and configuration registers change only while what they configure is off (the
	 * CONSTRAINED UNPREDICTABLE choice: the write is ignored), as a driver must program them. */
	bool enabled = s->cr0 & SMMU_CR0_SMMUEN;

	switch (off) {
	case SMMU_CR0: write_cr0(s, v); break;
	case SMMU_CR1:
		if (!(s->cr0 & CR0_IMPL))
			s->cr1 = v & CR1_FIELDS;
		break;
	case SMMU_CR2:
		if (!enabled)
			s->cr2 = v & CR2_FIELDS;
		break;
	case SMMU_GBPA:
		/* The update completes at once: Update reads back 0. */
		if (v & SMMU_GBPA_UPDATE)
			s->gbpa = v & GBPA_FIELDS;
		break;
	case SMMU_IRQ_CTRL:
		s->irq_ctrl = v & IRQ_CTRL_IMPL;
		smmu_lines_update(s);
		break;
	case SMMU_GERRORN: {
		bool was = smmu_gerror_active(s, SMMU_GERROR_CMDQ_ERR);
		s->gerrorn = v & GERROR_IMPL;
		smmu_lines_update(s);
		if (was && !smmu_gerror_active(s, SMMU_GERROR_CMDQ_ERR))
			smmu_cmdq_run(s);
		break;
	}
	case SMMU_STRTAB_BASE_CFG:
		if (!enabled)
			s->strtab_cfg = v & STRTAB_CFG_M;
		break;
	case SMMU_CMDQ_PROD:
		s->cmdq.prod = v & 0xfffffu;
		smmu_cmdq_run(s);
		break;
	case SMMU_CMDQ_CONS:
		if (!(s->cr0 & SMMU_CR0_CMDQEN)) {
			s->cmdq.cons = v & 0xfffffu;
			s->cmdq_err = (uint8_t)SMMU_FIELD(v, 30, 24);
		}
		break;
	case SMMU_EVENTQ_PROD:
		if (!(s->cr0 & SMMU_CR0_EVENTQEN)) {
			s->evtq.prod = v & 0xfffffu;
			s->evtq_ovflg = v & SMMU_EVTQ_OVFLG;
			smmu_lines_update(s);
		}
		break;
	case SMMU_EVENTQ_CONS:
		s->evtq.cons = v & 0xfffffu;
		s->evtq_ovackflg = v & SMMU_EVTQ_OVFLG;
		smmu_lines_update(s);
		break;
	}
}

static bool base_writable(const struct smmu *s, uint64_t reg)
{
	switch (reg) {
	case SMMU_STRTAB_BASE: return !(s->cr0 & SMMU_CR0_SMMUEN);
	case SMMU_CMDQ_BASE: return !(s->cr0 & SMMU_CR0_CMDQEN);
	default: return !(s->cr0 & SMMU_CR0_EVENTQEN);
	}
}

static uint64_t base_mask(uint64_t reg) { return reg == SMMU_STRTAB_BASE ? STRTAB_BASE_M : Q_BASE_M; }

enum smmu_status smmu_mmio_read(struct smmu *s, uint64_t off, unsigned size, uint64_t *val)
{
	*val = 0;
	if (off >= SMMU_MMIO_SIZE)
		return SMMU_BAD_OFFSET;
	if (size != 4 && size != 8)
		return SMMU_BAD_SIZE;
	if (off & (size - 1))
		return SMMU_BAD_ALIGN;
	uint64_t *r = reg64(s, off);
	if (r) {
		*val = size == 8 ? *r : (uint32_t)(*r >> (8 * (off & 4)));
		return SMMU_OK;
	}
	if (size == 8)
		return SMMU_BAD_SIZE;
	*val = read32(s, off);
	return SMMU_OK;
}

enum smmu_status smmu_mmio_write(struct smmu *s, uint64_t off, unsigned size, uint64_t val)
{
	if (off >= SMMU_MMIO_SIZE)
		return SMMU_BAD_OFFSET;
	if (size != 4 && size != 8)
		return SMMU_BAD_SIZE;
	if (off & (size - 1))
		return SMMU_BAD_ALIGN;
	uint64_t *r = reg64(s, off);
	if (r) {
		uint64_t reg = off & ~7ull;
		if (!base_writable(s, reg))
			return SMMU_OK;
		uint64_t v = val;
		if (size == 4) {
			unsigned sh = 8 * (unsigned)(off & 4);
			v = (*r & ~(0xffffffffull << sh)) | (val & 0xffffffffull) << sh;
		}
		*r = v & base_mask(reg);
		return SMMU_OK;
	}
	if (size == 8)
		return SMMU_BAD_SIZE;
	write32(s, off, (uint32_t)val);
	return SMMU_OK;
}
