/* Builds a boot domain from its boot-protocol description: RAM behind stage 2, the kernel loaded
 * as an arm64 Image (or a raw binary), a device tree, and vCPU 0 ready at the kernel's entry. */
#pragma once

#include "dom/domain.h"
#include "dt/dt_boot.h"
#include "dt/dt_dev.h"
#include "dt/dt_passthrough.h"

#define GUEST_RAM0_BASE   0x40000000ull /* Xen's DomU memory map */
#define GUEST_RAM0_SIZE   0xc0000000ull
#define GUEST_GICD_BASE   0x03001000ull
#define GUEST_GICC_BASE   0x03002000ull /* GICv2: where the host's GICV frame is mapped */
#define GUEST_GICC_SIZE   0x2000ull
#define GUEST_GICR_BASE   0x03020000ull /* GICv3: 128 KiB per vCPU */
#define GUEST_GNTTAB_BASE 0x38000000ull /* Xen's DomU grant-table region, 16 MiB */
#define GUEST_GNTTAB_SIZE 0x01000000ull
#define GUEST_NR_SPIS     32u
#define DOM0_NR_SPIS      256u /* QEMU virt's GIC has 256; enough for any device Dom0 is given */

/* The host as boot found it. With @fdt and @devs, Dom0 is given every device the hypervisor does not
 * keep (MMIO 1:1 as device memory, SPIs HW-linked at the same INTIDs) and a tree made from the
 * host's; a DomU its claimed passthrough devices (@pt's xen,reg mappings, SPIs at their own INTIDs,
 * its /passthrough node in its tree). Without them (@fdt NULL) every
 * domain gets the minimal tree and no device. */
struct dom_host {
	const struct platform *plat;
	const void *fdt;
	const struct dt_devices *devs;
	const struct dt_passthrough *pt; /* the DomU being built: its partial tree's devices, or NULL */
};

/* Returns 0 with the domain created (vCPU 0 reset, not started) or a negative Xen errno, having
 * printed why and left nothing allocated. @host->plat's GIC is the model for the domain's (Dom0
 * sees it where it is, at its version; DomUs at Xen's guest addresses). */
int dom_build(const struct boot_domain *bd, domid_t id, const struct dom_host *host, struct domain **out);
