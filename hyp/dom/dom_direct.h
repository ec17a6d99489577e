/* Dom0less direct-map for a boot DomU (RAM at IPA == PA from one contiguous run of frames) and the
 * rule for passthrough devices that master DMA with no SMMU translating their streams. */
#pragma once

#include "dom/dom_build.h"
#include "dt/dt_guest.h"

/* True if [@base, @base + @size) touches the fixed part of Xen's DomU map below RAM0: the vGIC,
 * the grant-table region, the console and xenstore pages. */
bool dom_guest_map_hit(uint64_t base, uint64_t size);

/* @bytes of RAM for @d as one bank at IPA == PA, taken as a single run from the frame allocator
 * (the power-of-two run that holds it, its tail given back), recorded in @g's banks. -XEN_ENOMEM
 * when no run is large enough, -XEN_EINVAL when the run would hide Xen's DomU map (GIC, grant
 * table, console and xenstore pages); each with a boot line saying so. */
int dom_direct_populate(struct domain *d, uint64_t bytes, struct dt_guest *g);

/* Xen's rule for @d's passthrough devices (@host->pt) that master DMA (stream IDs in the host tree,
 * a virtio-mmio transport, dma-coherent): with no SMMU translating them their bus addresses are
 * physical addresses, right only in a direct-mapped domain, which is then trusted with the device's
 * DMA over all of memory. Such a device needs xen,force-assign-without-iommu in the partial tree
 * (else -XEN_EINVAL) and a direct-map domain (else -XEN_EPERM); each refusal and acceptance is
 * printed. 0 when every device is either confined or allowed. */
int dom_direct_check_dma(const struct domain *d, const struct dom_host *host);
