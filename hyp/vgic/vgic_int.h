/* The vGIC core's state and the operations both front ends share: per-interrupt state under its own
 * lock, each vCPU's list of interrupts it must see, and the register-bit logic of GICD/GICR. */
#pragma once

#include "core/spinlock.h"
#include "vgic/vgic.h"

#define VGIC_NO_TARGET 0xffu

/* Writes a guest made to an interrupt sitting in a running vCPU's LR: vgic_sync honours them when
 * it folds that LR back, since the LR (not the software state) is what the guest's GIC holds. */
#define VGIC_INTENT_CLR_PEND (1u << 0)
#define VGIC_INTENT_CLR_ACT  (1u << 1)
#define VGIC_INTENT_SET_ACT  (1u << 2)

/*
 * Lock order: dist->lock, then a vgic_cpu's lock, then an irq's lock. An irq is on at most one
 * vCPU's list (its owner); only the owner's flush/sync takes it off, anyone may put it on.
 */
struct vgic_irq {
	spinlock_t lock;
	struct vgic_irq *next, *prev; /* on owner's list */
	struct vgic_cpu *owner;
	uint16_t intid;
	uint16_t pintid; /* physical SPI it is linked to (HW list registers), 0 for none */
	uint8_t prio;    /* truncated to the implemented bits */
	uint8_t target;  /* the vCPU the routing names; VGIC_NO_TARGET when none exists */
	uint8_t targets; /* v2 GICD_ITARGETSR byte */
	uint8_t sgi_src; /* v2 SGIs: the source CPUs it is pending from */
	uint8_t act_src; /* v2 SGIs: the source of the active instance */
	int8_t lr;       /* the LR the last flush put it in, or -1 */
	uint8_t intent;  /* VGIC_INTENT_* */
	bool enabled;
	bool latch;    /* edge seen, or pending set by software (ISPENDR) */
	bool lr_latch; /* level: the LR's pending state is the latch flush took (it comes back if unused) */
	bool level;    /* the input line, for level-sensitive interrupts */
	bool active;
	bool edge;
	bool group1;
	uint64_t irouter; /* v3 GICD_IROUTER */
};

struct vgic_cpu {
	spinlock_t lock;
	unsigned nr_listed; /* read without the lock by the fast paths */
	struct vgic_irq *head;
	struct vgic_irq *lr_irq[HAL_VGIC_MAX_LRS]; /* what each of ctx.vgic.lr[0..nr_lr) holds */
	uint64_t lr_sent[HAL_VGIC_MAX_LRS];        /* and the value flush wrote there */
	struct vcpu *v;
	bool asleep; /* v3 GICR_WAKER.ProcessorSleep */
	struct vgic_irq priv[VGIC_PRIV_IRQS];
};

struct vgic_dist {
	spinlock_t lock; /* CTLR and routing */
	struct vgic_config cfg;
	uint32_t ctlr;     /* EnableGrp0 [0], EnableGrp1 [1]; read without the lock */
	uint8_t prio_mask; /* the priority bits the virtual CPU interface implements */
	unsigned nr_lrs;
	struct vgic_irq spi[];
};

#define VGIC_CTLR_GRP0 (1u << 0)
#define VGIC_CTLR_GRP1 (1u << 1)

static inline bool vgic_is_v2(const struct domain *d) { return d->vgic->cfg.version == 2; }

/* The irq @intid names for @v (SGIs/PPIs are @v's own), or NULL if the domain has none. */
struct vgic_irq *vgic_irq(struct domain *d, struct vcpu *v, uint32_t intid);

static inline bool vgic_v2_sgi(const struct domain *d, const struct vgic_irq *irq)
{
	return irq->intid < HAL_IRQ_NR_SGI && vgic_is_v2(d);
}

/* Inline: every list walk asks these of every interrupt on it. */
static inline bool vgic_irq_pending(const struct domain *d, const struct vgic_irq *irq)
{
	if (vgic_v2_sgi(d, irq))
		return irq->sgi_src != 0;
	return irq->latch || (!irq->edge && irq->level);
}

/* Pending, enabled and its group enabled in GICD_CTLR: the guest should see it pending. */
static inline bool vgic_deliverable(const struct domain *d, const struct vgic_irq *irq)
{
	uint32_t ctlr = __atomic_load_n(&d->vgic->ctlr, __ATOMIC_RELAXED);
	bool grp = ctlr & (irq->group1 ? VGIC_CTLR_GRP1 : VGIC_CTLR_GRP0);
	return grp && irq->enabled && vgic_irq_pending(d, irq);
}
/* Takes @irq off @c's list (c->lock and irq->lock held). */
void vgic_unlink(struct vgic_cpu *c, struct vgic_irq *irq);

/* @irq's state changed (irq->lock held; released here): put it on its target's list if it now
 * has something to deliver, and make that vCPU look (unless it is @self, already in the hypervisor). */
void vgic_queue(struct domain *d, struct vgic_irq *irq, struct vcpu *self);

/* Reads @v's loaded LRs back into their interrupts and leaves none loaded; LRs the ctx lost (a
 * reset cleared it) count as the guest left them untouched. v->vgic->lock held. */
void vgic_lrs_fold(struct vcpu *v);

/* Routing: recomputes irq->target from ITARGETSR/IROUTER. dist->lock and irq->lock held. */
void vgic_route(struct domain *d, struct vgic_irq *irq);

/* A vCPU by MPIDR affinity (Aff3.Aff2.Aff1.Aff0 as in IROUTER/GICR_TYPER), or NULL. */
struct vcpu *vgic_vcpu_by_aff(struct domain *d, uint64_t aff);

/* Makes SGI @sgi pending on @t from @src (v2 source CPU number; ignored on v3). */
void vgic_send_sgi(struct vcpu *src, struct vcpu *t, unsigned sgi);

/*
 * The register-bit logic both front ends decode onto. @bank is the vCPU whose SGIs and PPIs the
 * INTIDs below 32 name (the accessor on GICv2, the frame's owner on a GICv3 redistributor), @self
 * the accessing vCPU, @first the INTID of bit/byte 0. INTIDs the domain lacks read 0, ignore writes.
 */
enum vgic_bits {
	VGIC_GROUP,
	VGIC_ENABLE,
	VGIC_PEND,
	VGIC_ACTIVE,
};
uint32_t vgic_bits_read(struct vcpu *bank, enum vgic_bits what, uint32_t first);
/* ISxxxR (@set) and ICxxxR: each bit set in @bits sets or clears; GROUP takes @bits as they are. */
void vgic_bits_write(struct vcpu *self, struct vcpu *bank, enum vgic_bits what, uint32_t first, uint32_t bits,
		     bool set);
uint64_t vgic_prio_read(struct vcpu *bank, uint32_t first, unsigned n);
void vgic_prio_write(struct vcpu *bank, uint32_t first, unsigned n, uint64_t val);
uint32_t vgic_cfg_read(struct vcpu *bank, uint32_t first);
void vgic_cfg_write(struct vcpu *bank, uint32_t first, uint32_t val);
/* GICD_CTLR's group enables (EnableGrp0 [0], EnableGrp1 [1]). */
void vgic_ctlr_write(struct vcpu *self, uint32_t grp);

/* The registers GICD and a GICv3 GICR SGI_base frame share (IGROUPR, IS/ICENABLER, IS/ICPENDR,
 * IS/ICACTIVER at 0x080-0x3ff, IPRIORITYR at 0x400, ICFGR at 0xc00), for INTIDs in [@lo, @hi);
 * the others there are RAZ/WI. 0 done, -1 a size the register does not take, 1 not one of them. */
int vgic_common_access(struct vcpu *self, struct vcpu *bank, uint64_t off, unsigned size, bool write, uint64_t *val,
		       uint32_t lo, uint32_t hi);
/* Read-as-zero, writes ignored. */
void vgic_raz(bool write, uint64_t *val);

/* The front ends: register their frames with the MMIO dispatch. */
int vgic_v2_init(struct domain *d);
int vgic_v3_init(struct domain *d);

/* ID registers both front ends show at the end of their frames (PIDR4..7, PIDR0..3, CIDR0..3). */
uint32_t vgic_id_reg(unsigned version, uint32_t off4k);
