/* The virtual GIC: one distributor model per domain and private interrupts per vCPU, fed into the
 * list registers in priority order; GICv2 and GICv3 front ends decode guest MMIO onto that one core. */
#pragma once

#include "dom/domain.h"

#define VGIC_MAX_INTID 1020u /* SPIs end below the special INTIDs */
#define VGIC_MAX_SPIS  (VGIC_MAX_INTID - 32u)
#define VGIC_PRIV_IRQS 32u /* SGIs 0-15, PPIs 16-31: banked per vCPU */

/* What a domain's guest sees: the front end and where it lives in the guest's IPA space. */
struct vgic_config {
	unsigned version; /* 2 or 3 */
	unsigned nr_spis; /* a multiple of 32, at most 988: GICD_TYPER.ITLinesNumber follows */
	ipa_t dist;       /* GICD: 4 KiB on v2, 64 KiB on v3 */
	ipa_t redist;     /* v3: GICR frames (RD_base + SGI_base, 128 KiB) for vCPU 0, 1, ... in order */
	ipa_t cpuif;      /* v2: the guest's GICC, where the core maps the host's GICV frame */
};

/* Builds @d's distributor and every vCPU's private state for d->nr_vcpus vCPUs, and registers the
 * emulated frames with the MMIO dispatch (traps/mmio.h). Returns 0, -XEN_EINVAL or -XEN_ENOMEM. */
int vgic_domain_init(struct domain *d, const struct vgic_config *cfg);

/* Frees what vgic_domain_init allocated; no vCPU of @d runs. */
void vgic_domain_destroy(struct domain *d);

/* Puts @v's private interrupts and its virtual CPU interface (ctx.vgic: HCR.En, VMCR, no LRs) in
 * their reset state; called by vcpu_reset after it cleared the ctx. */
void vgic_vcpu_reset(struct vcpu *v);

/*
 * Injection, from any pCPU. An edge makes the interrupt pending; a level follows @level. SGIs and
 * PPIs name their target vCPU @v; for an SPI @v is ignored and the distributor's routing decides.
 * A target that is blocked is woken and one running elsewhere is kicked (vcpu_kick) to take it.
 * Returns 0, or -XEN_EINVAL for an INTID the domain does not have.
 */
int vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid);
int vgic_set_level(struct domain *d, struct vcpu *v, uint32_t intid, bool level);

/* Links SPI @vintid of @d to physical SPI @pintid: from now on vgic_inject of it goes into a HW
 * list register, so the guest's deactivation deactivates the physical interrupt. */
int vgic_link_hw(struct domain *d, uint32_t vintid, uint32_t pintid);

/* The vCPU SPI @intid of @d is routed to now (GICD_ITARGETSR / GICD_IROUTER), NULL if none: for the
 * physical route of a forwarded SPI, which follows it (hyp/core/irq.c). */
struct vcpu *vgic_spi_target(struct domain *d, uint32_t intid);

/* Around every guest entry on the vCPU's own pCPU: vgic_flush fills ctx.vgic's list registers
 * from the pending interrupts in priority order (arming the underflow / no-pending maintenance when
 * more wait than fit); vgic_sync reads the list registers back after the exit (EOIed interrupts
 * leave, active ones stay, a level still high is pending again). */
void vgic_flush(struct vcpu *v);
void vgic_sync(struct vcpu *v);

/* True if @v has an enabled, pending interrupt it could take: its WFI must not block. */
bool vgic_vcpu_pending(struct vcpu *v);

/* ICC_SGI1R_EL1 written by @v (trapped: HCR_EL2.IMO). Targets outside the domain are ignored,
 * as the architecture ignores CPUs that do not exist. */
void vgic_sgi1r_write(struct vcpu *v, uint64_t val);
