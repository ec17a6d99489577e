/* The physical GIC as the core drives it: interrupts taken at EL2, SGIs between pCPUs, and the
 * virtual CPU interface's list registers in one encoding (ICH_LR_EL2's) for GICv2 and GICv3 alike. */
#pragma once

#include "hal/types.h"

#define HAL_IRQ_SPURIOUS 1023u
#define HAL_IRQ_NR_SGI   16u
#define HAL_IRQ_NR_PRIV  32u /* SGIs and PPIs: banked per pCPU */

/* The SGI the HAL itself uses for hal_cpu_kick; the core sees it acknowledged like any other. */
#define HAL_SGI_KICK 0u

/*
 * List registers in ICH_LR_EL2's layout, whatever the GIC: the GICv2 HAL converts to and from
 * GICH_LR (5 priority bits, 10-bit INTIDs) when it loads and saves them.
 */
#define HAL_LR_VINTID_MASK  0xffffffffull /* [31:0] */
#define HAL_LR_PINTID_SHIFT 32            /* [44:32], HW == 1 */
#define HAL_LR_PINTID_MASK  (0x1fffull << 32)
#define HAL_LR_EOI          (1ull << 41) /* HW == 0: maintenance interrupt on EOI */
#define HAL_LR_PRIO_SHIFT   48           /* [55:48] */
#define HAL_LR_PRIO_MASK    (0xffull << 48)
#define HAL_LR_GROUP1       (1ull << 60)
#define HAL_LR_HW           (1ull << 61)
#define HAL_LR_STATE_SHIFT  62 /* [63:62] */
#define HAL_LR_STATE_MASK   (3ull << 62)
#define HAL_LR_PENDING      (1ull << 62)
#define HAL_LR_ACTIVE       (2ull << 62)

/* ICH_HCR_EL2 bits the core sets (GICH_HCR has the same ones at the same places). */
#define HAL_VGIC_HCR_EN             (1u << 0)
#define HAL_VGIC_HCR_UIE            (1u << 1) /* maintenance when at most one LR is valid */
#define HAL_VGIC_HCR_LRENPIE        (1u << 2) /* ... when EOIcount is non-zero */
#define HAL_VGIC_HCR_NPIE           (1u << 3) /* ... when no LR is pending */
#define HAL_VGIC_HCR_EOICOUNT_SHIFT 27

/* ICH_MISR_EL2 (== GICH_MISR) bits. */
#define HAL_VGIC_MISR_EOI   (1u << 0)
#define HAL_VGIC_MISR_U     (1u << 1)
#define HAL_VGIC_MISR_LRENP (1u << 2)
#define HAL_VGIC_MISR_NP    (1u << 3)

#define HAL_VGIC_MAX_LRS 16u

/*
 * A vCPU's virtual CPU interface, part of its hal_vcpu_ctx. hal_vcpu_enter loads lr[0..nr_lr) (the
 * rest are loaded invalid), hcr, vmcr and apr, and on the exit saves them back with the status
 * registers. vmcr is in ICH_VMCR_EL2's layout (VPMR in [31:24]); apr[] are ICH_AP1R<n>_EL2 (group 1
 * is all a guest gets), GICH_APR being apr[0] on GICv2.
 */
struct hal_vgic_cpu {
	uint64_t lr[HAL_VGIC_MAX_LRS];
	uint32_t hcr;
	uint32_t vmcr;
	uint32_t apr[4];
	unsigned nr_lr; /* the core's high-water mark: LRs at or past it are invalid */
	/* Saved at exit, read-only for the core: */
	uint32_t misr;
	uint32_t eisr;  /* bit n: LR n is invalid after an EOI that asked for maintenance */
	uint32_t elrsr; /* bit n: LR n is empty (state 0 and not HW-active) */
};

/* The number of list registers this GIC has (ICH_VTR_EL2.ListRegs + 1, or GICH_VTR's). */
unsigned hal_vgic_lrs(void);

/* Priority bits the virtual CPU interface implements (ICH_VTR_EL2.PRIbits + 1; 5 on GICv2). */
unsigned hal_vgic_prio_bits(void);

/* Per-pCPU interface bring-up: CPU interface / redistributor on, priority mask open, EOImode 1
 * (priority drop and deactivation split, so a forwarded interrupt stays active until the guest
 * deactivates it through a HW list register), the maintenance and kick interrupts enabled, the
 * virtual interface enabled for guests. Called by every pCPU before it runs vCPUs. */
void hal_irq_cpu_init(void);

/* Acknowledges the highest-priority pending physical interrupt: its INTID, or HAL_IRQ_SPURIOUS. */
uint32_t hal_irq_ack(void);

/* Priority drop (EOI with EOImode 1). Every acknowledged INTID gets exactly one. */
void hal_irq_eoi(uint32_t intid);

/* Deactivation, for an interrupt the hypervisor handled itself (not forwarded through a HW LR). */
void hal_irq_deactivate(uint32_t intid);

/* Enables or disables @intid (a PPI on this pCPU, or an SPI). */
void hal_irq_enable(uint32_t intid, bool on);

/* SPI configuration: level (false) or edge (true) triggered, delivered to pCPU @cpu. */
void hal_irq_config_spi(uint32_t intid, bool edge, unsigned cpu);

/* Sends SGI @sgi to pCPU @cpu. */
void hal_irq_send_sgi(unsigned cpu, unsigned sgi);
