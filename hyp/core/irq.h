/* Physical interrupts taken by the hypervisor: acknowledged until none is left, each sent where it
 * belongs (the timer queue, the running vCPU's vtimer, a domain's vGIC) or just ended. */
#pragma once

#include "dom/domain.h"
#include "hal/platform.h"

/* The PPIs the hypervisor owns, from the host tree. Before any pCPU calls irq_cpu_init. */
void irq_init(const struct platform *p);

/* This pCPU's GIC interface, and the hypervisor and virtual timer PPIs enabled. */
void irq_cpu_init(void);

/* Forwards physical SPI @pintid to @d as @vintid, HW-linked (the guest's deactivation ends it).
 * 0, -XEN_EINVAL (not an SPI, the hypervisor's own), -XEN_EBUSY (already forwarded) or the vGIC's.
 * Routed to pCPU 0 at first; each time it fires its route moves to the pCPU of the vCPU the guest
 * routes it to (vgic_spi_target), so it follows that vCPU's migrations and the guest's retargeting. */
int irq_assign(uint32_t pintid, struct domain *d, uint32_t vintid);

/* The pCPU forwarded SPI @pintid is routed to now. */
unsigned irq_route_cpu(uint32_t pintid);

/* Keeps physical SPI @intid for a driver of the hypervisor's (the SMMU's event queue): configured
 * @edge or level, routed to pCPU 0 and enabled; @fn runs on the pCPU that takes it, after the EOI
 * and before the deactivation. 0, -XEN_EINVAL (not an SPI, the console UART's, no @fn) or
 * -XEN_EBUSY (forwarded to a domain or kept already). Never forwarded, never released. */
int irq_own(uint32_t intid, bool edge, void (*fn)(uint32_t intid));

/* Disables and forgets every SPI forwarded to @d. */
void irq_release(struct domain *d);

/* Takes every pending interrupt on this pCPU; @running is the vCPU that was interrupted (its ctx
 * just saved), NULL when the pCPU was idle. */
void irq_handle(struct vcpu *running);
