#include "dt/dt_dom0.h"

#include <libfdt.h>

#include "dt/dt_node.h"
#include "public/errno.h"

/* Links to what Dom0 does not have: the hypervisor drives the IOMMUs, and the GIC's MSI frames
 * (ITS, v2m) are not virtualised, so a driver must not find them half-described. */
static const char *const dropped_props[] = { "iommus",  "iommu-map",  "iommu-map-mask",
					     "msi-map", "msi-parent", "xen,passthrough" };

/* /chosen's boot-protocol entries are the hypervisor's; Dom0's are written fresh. The console
 * path names the hypervisor's UART. */
static const char *const chosen_dropped[] = { "bootargs", "linux,initrd-start", "linux,initrd-end", "stdout-path",
					      "linux,stdout-path" };

/* The GIC properties that still hold for the virtual one (its cells keep interrupt-maps valid). */
static const char *const gic_kept[] = { "compatible",           "#interrupt-cells", "#address-cells", "#size-cells",
					"interrupt-controller", "phandle",          "linux,phandle" };

static const char *const psci_compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };

struct ctx {
	const void *host;
	void *out;
	const struct dt_devices *devs;
	const struct dt_guest *g;
	int ac, sc; /* the root's cells: Dom0's addresses are the host's */
	int chosen, cpus;
	bool memory_done, psci_done;
};

static bool in_list(const char *name, const char *const *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (dt_streq(name, list[i]))
			return true;
	return false;
}
#define IN_LIST(name, list) in_list(name, list, sizeof(list) / sizeof(list[0]))

static bool is_psci(const void *fdt, int node)
{
	for (unsigned i = 0; i < sizeof(psci_compat) / sizeof(psci_compat[0]); i++)
		if (fdt_node_check_compatible(fdt, node, psci_compat[i]) == 0)
			return true;
	return false;
}

/* Copies @node's properties but the links to what Dom0 does not have. */
static int copy_props(struct ctx *c, int node)
{
	int prop, rc = 0;

	fdt_for_each_property_offset(prop, c->host, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(c->host, prop, &name, &len);
		if (!val)
			return -FDT_ERR_BADSTRUCTURE;
		if (IN_LIST(name, dropped_props))
			continue;
		rc = fdt_property(c->out, name, val, len);
		if (rc)
			return rc;
	}
	return 0;
}

/* The virtual GIC where the host's is: GICD and, on v3, Dom0's vCPUs' redistributors; on v2 the
 * GICC frame (backed by the host's GICV). The host's phandle stays, so every interrupt-parent holds. */
static int gic(struct ctx *c, int node)
{
	const struct dt_guest *g = c->g;
	struct dt_guest_bank regs[2] = { g->gic.dist, g->gic.version == 3 ? g->gic.redist : g->gic.cpuif };
	int prop, rc = fdt_begin_node(c->out, fdt_get_name(c->host, node, NULL));

	fdt_for_each_property_offset(prop, c->host, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(c->host, prop, &name, &len);
		if (rc || !val)
			return rc ?: -FDT_ERR_BADSTRUCTURE;
		if (dt_streq(name, "reg"))
			rc = dt_guest_reg(c->out, c->ac, c->sc, regs, 2);
		else if (dt_streq(name, "#redistributor-regions"))
			rc = fdt_property_u32(c->out, name, 1);
		else if (IN_LIST(name, gic_kept))
			rc = fdt_property(c->out, name, val, len);
	}
	return rc ?: fdt_end_node(c->out);
}

static int chosen(struct ctx *c, int node)
{
	int rc = fdt_begin_node(c->out, "chosen");
	int prop;

	fdt_for_each_property_offset(prop, c->host, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(c->host, prop, &name, &len);
		if (rc || !val)
			return rc ?: -FDT_ERR_BADSTRUCTURE;
		if (!IN_LIST(name, chosen_dropped) && !(strnlen(name, 4) == 4 && memcmp(name, "xen,", 4) == 0))
			rc = fdt_property(c->out, name, val, len);
	}
	/* Subnodes (boot modules, dom0less domains) are the hypervisor's: none is copied. */
	rc = rc ?: dt_guest_chosen_props(c->out, c->g);
	return rc ?: fdt_end_node(c->out);
}

static int cpus(struct ctx *c)
{
	int cpu = fdt_node_offset_by_prop_value(c->host, c->cpus, "device_type", "cpu", sizeof("cpu"));
	const char *compat = cpu >= 0 ? fdt_getprop(c->host, cpu, "compatible", NULL) : NULL;

	/* Dom0's vCPUs are the host's kind of core (its first compatible string); MPIDRs are its own. */
	return dt_guest_cpus(c->out, c->g->vcpus, compat ? compat : "arm,armv8");
}

static int copy_node(struct ctx *c, int node);

static int copy_children(struct ctx *c, int node)
{
	int child, rc = 0;

	fdt_for_each_subnode(child, c->host, node)
	{
		rc = copy_node(c, child);
		if (rc)
			return rc;
	}
	return 0;
}

/* Every node but the root: replaced, dropped, or copied with its subtree. */
static int copy_node(struct ctx *c, int node)
{
	const struct dt_dev *dev = dt_dev_find(c->devs, node);

	if (node == c->chosen)
		return chosen(c, node);
	if (node == c->cpus)
		return cpus(c);
	if (dt_prop_is(c->host, node, "device_type", "memory")) {
		if (c->memory_done)
			return 0;
		c->memory_done = true; /* all of Dom0's banks where the host's first memory node was */
		return dt_guest_memory(c->out, c->g, c->ac, c->sc);
	}
	if (is_psci(c->host, node)) {
		if (c->psci_done)
			return 0;
		c->psci_done = true;
		return dt_guest_psci(c->out);
	}
	if (dt_streq(fdt_get_name(c->host, node, NULL), "hypervisor") &&
	    fdt_node_check_compatible(c->host, node, "xen,xen") == 0)
		return 0;
	if (dev && dev->owner == DT_OWN_HYP) {
		if (dt_gic_version(c->host, node) && dt_has(c->host, node, "interrupt-controller"))
			return gic(c, node);
		/* The timer is copied as the host has it: its PPIs are the INTIDs Dom0's timers raise.
		 * The console UART and the SMMUs are not Dom0's to see. */
		if (fdt_node_check_compatible(c->host, node, "arm,armv8-timer") != 0)
			return 0;
	} else if (dev && !dev->reserved &&
		   (dev->owner == DT_OWN_DOMU || (dev->owner == DT_OWN_NONE && dt_enabled(c->host, node)))) {
		return 0; /* another domain's, or nobody's (PMU, unclaimed passthrough); reserved RAM stays
			     described so Dom0 does not take it */
	}
	int rc = fdt_begin_node(c->out, fdt_get_name(c->host, node, NULL));
	rc = rc ?: copy_props(c, node);
	rc = rc ?: copy_children(c, node);
	return rc ?: fdt_end_node(c->out);
}

int dt_dom0_build(void *buf, size_t size, const void *host, const struct dt_devices *devs, const struct dt_guest *g)
{
	struct ctx c = { .host = host, .out = buf, .devs = devs, .g = g };
	int len, rc;
	const fdt32_t *phandle = NULL;

	c.ac = fdt_address_cells(host, 0);
	c.sc = fdt_size_cells(host, 0);
	c.chosen = fdt_path_offset(host, "/chosen");
	c.cpus = fdt_path_offset(host, "/cpus");
	if (g->vcpus == 0 || g->vcpus > DT_GUEST_MAX_VCPUS || g->banks == 0 || g->banks > DT_GUEST_MAX_BANKS ||
	    size > INT32_MAX || (g->gic.version != 2 && g->gic.version != 3) || c.ac < 1 || c.ac > 2 || c.sc < 1 ||
	    c.sc > 2 || c.cpus < 0)
		return -XEN_EINVAL;
	for (unsigned i = 0; i < devs->count && !phandle; i++)
		if (devs->dev[i].owner == DT_OWN_HYP && dt_gic_version(host, devs->dev[i].node))
			phandle = fdt_getprop(host, devs->dev[i].node, "phandle", &len);
	rc = fdt_create(buf, (int)size);
	rc = rc ?: fdt_finish_reservemap(buf);
	rc = rc ?: fdt_begin_node(buf, "");
	rc = rc ?: copy_props(&c, 0);
	rc = rc ?: copy_children(&c, 0);
	if (c.chosen < 0)
		rc = rc ?: fdt_begin_node(buf, "chosen") ?: dt_guest_chosen_props(buf, g) ?: fdt_end_node(buf);
	if (!c.psci_done)
		rc = rc ?: dt_guest_psci(buf);
	rc = rc ?: dt_guest_hypervisor(buf, g, c.ac, c.sc, phandle && len == 4 ? fdt32_ld(phandle) : 0);
	rc = rc ?: fdt_end_node(buf);
	rc = rc ?: fdt_finish(buf);
	if (rc)
		return rc == -FDT_ERR_NOSPACE ? -XEN_ENOSPC : -XEN_EINVAL;
	return (int)fdt_totalsize(buf);
}
