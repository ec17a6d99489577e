#include "dt/dt_dev.h"

#include <libfdt.h>

#include "dt/dt_node.h"
#include "public/errno.h"

#define GIC_SPI_BASE   32
#define PCI_ADDR_CELLS 3

/* Subtrees that describe no device: boot information, CPUs, memory and firmware tables. */
static const char *const not_devices[] = { "/chosen",          "/cpus",        "/aliases",
					   "/reserved-memory", "/__symbols__", "/hypervisor" };

/* IOMMUs the hypervisor drives: Dom0 programming them would undo every domain's isolation. */
static const char *const iommu_compat[] = { "arm,smmu-v3", "arm,mmu-500", "arm,smmu-v2" };

/* Per-CPU devices the hypervisor neither uses nor virtualises, hidden from every guest. */
static const char *const hidden_compat[] = { "arm,armv8-pmuv3", "arm,cortex-a15-pmu", "arm,cortex-a7-pmu" };

static bool compatible_any(const void *fdt, int node, const char *const *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fdt_node_check_compatible(fdt, node, list[i]) == 0)
			return true;
	return false;
}
#define COMPATIBLE_ANY(fdt, node, list) compatible_any(fdt, node, list, sizeof(list) / sizeof(list[0]))

static bool skipped_subtree(const void *fdt, int node)
{
	if (dt_prop_is(fdt, node, "device_type", "memory") || dt_prop_is(fdt, node, "device_type", "cpu"))
		return true;
	for (unsigned i = 0; i < sizeof(not_devices) / sizeof(not_devices[0]); i++)
		if (fdt_path_offset(fdt, not_devices[i]) == node)
			return true;
	return false;
}

/* The CPU reaches @node's reg only if every bus above it passes addresses on (ranges) with sizes. */
static bool cpu_addressable(const void *fdt, int node)
{
	if (!dt_has(fdt, node, "reg"))
		return false;
	int bus = fdt_parent_offset(fdt, node);
	if (bus < 0 || fdt_size_cells(fdt, bus) <= 0)
		return false;
	for (; fdt_parent_offset(fdt, bus) >= 0; bus = fdt_parent_offset(fdt, bus))
		if (!dt_has(fdt, bus, "ranges"))
			return false;
	return true;
}

static int add_irq(const void *fdt, struct dt_dev *dev, uint32_t intid, struct dt_error *err)
{
	for (unsigned i = 0; i < dev->nirq; i++)
		if (dev->irq[i] == intid)
			return 0;
	if (dev->nirq == DT_DEV_MAX_IRQS)
		return dt_fail(err, fdt, dev->node, -XEN_E2BIG, "more than %d interrupts", DT_DEV_MAX_IRQS);
	dev->irq[dev->nirq++] = intid;
	return 0;
}

static int add_reg(const void *fdt, struct dt_dev *dev, struct plat_region r, struct dt_error *err)
{
	if (r.size == 0)
		return 0;
	if (dev->nreg == DT_DEV_MAX_REGS)
		return dt_fail(err, fdt, dev->node, -XEN_E2BIG, "more than %d MMIO regions", DT_DEV_MAX_REGS);
	dev->reg[dev->nreg++] = r;
	return 0;
}

static bool is_gic(const void *fdt, int ctl) { return dt_gic_version(fdt, ctl) != 0; }

/* interrupts-extended entries go to any controller: only the GIC's are the hypervisor's to route
 * (a GPIO controller's are its driver's business). */
static int irqs_extended(const void *fdt, struct dt_dev *dev, const fdt32_t *p, int len, struct dt_error *err)
{
	int n = len / 4;

	for (int i = 0, index = 0; i < n; index++) {
		int ctl = fdt_node_offset_by_phandle(fdt, fdt32_ld(&p[i])), clen;
		const fdt32_t *c = ctl >= 0 ? fdt_getprop(fdt, ctl, "#interrupt-cells", &clen) : NULL;
		if (!c || clen != 4 || fdt32_ld(c) > (uint32_t)(n - i - 1))
			return dt_fail(err, fdt, dev->node, -XEN_EINVAL, "interrupts-extended entry %d is malformed",
				       index);
		if (is_gic(fdt, ctl)) {
			unsigned intid;
			int rc = dt_irq(fdt, dev->node, (unsigned)index, &intid, err);
			rc = rc ?: add_irq(fdt, dev, intid, err);
			if (rc)
				return rc;
		}
		i += 1 + (int)fdt32_ld(c);
	}
	return 0;
}

static int irqs(const void *fdt, struct dt_dev *dev, struct dt_error *err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, dev->node, "interrupts-extended", &len);

	if (p)
		return len % 4 ? dt_fail(err, fdt, dev->node, -XEN_EINVAL, "interrupts-extended is not whole cells")
			       : irqs_extended(fdt, dev, p, len, err);
	if (!dt_has(fdt, dev->node, "interrupts"))
		return 0;
	int ctl = dt_irq_parent(fdt, dev->node, err);
	if (ctl < 0)
		return ctl;
	if (!is_gic(fdt, ctl))
		return 0;
	for (unsigned i = 0;; i++) {
		unsigned intid;
		int rc = dt_irq(fdt, dev->node, i, &intid, err);
		if (rc == -XEN_ENOENT)
			return 0;
		rc = rc ?: add_irq(fdt, dev, intid, err);
		if (rc)
			return rc;
	}
}

static uint32_t cells_of(const void *fdt, int node, const char *prop, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
	return p && len == 4 ? fdt32_ld(p) : dflt;
}

/* A nexus (PCI host bridge) routes its legacy INTx lines through interrupt-map: each entry is
 * <child-address child-irq parent parent-address parent-irq>; every GIC SPI named is the bridge's. */
static int irq_map(const void *fdt, struct dt_dev *dev, struct dt_error *err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, dev->node, "interrupt-map", &len);

	if (!p)
		return 0;
	uint32_t child =
	    cells_of(fdt, dev->node, "#address-cells", 2) + cells_of(fdt, dev->node, "#interrupt-cells", 1);
	uint32_t n = (uint32_t)len / 4;
	for (uint32_t i = 0; i < n;) {
		int ctl = i + child < n ? fdt_node_offset_by_phandle(fdt, fdt32_ld(&p[i + child])) : -1;
		uint32_t pa = ctl >= 0 ? cells_of(fdt, ctl, "#address-cells", 0) : 0;
		uint32_t pi = ctl >= 0 ? cells_of(fdt, ctl, "#interrupt-cells", 0) : 0;
		if (ctl < 0 || pi == 0 || pa > 4 || pi > 8 || n - i - child - 1 < pa + pi)
			return dt_fail(err, fdt, dev->node, -XEN_EINVAL, "interrupt-map is malformed at cell %u", i);
		const fdt32_t *spec = &p[i + child + 1 + pa];
		if (is_gic(fdt, ctl) && pi >= 3 && fdt32_ld(&spec[0]) == 0 && fdt32_ld(&spec[1]) < 988) {
			int rc = add_irq(fdt, dev, GIC_SPI_BASE + fdt32_ld(&spec[1]), err);
			if (rc)
				return rc;
		}
		i += child + 1 + pa + pi;
	}
	return 0;
}

/* A PCI host bridge's windows (ranges: <flags.hi mid lo> <cpu address> <size>) are where its
 * devices' BARs live: the bridge's owner needs them as much as its config space. */
static int pci_windows(const void *fdt, struct dt_dev *dev, struct dt_error *err)
{
	int len, parent = fdt_parent_offset(fdt, dev->node);
	const fdt32_t *p = fdt_getprop(fdt, dev->node, "ranges", &len);
	uint32_t pac = (uint32_t)fdt_address_cells(fdt, parent), sc = cells_of(fdt, dev->node, "#size-cells", 1);

	if (!p || !dt_prop_is(fdt, dev->node, "device_type", "pci"))
		return 0;
	uint32_t entry = PCI_ADDR_CELLS + pac + sc;
	if (pac < 1 || pac > 2 || sc < 1 || sc > 2 || (uint32_t)len % (entry * 4))
		return dt_fail(err, fdt, dev->node, -XEN_EINVAL, "PCI ranges is malformed");
	/* The parent bus is the root on every bridge we know: its addresses are the CPU's. */
	if (fdt_parent_offset(fdt, parent) >= 0 && !dt_has(fdt, parent, "ranges"))
		return 0;
	for (uint32_t i = 0; i < (uint32_t)len / 4; i += entry) {
		uint64_t base = fdt32_ld(&p[i + PCI_ADDR_CELLS]), size = fdt32_ld(&p[i + PCI_ADDR_CELLS + pac]);
		if (pac == 2)
			base = base << 32 | fdt32_ld(&p[i + PCI_ADDR_CELLS + 1]);
		if (sc == 2)
			size = size << 32 | fdt32_ld(&p[i + PCI_ADDR_CELLS + pac + 1]);
		int rc = add_reg(fdt, dev, (struct plat_region){ pa_init(base), size }, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_sids(const void *fdt, struct dt_dev *dev, int iommu, uint32_t base, uint32_t count, struct dt_error *err)
{
	if (dev->nsid == DT_DEV_MAX_SIDS)
		return dt_fail(err, fdt, dev->node, -XEN_E2BIG, "more than %d stream ID ranges", DT_DEV_MAX_SIDS);
	dev->sid[dev->nsid++] = (struct dt_sids){ iommu, base, count };
	return 0;
}

/* iommus: <phandle id...> with the IOMMU's #iommu-cells (1 for an SMMUv3: the stream ID);
 * iommu-map: <rid-base phandle sid-base length> for a bridge's requesters. */
static int stream_ids(const void *fdt, struct dt_dev *dev, struct dt_error *err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, dev->node, "iommus", &len);

	for (int i = 0; p && i < len / 4;) {
		int iommu = fdt_node_offset_by_phandle(fdt, fdt32_ld(&p[i]));
		uint32_t cells = iommu >= 0 ? cells_of(fdt, iommu, "#iommu-cells", 0) : 0;
		if (iommu < 0 || cells != 1 || i + 1 >= len / 4)
			return dt_fail(err, fdt, dev->node, -XEN_EINVAL, "iommus entry at cell %d is malformed", i);
		int rc = add_sids(fdt, dev, iommu, fdt32_ld(&p[i + 1]), 1, err);
		if (rc)
			return rc;
		i += 2;
	}
	p = fdt_getprop(fdt, dev->node, "iommu-map", &len);
	if (p && len % 16)
		return dt_fail(err, fdt, dev->node, -XEN_EINVAL, "iommu-map has %d bytes, not whole entries", len);
	for (int i = 0; p && i < len / 4; i += 4) {
		int iommu = fdt_node_offset_by_phandle(fdt, fdt32_ld(&p[i + 1]));
		if (iommu < 0)
			return dt_fail(err, fdt, dev->node, -XEN_EINVAL, "iommu-map names no IOMMU");
		int rc = add_sids(fdt, dev, iommu, fdt32_ld(&p[i + 2]), fdt32_ld(&p[i + 3]), err);
		if (rc)
			return rc;
	}
	return 0;
}

static enum dt_owner owner(const void *fdt, int node, const struct platform *plat, bool under_hyp)
{
	if (under_hyp)
		return DT_OWN_HYP; /* inside a device it keeps: the GIC's ITS or v2m frames */
	if (!dt_enabled(fdt, node) || COMPATIBLE_ANY(fdt, node, hidden_compat) || dt_has(fdt, node, "xen,passthrough"))
		return DT_OWN_NONE;
	if (plat->uart.path[0] && fdt_path_offset(fdt, plat->uart.path) == node)
		return DT_OWN_HYP;
	if ((is_gic(fdt, node) && dt_has(fdt, node, "interrupt-controller")) ||
	    fdt_node_check_compatible(fdt, node, "arm,armv8-timer") == 0 || COMPATIBLE_ANY(fdt, node, iommu_compat))
		return DT_OWN_HYP;
	return DT_OWN_DOM0;
}

static int scan_node(const void *fdt, int node, const struct platform *plat, bool under_hyp, struct dt_devices *devs,
		     struct dt_error *err)
{
	bool mmio = cpu_addressable(fdt, node);
	bool interrupts = dt_has(fdt, node, "interrupts") || dt_has(fdt, node, "interrupts-extended") ||
			  dt_has(fdt, node, "interrupt-map");

	if (!mmio && !interrupts)
		return 0;
	if (devs->count == DT_DEV_MAX)
		return dt_fail(err, fdt, node, -XEN_E2BIG, "more than %d devices", DT_DEV_MAX);
	struct dt_dev *dev = &devs->dev[devs->count++];
	__builtin_memset(dev, 0, sizeof(*dev));
	dev->node = node;
	dev->owner = owner(fdt, node, plat, under_hyp);
	dev->passthrough = dt_has(fdt, node, "xen,passthrough");
	int count = mmio ? dt_reg_count(fdt, node, err) : 0, rc = count < 0 ? count : 0;
	for (int i = 0; i < count && !rc; i++) {
		struct plat_region r;
		rc = dt_reg(fdt, node, (unsigned)i, &r, err);
		rc = rc ?: add_reg(fdt, dev, r, err);
	}
	rc = rc ?: pci_windows(fdt, dev, err);
	rc = rc ?: irqs(fdt, dev, err);
	rc = rc ?: irq_map(fdt, dev, err);
	return rc ?: stream_ids(fdt, dev, err);
}

/* A /reserved-memory child with a compatible is RAM set aside for a device (a RAM disk, a frame
 * buffer): assignable like a xen,passthrough device, nobody's until a DomU claims it, and never
 * Dom0's to map (Dom0's tree keeps the node itself, so Dom0 does not use that RAM either). */
static int scan_reserved(const void *fdt, int node, const struct platform *plat, struct dt_devices *devs,
			 struct dt_error *err)
{
	unsigned before = devs->count;

	if (!dt_has(fdt, node, "compatible") || !dt_enabled(fdt, node))
		return 0;
	int rc = scan_node(fdt, node, plat, false, devs, err);
	if (rc || devs->count == before)
		return rc;
	struct dt_dev *dev = &devs->dev[before];
	dev->owner = DT_OWN_NONE;
	dev->passthrough = true;
	dev->reserved = true;
	return 0;
}

int dt_dev_scan(const void *fdt, const struct platform *plat, struct dt_devices *devs, struct dt_error *err)
{
	int depth = 0, skip_below = -1, hyp_below = -1, rsv_depth = -1;

	devs->count = 0;
	for (int node = fdt_next_node(fdt, 0, &depth); node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		if (skip_below >= 0 && depth > skip_below) {
			int rc = depth == rsv_depth + 1 ? scan_reserved(fdt, node, plat, devs, err) : 0;
			if (rc)
				return rc;
			continue;
		}
		skip_below = -1;
		if (hyp_below >= 0 && depth <= hyp_below)
			hyp_below = -1;
		if (skipped_subtree(fdt, node)) {
			skip_below = depth;
			rsv_depth = fdt_path_offset(fdt, "/reserved-memory") == node ? depth : -1;
			continue;
		}
		int rc = scan_node(fdt, node, plat, hyp_below >= 0, devs, err);
		if (rc)
			return rc;
		if (hyp_below < 0 && devs->count && devs->dev[devs->count - 1].node == node &&
		    devs->dev[devs->count - 1].owner == DT_OWN_HYP)
			hyp_below = depth;
	}
	return 0;
}

int dt_dev_claim(const void *fdt, struct dt_devices *devs, const char *path, unsigned domu, struct dt_error *err)
{
	int node = fdt_path_offset(fdt, path);
	struct dt_dev *dev = (struct dt_dev *)dt_dev_find(devs, node);

	if (node < 0 || !dev)
		return dt_fail(err, fdt, -1, -XEN_ENOENT, "xen,path \"%s\" is no host device", path);
	if (!dev->passthrough || !dt_enabled(fdt, node))
		return dt_fail(err, fdt, node, -XEN_EPERM, "not marked xen,passthrough (or disabled)");
	if (dev->owner == DT_OWN_DOMU && dev->domu != domu)
		return dt_fail(err, fdt, node, -XEN_EBUSY, "already given to another domain");
	dev->owner = DT_OWN_DOMU;
	dev->domu = domu;
	return 0;
}

const struct dt_dev *dt_dev_find(const struct dt_devices *devs, int node)
{
	for (unsigned i = 0; i < devs->count; i++)
		if (devs->dev[i].node == node)
			return &devs->dev[i];
	return NULL;
}

static bool overlaps(const struct dt_dev *d, uint64_t base, uint64_t size)
{
	for (unsigned j = 0; j < d->nreg; j++) {
		uint64_t b = pa_addr(d->reg[j].base);
		if (base < b + d->reg[j].size && b < base + size)
			return true;
	}
	return false;
}

bool dt_dev_hits_hyp(const struct dt_devices *devs, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < devs->count; i++)
		if (devs->dev[i].owner == DT_OWN_HYP && overlaps(&devs->dev[i], base, size))
			return true;
	return false;
}

bool dt_dev_hits_other(const struct dt_devices *devs, uint64_t base, uint64_t size, enum dt_owner owner, unsigned domu)
{
	for (unsigned i = 0; i < devs->count; i++) {
		const struct dt_dev *d = &devs->dev[i];
		bool mine = d->owner == owner && (owner != DT_OWN_DOMU || d->domu == domu);
		/* Disabled devices and the PMU are nobody's to protect; unclaimed passthrough ones are. */
		bool inert = d->owner == DT_OWN_NONE && !d->passthrough;
		if (!mine && !inert && overlaps(d, base, size))
			return true;
	}
	return false;
}
