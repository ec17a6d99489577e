/* A built domain's tree, in libxl's order: root properties, chosen, cpus, psci, memory, the GIC,
 * the timer, the hypervisor node, then /passthrough. Two address and two size cells at the root. */
#include "guests/lib/tools/dt.h"

#include <libfdt.h>
#include <stdbool.h>

#include "core/format.h"

#define SPEC_PPI         1u
#define LEVEL_LOW_ALL    0xf08u      /* level, active low, every CPU of a GICv2's mask */
#define PSCI_0_1_CPU_ON  0x84000003u /* the 0.1 binding's ids, which libxl still writes */
#define PSCI_0_1_CPU_OFF 0x84000002u

/* @n (address, size) pairs in the root's 2 + 2 cells. */
static int reg(void *fdt, const uint64_t *pairs, unsigned n)
{
	fdt32_t cells[4 * 2];

	for (unsigned i = 0; i < 2 * n; i++) {
		cells[2 * i] = cpu_to_fdt32((uint32_t)(pairs[i] >> 32));
		cells[2 * i + 1] = cpu_to_fdt32((uint32_t)pairs[i]);
	}
	return fdt_property(fdt, "reg", cells, (int)(n * 4 * sizeof(fdt32_t)));
}

/* Interrupt specifiers: PPIs by INTID, level-sensitive active-low on every CPU. */
static int ppis(void *fdt, const unsigned *intid, unsigned n)
{
	fdt32_t cells[3 * 3];

	for (unsigned i = 0; i < n; i++) {
		cells[3 * i] = cpu_to_fdt32(SPEC_PPI);
		cells[3 * i + 1] = cpu_to_fdt32(intid[i] - 16);
		cells[3 * i + 2] = cpu_to_fdt32(LEVEL_LOW_ALL);
	}
	return fdt_property(fdt, "interrupts", cells, (int)(n * 3 * sizeof(fdt32_t)));
}

static int root_props(void *fdt, const struct tools_dt *t)
{
	char compat[64];
	int len = fmt_snprintf(compat, sizeof(compat), "xen,xenvm-%u.%u", t->xen_major, t->xen_minor);

	/* A string list: the NUL after the first, then the generic name. */
	len += 1 + fmt_snprintf(compat + len + 1, sizeof(compat) - (size_t)len - 1, "xen,xenvm");
	int rc = fdt_property(fdt, "compatible", compat, len + 1);
	rc = rc ?: fdt_property_u32(fdt, "interrupt-parent", TOOLS_DT_GIC_PHANDLE);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	return rc ?: fdt_property_u32(fdt, "#size-cells", 2);
}

static int chosen(void *fdt, const struct tools_dt *t)
{
	int rc = fdt_begin_node(fdt, "chosen");

	if (t->bootargs)
		rc = rc ?: fdt_property_string(fdt, "bootargs", t->bootargs);
	return rc ?: fdt_end_node(fdt);
}

/* vCPU n has MPIDR affinity 0 = n (Halcyon numbers them as Xen does for up to 16). */
static int cpus(void *fdt, unsigned n)
{
	int rc = fdt_begin_node(fdt, "cpus");

	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (unsigned i = 0; i < n && !rc; i++) {
		char name[16];
		fmt_snprintf(name, sizeof(name), "cpu@%x", i);
		rc = fdt_begin_node(fdt, name);
		rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
		rc = rc ?: fdt_property_string(fdt, "compatible", "arm,armv8");
		rc = rc ?: fdt_property_string(fdt, "enable-method", "psci");
		rc = rc ?: fdt_property_u32(fdt, "reg", i);
		rc = rc ?: fdt_end_node(fdt);
	}
	return rc ?: fdt_end_node(fdt);
}

static int psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	int rc = fdt_begin_node(fdt, "psci");

	rc = rc ?: fdt_property(fdt, "compatible", compat, sizeof(compat));
	rc = rc ?: fdt_property_string(fdt, "method", "hvc");
	rc = rc ?: fdt_property_u32(fdt, "cpu_off", PSCI_0_1_CPU_OFF);
	rc = rc ?: fdt_property_u32(fdt, "cpu_on", PSCI_0_1_CPU_ON);
	return rc ?: fdt_end_node(fdt);
}

static int memory(void *fdt, const struct tools_dt *t)
{
	const uint64_t bank[2] = { t->ram_base, t->ram_size };
	char name[32];

	fmt_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)t->ram_base);
	int rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property_string(fdt, "device_type", "memory");
	rc = rc ?: reg(fdt, bank, 1);
	return rc ?: fdt_end_node(fdt);
}

static int gic(void *fdt, unsigned version)
{
	static const char v2[] = "arm,cortex-a15-gic\0arm,cortex-a9-gic", v3[] = "arm,gic-v3";
	const uint64_t v2_regs[4] = { TOOLS_DT_GICD_BASE, TOOLS_DT_GICD_V2_SIZE, TOOLS_DT_GICC_BASE,
				      TOOLS_DT_GICC_SIZE };
	const uint64_t v3_regs[4] = { TOOLS_DT_GICD_BASE, TOOLS_DT_GICD_V3_SIZE, TOOLS_DT_GICR_BASE,
				      TOOLS_DT_GICR_SIZE };
	char name[40];

	fmt_snprintf(name, sizeof(name), "interrupt-controller@%llx", (unsigned long long)TOOLS_DT_GICD_BASE);
	int rc = fdt_begin_node(fdt, name);
	rc = rc
		 ?: (version == 3 ? fdt_property(fdt, "compatible", v3, sizeof(v3))
				  : fdt_property(fdt, "compatible", v2, sizeof(v2)));
	rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 0);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc ?: reg(fdt, version == 3 ? v3_regs : v2_regs, 2);
	rc = rc ?: fdt_property_u32(fdt, "linux,phandle", TOOLS_DT_GIC_PHANDLE);
	rc = rc ?: fdt_property_u32(fdt, "phandle", TOOLS_DT_GIC_PHANDLE);
	return rc ?: fdt_end_node(fdt);
}

/* The secure and non-secure physical timers and the virtual one: INTIDs 29, 30, 27. */
static int timer(void *fdt)
{
	static const unsigned intids[] = { 29, 30, 27 };
	int rc = fdt_begin_node(fdt, "timer");

	rc = rc ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	rc = rc ?: ppis(fdt, intids, 3);
	return rc ?: fdt_end_node(fdt);
}

/* Linux's Xen detection: "xen,xen", grant frames mapped in reg[0], the event-channel upcall. */
static int hypervisor(void *fdt, const struct tools_dt *t)
{
	const uint64_t gnttab[2] = { TOOLS_DT_GNTTAB_BASE, TOOLS_DT_GNTTAB_SIZE };
	const unsigned upcall = TOOLS_DT_EVTCHN_INTID;
	char compat[64];
	int len = fmt_snprintf(compat, sizeof(compat), "xen,xen-%u.%u", t->xen_major, t->xen_minor);

	len += 1 + fmt_snprintf(compat + len + 1, sizeof(compat) - (size_t)len - 1, "xen,xen");
	int rc = fdt_begin_node(fdt, "hypervisor");
	rc = rc ?: fdt_property(fdt, "compatible", compat, len + 1);
	rc = rc ?: reg(fdt, gnttab, 1);
	rc = rc ?: ppis(fdt, &upcall, 1);
	return rc ?: fdt_end_node(fdt);
}

/* As a partial device tree's /passthrough: a simple-bus in the root's cells, one node a device,
 * named after what follows the vendor in its compatible. */
static int passthrough(void *fdt, const struct tools_dt *t)
{
	if (!t->nr_dev)
		return 0;
	int rc = fdt_begin_node(fdt, "passthrough");
	rc = rc ?: fdt_property_string(fdt, "compatible", "simple-bus");
	rc = rc ?: fdt_property(fdt, "ranges", NULL, 0);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 2);
	for (unsigned i = 0; i < t->nr_dev && !rc; i++) {
		const struct tools_dt_dev *d = &t->dev[i];
		const char *base = d->compatible;
		for (const char *p = d->compatible; *p; p++)
			if (*p == ',')
				base = p + 1;
		const uint64_t r[2] = { d->addr, d->size };
		char name[64];
		fmt_snprintf(name, sizeof(name), "%s@%llx", base, (unsigned long long)d->addr);
		rc = fdt_begin_node(fdt, name);
		rc = rc ?: fdt_property_string(fdt, "compatible", d->compatible);
		rc = rc ?: reg(fdt, r, 1);
		rc = rc ?: fdt_end_node(fdt);
	}
	return rc ?: fdt_end_node(fdt);
}

static bool valid(const struct tools_dt *t)
{
	if (!t->vcpus || t->vcpus > TOOLS_DT_MAX_VCPUS || !t->ram_size || t->nr_dev > TOOLS_DT_MAX_DEVS)
		return false;
	if (t->gic_version != 2 && t->gic_version != 3)
		return false;
	for (unsigned i = 0; i < t->nr_dev; i++)
		if (!t->dev[i].compatible || !t->dev[i].compatible[0] || !t->dev[i].size)
			return false;
	return true;
}

int tools_dt_build(void *buf, size_t size, const struct tools_dt *t)
{
	if (!valid(t) || size > INT32_MAX)
		return -FDT_ERR_BADVALUE;
	int rc = fdt_create(buf, (int)size);
	rc = rc ?: fdt_finish_reservemap(buf);
	rc = rc ?: fdt_begin_node(buf, "");
	rc = rc ?: root_props(buf, t);
	rc = rc ?: chosen(buf, t);
	rc = rc ?: cpus(buf, t->vcpus);
	rc = rc ?: psci(buf);
	rc = rc ?: memory(buf, t);
	rc = rc ?: gic(buf, t->gic_version);
	rc = rc ?: timer(buf);
	rc = rc ?: hypervisor(buf, t);
	rc = rc ?: passthrough(buf, t);
	rc = rc ?: fdt_end_node(buf);
	rc = rc ?: fdt_finish(buf);
	return rc ?: (int)fdt_totalsize(buf);
}
