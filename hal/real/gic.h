/* The physical GIC under include/hal/gic.h: GICv3 through ICC_/ICH_ system registers and GICD/GICR
 * MMIO, GICv2 through GICD/GICC/GICH MMIO. gic.c picks one at boot; entry.S switches vCPUs' state. */
#pragma once

#include "hal/platform.h"
#include "arch.h"
#include "hal/vcpu.h"

/* Set once by gic_init, read by entry.S on every guest entry (non-zero: GICv2). */
extern uint32_t gic_v2;
/* The EL2 vector table for this GIC (vectors.S has one per version), for CPUs started later; 0
 * until gic_init. */
extern uint64_t gic_vbar;
/* ICH_VTR_EL2.ListRegs + 1 (or GICH_VTR's): entry.S clamps ctx.vgic.nr_lr to it. */
extern uint32_t gic_nr_lrs;
/* GICv2's GICH base, for entry.S. */
extern uint64_t gic_gich;

/* Records @plat (which outlives the HAL) and brings the distributor up; before hal_irq_cpu_init.
 * Returns the SPIs it implements (0 without a usable GIC). */
unsigned gic_init(const struct platform *plat);

/* SPIs of a distributor with @lines interrupt lines (GICD_TYPER): INTIDs 1020-1023 are special. */
static inline unsigned gic_spis(unsigned lines) { return (lines > 1020 ? 1020 : lines) - 32; }

/* True once hal_irq_cpu_init ran on pCPU @cpu: kicks become SGIs and idling a WFI. */
bool gic_cpu_ready(unsigned cpu);

/* The pieces of hal_vcpu_enter that live in C on GICv2 (GICH is MMIO): entry.S calls them when
 * list registers are in use (they load and save LRs, HCR and the status registers), vcpu.c with the
 * rest of the lazily switched state (VMCR, APR). */
void gicv2_vcpu_load(const struct hal_vcpu_ctx *ctx);
void gicv2_vcpu_save(struct hal_vcpu_ctx *ctx);
void gicv2_vcpu_load_lazy(const struct hal_vcpu_ctx *ctx);

/* No vCPU on this pCPU any more: virtual CPU interface off, every list register empty. */
void gic_vcpu_off(void);

/* Per-version drivers behind gic.c. */
unsigned gicv3_init(const struct platform *plat);
/* False when the tree has no redistributor for this CPU. */
bool gicv3_cpu_init(unsigned cpu, const struct platform *plat);
void gicv3_enable(uint32_t intid, bool on);
void gicv3_config_spi(uint32_t intid, bool edge, uint64_t mpidr);
void gicv3_send_sgi(uint64_t mpidr, unsigned sgi);
uint32_t gicv3_vtr(void);
void gicv3_vcpu_off(void);

unsigned gicv2_init(const struct platform *plat);
void gicv2_cpu_init(unsigned cpu);
uint32_t gicv2_ack(void);
void gicv2_eoi(uint32_t intid);
void gicv2_deactivate(uint32_t intid);
void gicv2_enable(uint32_t intid, bool on);
void gicv2_config_spi(uint32_t intid, bool edge, unsigned cpu);
void gicv2_send_sgi(unsigned cpu, unsigned sgi);
uint32_t gicv2_vtr(void);
void gicv2_vcpu_off(void);

/* The GICv3 CPU interface's three on the interrupt path, inline there. The DSB keeps the handler's
 * reads of device state after the acknowledgement; the ISBs make EOI and deactivation take effect
 * before the next instruction (re-enabling a source, returning to a guest). */
static inline uint32_t gicv3_ack(void)
{
	uint32_t intid = (uint32_t)sysreg_read(icc_iar1_el1) & 0xffffff;

	__asm__ volatile("dsb sy" ::: "memory");
	return intid;
}

static inline void gicv3_eoi(uint32_t intid)
{
	sysreg_write(icc_eoir1_el1, intid);
	__asm__ volatile("isb" ::: "memory");
}

static inline void gicv3_deactivate(uint32_t intid)
{
	sysreg_write(icc_dir_el1, intid);
	__asm__ volatile("isb" ::: "memory");
}

/* MMIO at the identity-mapped device addresses (mmu.c maps the GIC's frames). */
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)(uintptr_t)a; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)(uintptr_t)a = v; }
static inline void mmio_write8(uint64_t a, uint8_t v) { *(volatile uint8_t *)(uintptr_t)a = v; }
