/* The command queue: consumes commands from CONS up to PROD while CMDQEN and no CMDQ_ERR is active;
 * a command it cannot execute stops the queue at that command with CONS.ERR and GERROR.CMDQ_ERR. */
#include "models/smmu/smmu_internal.h"

/* Executes one command; returns SMMU_CERROR_NONE or the error that stops the queue. */
static unsigned exec(struct smmu *s, uint64_t d0, uint64_t d1)
{
	uint32_t sid = (uint32_t)(d0 >> 32);
	uint16_t vmid = (uint16_t)SMMU_FIELD(d0, 47, 32);

	switch (d0 & 0xff) {
	case SMMU_CMD_PREFETCH_CONFIG:
	case SMMU_CMD_PREFETCH_ADDR: return SMMU_CERROR_NONE; /* hints */
	case SMMU_CMD_CFGI_STE: smmu_ste_inval(s, sid, 1); return SMMU_CERROR_NONE;
	case SMMU_CMD_CFGI_STE_RANGE: {
		/* Range n covers the 2^(n+1) StreamIDs aligned around SID; 31 is CMD_CFGI_ALL. */
		unsigned range = (unsigned)(d1 & 0x1f);
		if (range == 31) {
			smmu_ste_inval(s, 0, 0);
		} else {
			uint32_t n = 2u << range; /* at most 2^31 */
			smmu_ste_inval(s, sid & ~(n - 1), n);
		}
		return SMMU_CERROR_NONE;
	}
	case SMMU_CMD_CFGI_CD:
	case SMMU_CMD_CFGI_CD_ALL:
	case SMMU_CMD_TLBI_NH_ALL:
	case SMMU_CMD_TLBI_NH_ASID:
	case SMMU_CMD_TLBI_NH_VA:
	case SMMU_CMD_TLBI_NH_VAA:
		/* Stage-1 structures and entries: none exist (S1P=0); stage-2 entries are not theirs. */
		return SMMU_CERROR_NONE;
	case SMMU_CMD_TLBI_S12_VMALL: smmu_tlb_inval(s, false, vmid, false, 0); return SMMU_CERROR_NONE;
	case SMMU_CMD_TLBI_S2_IPA:
		/* IDR3.RIL=0: NUM/SCALE are ignored; no walk caching, so Leaf changes nothing. */
		smmu_tlb_inval(s, false, vmid, true, d1 & SMMU_MASK(51, 12));
		return SMMU_CERROR_NONE;
	case SMMU_CMD_TLBI_NSNH_ALL: smmu_tlb_inval(s, true, 0, false, 0); return SMMU_CERROR_NONE;
	case SMMU_CMD_RESUME:
	case SMMU_CMD_STALL_TERM: return SMMU_CERROR_NONE; /* nothing ever stalls (STALL_MODEL 0b01) */
	case SMMU_CMD_SYNC:
		/* Every earlier command has completed already: signal at once. */
		switch (SMMU_FIELD(d0, 13, 12)) {
		case SMMU_SYNC_CS_NONE: break;
		case SMMU_SYNC_CS_IRQ: smmu_irq_pulse(s, SMMU_IRQ_CMD_SYNC); break;
		case SMMU_SYNC_CS_SEV:
			if (s->ops.sev)
				s->ops.sev(s->ops.opaque);
			break;
		default: return SMMU_CERROR_ILL;
		}
		return SMMU_CERROR_NONE;
	default:
		/* Reserved opcodes, and commands for what is not implemented: EL2 and EL3 TLBIs (no HYP,
		 * no Secure), ATC_INV (no ATS), PRI_RESP (no PRI), the v3.2+ configuration ones. */
		return SMMU_CERROR_ILL;
	}
}

void smmu_cmdq_run(struct smmu *s)
{
	struct smmu_queue *q = &s->cmdq;

	if (!(s->cr0 & SMMU_CR0_CMDQEN) || smmu_gerror_active(s, SMMU_GERROR_CMDQ_ERR))
		return;
	while (!smmu_q_empty(q)) {
		uint8_t b[16];
		unsigned err;
		if (!s->mem.read(s->mem.ctx, smmu_q_addr(q, q->cons, 16), b, sizeof(b)))
			err = SMMU_CERROR_ABT;
		else
			err = exec(s, smmu_le64(b), smmu_le64(b + 8));
		if (err != SMMU_CERROR_NONE) {
			/* CONS stays at the failing command: software fixes it and acknowledges. */
			s->cmdq_err = (uint8_t)err;
			smmu_gerror_raise(s, SMMU_GERROR_CMDQ_ERR);
			return;
		}
		s->stats.commands++;
		q->cons = smmu_q_inc(q, q->cons);
	}
}
