#include "dt/dt_guest.h"

#include <libfdt.h>

#include "core/format.h"
#include "public/errno.h"

static int reg64(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* Two (base, size) pairs in the root's 2 + 2 cells. */
static int reg64x2(void *fdt, const struct dt_guest_bank *a, const struct dt_guest_bank *b)
{
	fdt64_t reg[4] = { cpu_to_fdt64(ipa_addr(a->base)), cpu_to_fdt64(a->size), cpu_to_fdt64(ipa_addr(b->base)),
			   cpu_to_fdt64(b->size) };
	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int gic(void *fdt, const struct dt_guest *g)
{
	const struct dt_guest_bank *second = g->gic.version == 3 ? &g->gic.redist : &g->gic.cpuif;
	char name[48];

	fmt_snprintf(name, sizeof(name), "interrupt-controller@%llx", (unsigned long long)ipa_addr(g->gic.dist.base));
	int rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property_string(fdt, "compatible", g->gic.version == 3 ? "arm,gic-v3" : "arm,cortex-a15-gic");
	rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 0);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc ?: reg64x2(fdt, &g->gic.dist, second);
	if (g->gic.version == 3)
		rc = rc ?: fdt_property_u32(fdt, "#redistributor-regions", 1);
	rc = rc ?: fdt_property_u32(fdt, "phandle", DT_GUEST_GIC_PHANDLE);
	return rc ?: fdt_end_node(fdt);
}

/* The generic timer's four PPIs, level-sensitive active-low with every CPU in the (GICv2) mask, as
 * Xen writes them for its guests. */
static int timer(void *fdt)
{
	static const uint32_t ppis[] = { DT_GUEST_TIMER_PPI_SEC, DT_GUEST_TIMER_PPI_PHYS, DT_GUEST_TIMER_PPI_VIRT,
					 DT_GUEST_TIMER_PPI_HYP };
	fdt32_t irqs[12];

	for (unsigned i = 0; i < 4; i++) {
		irqs[3 * i] = cpu_to_fdt32(1); /* GIC_PPI */
		irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(0xf08);
	}
	int rc = fdt_begin_node(fdt, "timer");
	rc = rc ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	rc = rc ?: fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	return rc ?: fdt_end_node(fdt);
}

static int cpus(void *fdt, unsigned n)
{
	int rc = fdt_begin_node(fdt, "cpus");

	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (unsigned i = 0; i < n && !rc; i++) {
		char name[16] = "cpu@";
		name[4] = (char)('0' + i); /* DT_GUEST_MAX_VCPUS keeps this one digit */
		rc = fdt_begin_node(fdt, name);
		rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
		rc = rc ?: fdt_property_string(fdt, "compatible", "arm,armv8");
		rc = rc ?: fdt_property_u32(fdt, "reg", i); /* the vCPU's MPIDR affinity */
		rc = rc ?: fdt_property_string(fdt, "enable-method", "psci");
		rc = rc ?: fdt_end_node(fdt);
	}
	return rc ?: fdt_end_node(fdt);
}

int dt_guest_build(void *buf, size_t size, const struct dt_guest *g)
{
	void *fdt = buf;
	/* Xen's compatible strings: Linux's Xen detection matches "xen,xen". */
	static const char hyp_compat[] = "xen,xen-4.17\0xen,xen";
	char mem_name[32];
	int rc;

	if (g->vcpus == 0 || g->vcpus > DT_GUEST_MAX_VCPUS || g->banks == 0 || g->banks > DT_GUEST_MAX_BANKS ||
	    size > INT32_MAX || (g->gic.version && g->gic.version != 2 && g->gic.version != 3))
		return -XEN_EINVAL;
	rc = fdt_create(fdt, (int)size);
	rc = rc ?: fdt_finish_reservemap(fdt);
	rc = rc ?: fdt_begin_node(fdt, "");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 2);
	rc = rc ?: fdt_property_string(fdt, "compatible", "xen,xenvm");
	rc = rc ?: fdt_property_string(fdt, "model", "Halcyon DomU");
	if (g->gic.version)
		rc = rc ?: fdt_property_u32(fdt, "interrupt-parent", DT_GUEST_GIC_PHANDLE);

	rc = rc ?: fdt_begin_node(fdt, "chosen");
	if (g->bootargs)
		rc = rc ?: fdt_property_string(fdt, "bootargs", g->bootargs);
	if (g->initrd_size) {
		rc = rc ?: fdt_property_u64(fdt, "linux,initrd-start", ipa_addr(g->initrd));
		rc = rc ?: fdt_property_u64(fdt, "linux,initrd-end", ipa_addr(g->initrd) + g->initrd_size);
	}
	rc = rc ?: fdt_end_node(fdt);

	rc = rc ?: cpus(fdt, g->vcpus);

	/* One node per bank, as Xen writes them, named after its first address. */
	for (unsigned i = 0; i < g->banks && !rc; i++) {
		fmt_snprintf(mem_name, sizeof(mem_name), "memory@%llx", (unsigned long long)ipa_addr(g->bank[i].base));
		rc = fdt_begin_node(fdt, mem_name);
		rc = rc ?: fdt_property_string(fdt, "device_type", "memory");
		rc = rc ?: reg64(fdt, ipa_addr(g->bank[i].base), g->bank[i].size);
		rc = rc ?: fdt_end_node(fdt);
	}

	if (g->gic.version) {
		rc = rc ?: gic(fdt, g);
		rc = rc ?: timer(fdt);
	}

	rc = rc ?: fdt_begin_node(fdt, "hypervisor");
	rc = rc ?: fdt_property(fdt, "compatible", hyp_compat, sizeof(hyp_compat));
	rc = rc ?: fdt_end_node(fdt);

	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_finish(fdt);
	if (rc)
		return rc == -FDT_ERR_NOSPACE ? -XEN_ENOSPC : -XEN_EINVAL;
	return (int)fdt_totalsize(fdt);
}
