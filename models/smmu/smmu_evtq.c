/* The event queue (records written at PROD, overflow flagged when full), global errors, and the
 * interrupt lines derived from them. */
#include "models/smmu/smmu_internal.h"

static const uint32_t gerror_impl = SMMU_GERROR_CMDQ_ERR | SMMU_GERROR_EVENTQ_ABT_ERR;

bool smmu_gerror_active(const struct smmu *s, uint32_t bit) { return ((s->gerror ^ s->gerrorn) & bit) != 0; }

/* A global error is signalled by toggling its GERROR bit away from GERRORN; one already active
 * stays as it is until software acknowledges it. */
void smmu_gerror_raise(struct smmu *s, uint32_t bit)
{
	if (!smmu_gerror_active(s, bit))
		s->gerror ^= bit;
	smmu_lines_update(s);
}

static void set_line(struct smmu *s, enum smmu_irq line, bool level)
{
	if (s->line[line] == level)
		return;
	s->line[line] = level;
	if (s->ops.irq)
		s->ops.irq(s->ops.opaque, line, level);
}

void smmu_lines_update(struct smmu *s)
{
	bool evtq =
	    (s->irq_ctrl & SMMU_IRQ_CTRL_EVENTQ_IRQEN) && (s->cr0 & SMMU_CR0_EVENTQEN) && !smmu_q_empty(&s->evtq);
	bool gerr = (s->irq_ctrl & SMMU_IRQ_CTRL_GERROR_IRQEN) && smmu_gerror_active(s, gerror_impl);

	set_line(s, SMMU_IRQ_EVENTQ, evtq);
	set_line(s, SMMU_IRQ_GERROR, gerr);
}

void smmu_irq_pulse(struct smmu *s, enum smmu_irq line)
{
	set_line(s, line, true);
	set_line(s, line, false);
}

void smmu_event_record(struct smmu *s, const uint64_t rec[4], bool *recorded)
{
	uint8_t buf[32];

	*recorded = false;
	s->stats.events++;
	/* A disabled queue, or one whose last write aborted, discards events. */
	if (!(s->cr0 & SMMU_CR0_EVENTQEN) || smmu_gerror_active(s, SMMU_GERROR_EVENTQ_ABT_ERR)) {
		s->stats.events_lost++;
		return;
	}
	if (smmu_q_full(&s->evtq)) {
		/* The first loss since software last acknowledged (OVACKFLG == OVFLG) toggles OVFLG. */
		if (s->evtq_ovflg == s->evtq_ovackflg)
			s->evtq_ovflg = !s->evtq_ovflg;
		s->stats.events_lost++;
		return;
	}
	for (int i = 0; i < 4; i++)
		smmu_put_le64(buf + 8 * i, rec[i]);
	if (!s->mem.write(s->mem.ctx, smmu_q_addr(&s->evtq, s->evtq.prod, 32), buf, sizeof(buf))) {
		s->stats.events_lost++;
		smmu_gerror_raise(s, SMMU_GERROR_EVENTQ_ABT_ERR);
		return;
	}
	s->evtq.prod = smmu_q_inc(&s->evtq, s->evtq.prod);
	*recorded = true;
	smmu_lines_update(s);
}
