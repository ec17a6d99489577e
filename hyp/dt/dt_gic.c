#include <libfdt.h>

#include "dt/dt_node.h"
#include "dt/dt_steps.h"
#include "public/errno.h"

#define GIC_PPI_FIRST 16
#define GIC_PPI_LAST  31

/* First enabled node compatible with any of @compat, in the list's order of preference. */
static int find_compatible(const void *fdt, const char *const *compat, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (int node = fdt_node_offset_by_compatible(fdt, -1, compat[i]); node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node, compat[i]))
			if (dt_enabled(fdt, node))
				return node;
	return -1;
}

/* Per-CPU interrupts (timers, GIC maintenance) must be PPIs for every CPU to see its own. */
static int ppi(const void *fdt, int node, unsigned index, const char *what, unsigned *intid, struct dt_error *err)
{
	int rc = dt_irq(fdt, node, index, intid, err);

	if (rc)
		return rc;
	if (*intid < GIC_PPI_FIRST || *intid > GIC_PPI_LAST)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "%s interrupt is INTID %u, not a PPI", what, *intid);
	return 0;
}

static int gicv3_regions(const void *fdt, int node, int count, struct platform *plat, struct dt_error *err)
{
	uint32_t nr = 1;
	int len, rc;
	const fdt32_t *p = fdt_getprop(fdt, node, "#redistributor-regions", &len);

	if (p && len != 4)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "#redistributor-regions has %d bytes, expected 4", len);
	if (p)
		nr = fdt32_ld(p);
	if (nr == 0)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "#redistributor-regions is 0");
	if (nr > PLAT_MAX_GICR_REGIONS)
		return dt_fail(err, fdt, node, -XEN_E2BIG, "%u redistributor regions, at most %d supported", nr,
			       PLAT_MAX_GICR_REGIONS);
	if ((uint32_t)count < 1 + nr)
		return dt_fail(err, fdt, node, -XEN_EINVAL,
			       "reg has %d regions, expected the distributor and %u redistributor regions", count, nr);
	rc = dt_reg(fdt, node, 0, &plat->gic.dist, err);
	for (uint32_t i = 0; i < nr && !rc; i++)
		rc = dt_reg(fdt, node, 1 + i, &plat->gic.redist[i], err);
	if (!rc)
		plat->gic.redist_count = nr;
	return rc;
}

static int gicv2_regions(const void *fdt, int node, int count, struct platform *plat, struct dt_error *err)
{
	struct plat_region *regions[] = { &plat->gic.dist, &plat->gic.cpuif, &plat->gic.hyp, &plat->gic.vcpu };
	int rc = 0;

	if (count < 4)
		return dt_fail(err, fdt, node, -XEN_ENODEV,
			       "reg has %d regions: without GICH and GICV the GIC cannot virtualise", count);
	for (unsigned i = 0; i < 4 && !rc; i++)
		rc = dt_reg(fdt, node, i, regions[i], err);
	return rc;
}

int dt_parse_gic(const void *fdt, struct platform *plat, struct dt_error *err)
{
	int node;

	/* The first enabled GIC in tree order is the root controller; a second one would be cascaded. */
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL))
		if (dt_gic_version(fdt, node) && dt_enabled(fdt, node) && dt_has(fdt, node, "interrupt-controller"))
			break;
	if (node < 0)
		return dt_fail(err, fdt, -1, -XEN_ENOENT,
			       "no enabled GIC (arm,gic-v3, arm,gic-400, arm,cortex-a15-gic or arm,cortex-a9-gic)");
	plat->gic.version = dt_gic_version(fdt, node);
	int count = dt_reg_count(fdt, node, err);
	if (count < 0)
		return count;
	int rc = plat->gic.version == 3 ? gicv3_regions(fdt, node, count, plat, err)
					: gicv2_regions(fdt, node, count, plat, err);
	if (rc)
		return rc;
	return ppi(fdt, node, 0, "maintenance", &plat->gic.maint_intid, err);
}

int dt_parse_timer(const void *fdt, struct platform *plat, struct dt_error *err)
{
	static const char *const compat[] = { "arm,armv8-timer" };
	/* The binding's order: secure physical, non-secure physical, virtual, hypervisor physical. */
	unsigned *intids[] = { &plat->timer.sec_phys, &plat->timer.ns_phys, &plat->timer.virt, &plat->timer.hyp };
	static const char *const names[] = { "secure physical timer", "physical timer", "virtual timer",
					     "hypervisor timer" };
	int node = find_compatible(fdt, compat, 1);

	if (node < 0)
		return dt_fail(err, fdt, -1, -XEN_ENOENT, "no enabled arm,armv8-timer node");
	for (unsigned i = 0; i < 4; i++) {
		int rc = ppi(fdt, node, i, names[i], intids[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

int dt_parse_psci(const void *fdt, struct platform *plat, struct dt_error *err)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
	const char *method;
	int node = find_compatible(fdt, compat, sizeof(compat) / sizeof(compat[0]));

	/* Without PSCI the boot CPU still runs; hyp/core reports the CPUs it cannot start. */
	if (node < 0)
		return 0;
	int rc = dt_string(fdt, node, "method", &method, err);
	if (rc)
		return rc;
	if (dt_prop_is(fdt, node, "method", "smc"))
		plat->psci = PLAT_PSCI_SMC;
	else if (dt_prop_is(fdt, node, "method", "hvc"))
		plat->psci = PLAT_PSCI_HVC;
	else
		return dt_fail(err, fdt, node, -XEN_EINVAL, "method \"%s\" is neither \"smc\" nor \"hvc\"", method);
	return 0;
}
