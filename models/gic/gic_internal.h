/* The GIC model's shared state and the entry points its files call in one another: one interrupt state
 * machine (gic_irq.c) under the register decoders of both versions. */
#pragma once

#include "gic.h"

#define GIC_MAX_IRQS (GIC_NR_PRIV + GIC_MAX_SPIS)

/* Physical priority bits (ICC_CTLR_EL1.PRIbits + 1), as GIC-400 and QEMU's GICv2: 32 levels, every
 * one a preemption level, so the active priorities fit in one 32-bit APR per group. */
#define GIC_PRI_BITS  5u
#define GIC_PRI_MASK  ((uint8_t)(0xffu << (8 - GIC_PRI_BITS)))
#define GIC_IDLE_PRIO 0xffu

/* ICH_VMCR_EL2 == GICH_VMCR (VPMR's unimplemented low bits are RAZ in both). */
#define VMCR_VENG0       (1u << 0)
#define VMCR_VENG1       (1u << 1)
#define VMCR_VACKCTL     (1u << 2)
#define VMCR_VFIQEN      (1u << 3)
#define VMCR_VCBPR       (1u << 4)
#define VMCR_VEOIM       (1u << 9)
#define VMCR_VBPR1_SHIFT 18
#define VMCR_VBPR0_SHIFT 21
#define VMCR_VPMR_SHIFT  24

/* ICH_HCR_EL2 == GICH_HCR */
#define HCR_EN             (1u << 0)
#define HCR_UIE            (1u << 1)
#define HCR_LRENPIE        (1u << 2)
#define HCR_NPIE           (1u << 3)
#define HCR_VGRP0EIE       (1u << 4)
#define HCR_VGRP0DIE       (1u << 5)
#define HCR_VGRP1EIE       (1u << 6)
#define HCR_VGRP1DIE       (1u << 7)
#define HCR_EOICOUNT_SHIFT 27
#define HCR_WRITABLE       (0xffu | (0x1fu << HCR_EOICOUNT_SHIFT))

/* ICH_MISR_EL2 == GICH_MISR */
#define MISR_EOI    (1u << 0)
#define MISR_U      (1u << 1)
#define MISR_LRENP  (1u << 2)
#define MISR_NP     (1u << 3)
#define MISR_VGRP0E (1u << 4)
#define MISR_VGRP0D (1u << 5)
#define MISR_VGRP1E (1u << 6)
#define MISR_VGRP1D (1u << 7)

/* ICH_LR_EL2 (the model's one LR format; GICH_LR is converted at the GICH frame). */
#define LR_VINTID_MASK  0xffffffffull
#define LR_PINTID_SHIFT 32
#define LR_PINTID_MASK  (0x1fffull << 32)
#define LR_EOI          (1ull << 41)
#define LR_PRIO_SHIFT   48
#define LR_GROUP1       (1ull << 60)
#define LR_HW           (1ull << 61)
#define LR_STATE_SHIFT  62
#define LR_PENDING      (1ull << 62)
#define LR_ACTIVE       (2ull << 62)
#define LR_STATE_MASK   (3ull << 62)
#define LR_RES0         (7ull << 45 | 0xfull << 56) /* [47:45] and [59:56] */

/* One interrupt as one CPU's view sees it: SGIs and PPIs have one per CPU, SPIs one for all. */
struct gic_irq {
	uint8_t prio;
	uint8_t targets; /* v2 ITARGETSR byte (SPIs) */
	bool enabled;
	bool group1;
	bool edge;  /* ICFGR: edge-triggered */
	bool line;  /* the input's level */
	bool latch; /* pending set by an edge, a write or an SGI: cleared by acknowledge or ICPENDR */
	bool active;
	uint8_t active_src; /* v2 SGIs: the source CPU of the active one */
	uint16_t sgi_src;   /* v2 SGIs: a pending bit per source CPU (the latch of SGIs on v2) */
	uint64_t route;     /* v3 GICD_IROUTER (SPIs) */
};

struct gic_vcpuif {
	uint64_t lr[GIC_MAX_LRS];
	uint32_t hcr, vmcr;
	uint32_t ap[2][4]; /* ICH_AP0R<n>, ICH_AP1R<n>; GICH_APR is ap[1][0] */
};

struct gic_cpu {
	uint64_t mpidr;
	struct gic_irq priv[GIC_NR_PRIV];
	/* CPU interface */
	uint32_t ctlr; /* ICC_CTLR_EL1 CBPR/EOImode (v3) or GICC_CTLR (v2), as written */
	uint8_t pmr;
	uint8_t bpr[2];   /* ICC_BPR0/BPR1 (GICC_BPR / GICC_ABPR) */
	bool grpen[2];    /* ICC_IGRPEN0/1 (v2: GICC_CTLR EnableGrp0/1) */
	uint32_t ap[2];   /* active priorities, a bit per preemption level; v2 uses ap[0] for both groups */
	bool waker_sleep; /* v3 GICR_WAKER.ProcessorSleep: the redistributor forwards nothing while set */
	bool virt;        /* EL1 ICC_* accesses are virtual */
	struct gic_vcpuif v;
	bool lines[4]; /* last IRQ, FIQ, vIRQ, vFIQ reported */
	bool maint;    /* the maintenance PPI's level */
};

struct gic {
	enum gic_version version;
	unsigned ncpus, nr_irqs, nr_lrs, vpri_bits;
	struct gic_ops ops;
	uint32_t dctlr;      /* GICD_CTLR: EnableGrp0 [0], EnableGrp1 [1] */
	uint32_t phys_dirty; /* CPUs whose physical lines may have moved: only they are rescanned */
	uint32_t virt_dirty; /* CPUs whose virtual interface was accessed */
	/* SPIs that are enabled, pending and not active: the only ones gic_hppi has to look at. */
	uint64_t spi_live[GIC_MAX_SPIS / 64 + 1];
	struct gic_irq spi[GIC_MAX_SPIS];
	struct gic_cpu cpu[GIC_MAX_CPUS];
};

enum { GIC_LINE_IRQ, GIC_LINE_FIQ, GIC_LINE_VIRQ, GIC_LINE_VFIQ };

/* gic.c */
void gic_update(struct gic *g);
/* @intid's state changed, as @cpu sees it: the CPUs it can be signalled to rescan. Every change to an
 * interrupt's enable, pending or active state must end here. */
void gic_dirty(struct gic *g, unsigned cpu, unsigned intid);
void gic_dirty_all(struct gic *g);

/* gic_irq.c: the state machine. @cpu is the viewing CPU (its bank of SGIs and PPIs). */
struct gic_irq *gic_irq(struct gic *g, unsigned cpu, unsigned intid);
const struct gic_irq *gic_irq_c(const struct gic *g, unsigned cpu, unsigned intid);
bool gic_irq_pending(const struct gic_irq *irq);
void gic_irq_set_pending(struct gic *g, unsigned cpu, unsigned intid, bool on);
void gic_irq_set_line(struct gic *g, unsigned cpu, unsigned intid, bool level);
bool gic_irq_targets(const struct gic *g, unsigned cpu, unsigned intid);
/* The highest-priority pending, enabled interrupt of an enabled group that CPU @cpu may take, or
 * GIC_SPURIOUS; the lowest INTID wins a tie. */
unsigned gic_hppi(const struct gic *g, unsigned cpu);
/* Acknowledge: pending -> active (or active and pending). Returns the v2 SGI source CPU. */
unsigned gic_irq_activate(struct gic *g, unsigned cpu, unsigned intid);
void gic_irq_deactivate(struct gic *g, unsigned cpu, unsigned intid);
void gic_send_sgi(struct gic *g, unsigned src, unsigned dst, unsigned sgi, int group);
int gic_cpu_by_affinity(const struct gic *g, uint64_t aff); /* aff in IROUTER layout; -1 for none */
uint64_t gic_mpidr_aff(uint64_t mpidr);                     /* MPIDR affinity in IROUTER layout */

/* gic_dist.c / gic_redist.c */
enum gic_status gic_dist_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val);
enum gic_status gic_dist_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val);
enum gic_status gic_redist_read(struct gic *g, unsigned cpu, bool sgi, uint64_t off, unsigned size, uint64_t *val);
enum gic_status gic_redist_write(struct gic *g, unsigned cpu, bool sgi, uint64_t off, unsigned size, uint64_t val);
/* The interrupt-array registers GICD and GICR's SGI_base share (IGROUPR .. ICFGR, offsets 0x80..0xcff);
 * @redist: only the private interrupts' registers exist. */
enum gic_status gic_bank_read(struct gic *g, unsigned cpu, bool redist, uint64_t off, unsigned size, uint64_t *val);
enum gic_status gic_bank_write(struct gic *g, unsigned cpu, bool redist, uint64_t off, unsigned size, uint64_t val);
/* The CoreSight ID registers at the top of a frame (@top: the frame's last byte + 1). */
uint32_t gic_id_reg(const struct gic *g, uint64_t off, uint64_t top);

/* gic_cpuif.c: the physical CPU interface, shared by GICC and ICC_*. */
uint8_t gic_cpu_rpr(const struct gic *g, unsigned cpu);
uint8_t gic_cpu_gprio(const struct gic *g, unsigned cpu, uint8_t prio, bool group1);
bool gic_cpu_signals(const struct gic *g, unsigned cpu, unsigned intid);
uint32_t gic_cpu_ack(struct gic *g, unsigned cpu, int group); /* group -1: either (v2 IAR rules) */
uint32_t gic_cpu_hppir(const struct gic *g, unsigned cpu, int group);
void gic_cpu_eoi(struct gic *g, unsigned cpu, uint32_t val, int group);
void gic_cpu_dir(struct gic *g, unsigned cpu, uint32_t val);
bool gic_cpu_eoimode(const struct gic *g, unsigned cpu);
uint8_t gic_bpr_min(int group, unsigned prebits);
enum gic_status gic_icc_read(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t *val);
enum gic_status gic_icc_write(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t val);

/* gic_vcpuif.c and gic_sysreg.c: the virtual CPU interface, behind GICH/GICV and ICH_* and ICV_*. */
uint32_t gic_v_misr(const struct gic *g, unsigned cpu);
uint32_t gic_v_eisr(const struct gic *g, unsigned cpu);
uint32_t gic_v_elrsr(const struct gic *g, unsigned cpu);
bool gic_v_line(const struct gic *g, unsigned cpu, bool group1);
uint32_t gic_v_ack(struct gic *g, unsigned cpu, int group);
uint32_t gic_v_hppir(const struct gic *g, unsigned cpu, int group);
void gic_v_eoi(struct gic *g, unsigned cpu, uint32_t intid, int group);
void gic_v_dir(struct gic *g, unsigned cpu, uint32_t intid);
uint8_t gic_v_rpr(const struct gic *g, unsigned cpu);
void gic_v_write_lr(struct gic *g, unsigned cpu, unsigned n, uint64_t lr);
void gic_v_write_vmcr(struct gic *g, unsigned cpu, uint32_t vmcr);
uint32_t gic_v_vtr(const struct gic *g);
uint32_t gic_v_apr_mask(const struct gic *g, unsigned n);
enum gic_status gic_ich_read(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t *val);
enum gic_status gic_ich_write(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t val);
enum gic_status gic_icv_read(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t *val);
enum gic_status gic_icv_write(struct gic *g, unsigned cpu, enum gic_sysreg reg, uint64_t val);

/* gic_v2.c */
enum gic_status gic_gicc_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val);
enum gic_status gic_gicc_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val);
enum gic_status gic_gich_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val);
enum gic_status gic_gich_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val);
enum gic_status gic_gicv_read(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val);
enum gic_status gic_gicv_write(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t val);
