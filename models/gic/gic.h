/* A register-level model of the Arm Generic Interrupt Controller, GICv3 (IHI 0069) or GICv2 (IHI 0048):
 * distributor, redistributors or banked CPU interfaces, and the virtual CPU interface with its list registers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GIC_MAX_CPUS    16u  /* v2 architecturally allows 8; v3 is capped here for the sim */
#define GIC_MAX_SPIS    960u /* a multiple of 32 with every INTID below 1020 */
#define GIC_MAX_LRS     16u
#define GIC_NR_SGI      16u
#define GIC_NR_PRIV     32u /* SGIs and PPIs, banked per CPU */
#define GIC_SPURIOUS    1023u
#define GIC_MAINT_INTID 25u /* the maintenance PPI the model raises itself (ICH_MISR_EL2 / GICH_MISR) */

/* Frame sizes: an access at or past a frame's size is GIC_BAD_OFFSET. */
#define GIC_V3_GICD_SIZE 0x10000u
#define GIC_V3_RD_SIZE   0x10000u /* RD_base; SGI_base is the next 64 KiB of each redistributor */
#define GIC_V3_SGI_SIZE  0x10000u
#define GIC_V2_GICD_SIZE 0x1000u
#define GIC_V2_GICC_SIZE 0x2000u /* GICC_DIR is at 0x1000 */
#define GIC_V2_GICH_SIZE 0x1000u /* the per-CPU view of the virtual interface control */
#define GIC_V2_GICV_SIZE 0x2000u /* GICV_DIR is at 0x1000 */

enum gic_version {
	GIC_V2 = 2,
	GIC_V3 = 3,
};

enum gic_status {
	GIC_OK,         /* done; also for reserved, RAZ/WI and write-only/read-only-ignored locations */
	GIC_BAD_SIZE,   /* an access width the location does not accept */
	GIC_BAD_ALIGN,  /* not aligned to its own width */
	GIC_BAD_OFFSET, /* past the frame's size */
	GIC_BAD_FRAME,  /* a frame this GIC version does not have, or a CPU past the model's */
	GIC_UNDEFINED,  /* a system register that is not implemented, not accessible at that EL, or the
			   wrong direction (MRS of a write-only one): the instruction is UNDEFINED */
	GIC_TRAP_EL2,   /* an EL1 access that traps to EL2 (ICC_SGI*R_EL1 while gic_set_virtual is on) */
};

enum gic_frame {
	GIC_FRAME_GICD,     /* v2 and v3: the distributor (cpu selects the banked SGI/PPI view on v2) */
	GIC_FRAME_GICR_RD,  /* v3: RD_base of redistributor @cpu */
	GIC_FRAME_GICR_SGI, /* v3: SGI_base of redistributor @cpu */
	GIC_FRAME_GICC,     /* v2: CPU interface, as CPU @cpu sees it */
	GIC_FRAME_GICH,     /* v2: virtual interface control, CPU @cpu's */
	GIC_FRAME_GICV,     /* v2: virtual CPU interface of CPU @cpu, as its running guest sees it */
};

/*
 * System registers of the CPU interface (ICC_*), of its virtual view (ICV_*, reached through the ICC_*
 * encodings from EL1 while gic_set_virtual is on), and the EL2 virtual interface control (ICH_*).
 * v3 only. Group 0 is usable too: GICD_CTLR.DS is 1 (a single security state).
 */
enum gic_sysreg {
	GIC_ICC_PMR_EL1,
	GIC_ICC_IAR0_EL1,
	GIC_ICC_EOIR0_EL1,
	GIC_ICC_HPPIR0_EL1,
	GIC_ICC_BPR0_EL1,
	GIC_ICC_AP0R0_EL1, /* ..AP0R3: consecutive */
	GIC_ICC_AP0R1_EL1,
	GIC_ICC_AP0R2_EL1,
	GIC_ICC_AP0R3_EL1,
	GIC_ICC_AP1R0_EL1, /* ..AP1R3: consecutive */
	GIC_ICC_AP1R1_EL1,
	GIC_ICC_AP1R2_EL1,
	GIC_ICC_AP1R3_EL1,
	GIC_ICC_DIR_EL1,
	GIC_ICC_RPR_EL1,
	GIC_ICC_SGI1R_EL1,
	GIC_ICC_ASGI1R_EL1,
	GIC_ICC_SGI0R_EL1,
	GIC_ICC_IAR1_EL1,
	GIC_ICC_EOIR1_EL1,
	GIC_ICC_HPPIR1_EL1,
	GIC_ICC_BPR1_EL1,
	GIC_ICC_CTLR_EL1,
	GIC_ICC_SRE_EL1,
	GIC_ICC_IGRPEN0_EL1,
	GIC_ICC_IGRPEN1_EL1,
	GIC_ICC_SRE_EL2,
	GIC_ICH_AP0R0_EL2, /* ..AP0R3: consecutive */
	GIC_ICH_AP0R1_EL2,
	GIC_ICH_AP0R2_EL2,
	GIC_ICH_AP0R3_EL2,
	GIC_ICH_AP1R0_EL2, /* ..AP1R3: consecutive */
	GIC_ICH_AP1R1_EL2,
	GIC_ICH_AP1R2_EL2,
	GIC_ICH_AP1R3_EL2,
	GIC_ICH_HCR_EL2,
	GIC_ICH_VTR_EL2,
	GIC_ICH_MISR_EL2,
	GIC_ICH_EISR_EL2,
	GIC_ICH_ELRSR_EL2,
	GIC_ICH_VMCR_EL2,
	GIC_ICH_LR0_EL2, /* ..LR15: consecutive */
	GIC_ICH_LR15_EL2 = GIC_ICH_LR0_EL2 + 15,
	GIC_SYSREG_COUNT,
	GIC_SYSREG_NONE = -1,
};

#define GIC_ICH_LR_EL2(n) ((enum gic_sysreg)(GIC_ICH_LR0_EL2 + (n)))

/* The register an MRS/MSR encoding (op0, op1, CRn, CRm, op2) names, or GIC_SYSREG_NONE. */
enum gic_sysreg gic_sysreg_decode(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2);

struct gic_config {
	enum gic_version version;
	unsigned ncpus;               /* 1..GIC_MAX_CPUS (v2: at most 8) */
	uint64_t mpidr[GIC_MAX_CPUS]; /* each CPU's MPIDR_EL1 (affinity for v3 routing and GICR_TYPER) */
	unsigned nr_spis;             /* a multiple of 32, at most GIC_MAX_SPIS */
	unsigned nr_lrs;              /* list registers, 1..GIC_MAX_LRS; 0 means 4 (as QEMU) */
	unsigned vprio_bits;          /* virtual priority bits, 5..8; 0 means 5 (as QEMU) */
};

/* The embedder's hook: called when CPU @cpu's IRQ, FIQ, virtual IRQ or virtual FIQ line may have changed
 * (the sim wakes a CPU in WFI or makes a running guest exit). It may read the lines but must not change
 * the model's state from inside. Optional. */
struct gic_ops {
	void (*lines_changed)(void *opaque, unsigned cpu);
	void *opaque;
};

struct gic;

/* A GIC at reset, or NULL for a configuration it cannot model (version, CPU count, SPI count, LRs,
 * priority bits out of range). */
struct gic *gic_create(const struct gic_config *cfg, const struct gic_ops *ops);
void gic_destroy(struct gic *g);

enum gic_version gic_version(const struct gic *g);
unsigned gic_ncpus(const struct gic *g);
/* The number of INTIDs the distributor implements (32 + nr_spis). */
unsigned gic_nr_irqs(const struct gic *g);

/* Memory-mapped accesses of @size bytes (1, 2, 4 or 8) at @off in @frame; @cpu is the accessing CPU
 * for banked frames (v2 GICD, GICC, GICH, GICV) and the redistributor for GICR frames. Reads of
 * locations that reject the access leave *@val 0. */
enum gic_status gic_mmio_read(struct gic *g, enum gic_frame frame, unsigned cpu, uint64_t off, unsigned size,
			      uint64_t *val);
enum gic_status gic_mmio_write(struct gic *g, enum gic_frame frame, unsigned cpu, uint64_t off, unsigned size,
			       uint64_t val);

/* MRS/MSR of @reg by CPU @cpu executing at @el (1 or 2). ICH_* and ICC_SRE_EL2 need el 2; ICC_* at EL1
 * go to the virtual CPU interface (ICV_*) while gic_set_virtual is on for @cpu. */
enum gic_status gic_sysreg_read(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg reg, uint64_t *val);
enum gic_status gic_sysreg_write(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg reg, uint64_t val);

/* HCR_EL2.{IMO,FMO} of @cpu while a guest runs: its EL1 ICC_* accesses are virtual (v3). */
void gic_set_virtual(struct gic *g, unsigned cpu, bool on);
bool gic_virtual(const struct gic *g, unsigned cpu);

/* Input lines. @intid is a PPI (16..31, of CPU @cpu) or an SPI (32.., @cpu ignored); anything else is
 * ignored. A level-sensitive interrupt is pending while its line is high; an edge-triggered one becomes
 * pending on a rising edge. gic_pulse raises and lowers the line at once (an edge, or a message). */
void gic_set_line(struct gic *g, unsigned cpu, unsigned intid, bool level);
void gic_pulse(struct gic *g, unsigned cpu, unsigned intid);

/* Outputs of CPU @cpu: the physical IRQ (group 1) and FIQ (group 0) lines, asserted while the
 * highest-priority pending enabled interrupt of an enabled group beats the priority mask and the running
 * priority; the virtual IRQ/FIQ lines, the same from the list registers, ICH_VMCR and the virtual APRs
 * (never while ICH_HCR.En is 0). */
bool gic_irq_line(const struct gic *g, unsigned cpu);
bool gic_fiq_line(const struct gic *g, unsigned cpu);
bool gic_virq_line(const struct gic *g, unsigned cpu);
bool gic_vfiq_line(const struct gic *g, unsigned cpu);

/* Inspection, for tests and debugging: @intid's state as seen by CPU @cpu (SGIs/PPIs are banked). */
bool gic_irq_is_pending(const struct gic *g, unsigned cpu, unsigned intid);
bool gic_irq_is_active(const struct gic *g, unsigned cpu, unsigned intid);
