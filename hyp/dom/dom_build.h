/* Builds a boot domain from its boot-protocol description: RAM behind stage 2, the kernel loaded
 * as an arm64 Image (or a raw binary), a device tree, and vCPU 0 ready at the kernel's entry. */
#pragma once

#include "dom/domain.h"
#include "dt/dt_boot.h"

#define GUEST_RAM0_BASE 0x40000000ull /* Xen's DomU memory map */
#define GUEST_RAM0_SIZE 0xc0000000ull

/* Returns 0 with the domain created (vCPU 0 reset, not started) or a negative Xen errno, having
 * printed why and left nothing allocated. */
int dom_build(const struct boot_domain *bd, domid_t id, struct domain **out);
