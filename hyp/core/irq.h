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
 * 0, -XEN_EINVAL (not an SPI, the hypervisor's own), -XEN_EBUSY (already forwarded) or the vGIC's. */
int irq_assign(uint32_t pintid, struct domain *d, uint32_t vintid);

/* Disables and forgets every SPI forwarded to @d. */
void irq_release(struct domain *d);

/* Takes every pending interrupt on this pCPU; @running is the vCPU that was interrupted (its ctx
 * just saved), NULL when the pCPU was idle. */
void irq_handle(struct vcpu *running);
