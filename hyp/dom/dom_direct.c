#include "dom/dom_direct.h"

#include <libfdt.h>

#include "core/console.h"
#include "iommu/iommu.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "public/memory.h"

bool dom_guest_map_hit(uint64_t base, uint64_t size)
{
	static const uint64_t used[][2] = {
		{ GUEST_GICD_BASE, GUEST_GICR_BASE + DOMAIN_MAX_VCPUS * 0x20000ull },
		{ GUEST_GNTTAB_BASE, GUEST_GNTTAB_BASE + GUEST_GNTTAB_SIZE },
		{ GUEST_MAGIC_BASE, GUEST_MAGIC_BASE + GUEST_MAGIC_SIZE },
	};
	for (unsigned i = 0; i < sizeof(used) / sizeof(used[0]); i++)
		if (base < used[i][1] && used[i][0] < base + size)
			return true;
	return false;
}

int dom_direct_populate(struct domain *d, uint64_t bytes, struct dt_guest *g)
{
	uint64_t pages = bytes >> PAGE_SHIFT;
	unsigned order = 0;
	paddr_t pa;

	while (order < FRAME_MAX_ORDER && (1ull << order) < pages)
		order++;
	if ((1ull << order) < pages || frame_alloc_ram(d->id, order, &pa)) {
		con_printf("d%u: direct-map: no contiguous run of %llu MiB free\n", d->id,
			   (unsigned long long)((PAGE_SIZE << order) >> 20));
		return -XEN_ENOMEM;
	}
	/* The tail back in the largest aligned pieces it splits into. */
	for (uint64_t at = pages; at < (1ull << order);) {
		unsigned o = 0;
		while (!(at & (1ull << o)) && at + (2ull << o) <= (1ull << order))
			o++;
		frame_free(d->id, pa_add(pa, at << PAGE_SHIFT), o);
		at += 1ull << o;
	}
	if (dom_guest_map_hit(pa_addr(pa), bytes)) {
		con_printf("d%u: direct-map: RAM at %#llx would hide the guest's GIC, grant or PV pages\n", d->id,
			   (unsigned long long)pa_addr(pa));
		return -XEN_EINVAL;
	}
	int rc = p2m_map(&d->p2m, ipa_init(pa_addr(pa)), pa, bytes, P2M_RAM_RW);
	if (rc)
		return rc;
	g->bank[0] = (struct dt_guest_bank){ ipa_init(pa_addr(pa)), bytes };
	g->banks = 1;
	return 0;
}

/* What the host tree says masters DMA: streams behind an IOMMU, a virtio transport (the driver
 * hands it ring and buffer addresses), or a DMA-coherent master. */
static bool masters_dma(const void *fdt, const struct dt_dev *dev)
{
	return dev->nsid || fdt_node_check_compatible(fdt, dev->node, "virtio,mmio") == 0 ||
	       fdt_getprop(fdt, dev->node, "dma-coherent", NULL);
}

int dom_direct_check_dma(const struct domain *d, const struct dom_host *host)
{
	for (unsigned i = 0; host->pt && host->fdt && host->devs && i < host->pt->ndev; i++) {
		const struct dt_dev *dev = dt_dev_find(host->devs, host->pt->dev[i].host_node);
		if (!dev || !masters_dma(host->fdt, dev) || (dev->nsid && iommu_present()))
			continue;
		const char *name = fdt_get_name(host->fdt, dev->node, NULL);
		if (!host->pt->dev[i].force) {
			con_printf("d%u: %s does DMA and no SMMU translates it: refused without "
				   "xen,force-assign-without-iommu\n",
				   d->id, name);
			return -XEN_EINVAL;
		}
		if (!d->direct_map) {
			con_printf(
			    "d%u: %s does DMA and no SMMU translates it: refused, the domain is not direct-map\n",
			    d->id, name);
			return -XEN_EPERM;
		}
		con_printf("d%u: %s: DMA untranslated (direct-map, bus address == IPA == PA): the domain is "
			   "trusted with it\n",
			   d->id, name);
	}
	return 0;
}
