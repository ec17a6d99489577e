#include "dt/dt_passthrough.h"

#include <libfdt.h>

#include "dt/dt_node.h"
#include "public/errno.h"

#define PAGE_MASK_4K 0xfffull

static bool xen_prop(const char *name) { return strnlen(name, 4) == 4 && memcmp(name, "xen,", 4) == 0; }

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(&p[i]);
	return v;
}

/* @r must lie inside one of @dev's MMIO regions, rounded out to pages as they are mapped. */
static bool inside(const struct dt_dev *dev, const struct dt_pt_reg *r)
{
	for (unsigned i = 0; i < dev->nreg; i++) {
		uint64_t b = pa_addr(dev->reg[i].base) & ~PAGE_MASK_4K;
		uint64_t e = (pa_addr(dev->reg[i].base) + dev->reg[i].size + PAGE_MASK_4K) & ~PAGE_MASK_4K;
		if (pa_addr(r->pa) >= b && pa_addr(r->pa) + r->size <= e)
			return true;
	}
	return false;
}

static int xen_reg(const void *fdt, int node, int ac, int sc, const struct dt_dev *dev, struct dt_passthrough *pt,
		   struct dt_error *err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "xen,reg", &len);
	int entry = 2 * ac + sc;

	if (!p)
		return 0;
	if (len % (entry * 4))
		return dt_fail(err, fdt, node, -XEN_EINVAL, "xen,reg has %d bytes, not <address size guest-address>",
			       len);
	for (int i = 0; i < len / 4; i += entry) {
		struct dt_pt_reg r = { pa_init(cells(p + i, ac)), cells(p + i + ac, sc),
				       ipa_init(cells(p + i + ac + sc, ac)) };
		if ((pa_addr(r.pa) | r.size | ipa_addr(r.ipa)) & PAGE_MASK_4K || r.size == 0 ||
		    pa_addr(r.pa) + r.size < pa_addr(r.pa) || ipa_addr(r.ipa) + r.size < ipa_addr(r.ipa))
			return dt_fail(err, fdt, node, -XEN_EINVAL, "xen,reg %#llx+%#llx is not whole pages",
				       (unsigned long long)pa_addr(r.pa), (unsigned long long)r.size);
		if (!inside(dev, &r))
			return dt_fail(err, fdt, node, -XEN_EPERM, "xen,reg %#llx+%#llx is not the device's MMIO",
				       (unsigned long long)pa_addr(r.pa), (unsigned long long)r.size);
		if (pt->nreg == DT_PT_MAX_REGS)
			return dt_fail(err, fdt, node, -XEN_E2BIG, "more than %d xen,reg regions", DT_PT_MAX_REGS);
		pt->reg[pt->nreg++] = r;
	}
	return 0;
}

int dt_pt_parse(const void *partial, uint64_t size, const void *host, struct dt_devices *devs, unsigned domid,
		struct dt_passthrough *pt, struct dt_error *err)
{
	int node, ac, sc, rc;

	*pt = (struct dt_passthrough){ .node = -1 };
	if (size < sizeof(struct fdt_header))
		return dt_fail(err, partial, -1, -XEN_EINVAL, "the passthrough tree's module is %llu bytes",
			       (unsigned long long)size);
	rc = dt_check(partial, size > UINT32_MAX ? UINT32_MAX : (uint32_t)size, err);
	if (rc)
		return rc == -XEN_E2BIG ? -XEN_EINVAL : rc; /* a header claiming more than the module holds */
	ac = fdt_address_cells(partial, 0);
	sc = fdt_size_cells(partial, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return dt_fail(err, partial, 0, -XEN_EINVAL, "#address-cells and #size-cells must be 1 or 2");
	pt->node = fdt_path_offset(partial, "/passthrough");
	if (pt->node < 0) {
		pt->node = -1;
		return 0;
	}
	pt->fdt = partial;
	fdt_for_each_subnode(node, partial, pt->node)
	{
		const char *path;
		rc = dt_string(partial, node, "xen,path", &path, err);
		if (rc == -XEN_ENOENT)
			continue; /* a device the guest is told about with no host device behind it */
		rc = rc ?: dt_dev_claim(host, devs, path, domid, err);
		if (rc)
			return rc;
		if (pt->ndev == DT_PT_MAX_DEVS)
			return dt_fail(err, partial, node, -XEN_E2BIG, "more than %d passthrough devices",
				       DT_PT_MAX_DEVS);
		pt->dev[pt->ndev++] = (struct dt_pt_dev){ fdt_path_offset(host, path),
							  dt_has(partial, node, "xen,force-assign-without-iommu") };
		rc = xen_reg(partial, node, ac, sc, dt_dev_find(devs, fdt_path_offset(host, path)), pt, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int write_node(void *out, const void *fdt, int node)
{
	int prop, child, rc = fdt_begin_node(out, fdt_get_name(fdt, node, NULL));

	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);
		if (rc || !val)
			return rc ?: -FDT_ERR_BADSTRUCTURE;
		if (!xen_prop(name))
			rc = fdt_property(out, name, val, len);
	}
	fdt_for_each_subnode(child, fdt, node) { rc = rc ?: write_node(out, fdt, child); }
	return rc ?: fdt_end_node(out);
}

int dt_pt_write(void *out, const struct dt_passthrough *pt)
{
	return pt && pt->fdt && pt->node >= 0 ? write_node(out, pt->fdt, pt->node) : 0;
}
