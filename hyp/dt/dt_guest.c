#include "dt/dt_guest.h"

#include <libfdt.h>

#include "core/format.h"
#include "public/errno.h"

#define GIC_SPEC_PPI      1
#define IRQ_LEVEL_LOW_ALL 0xf08 /* level, active low, every CPU of a GICv2's mask (v3 ignores it) */

int dt_guest_reg(void *fdt, int ac, int sc, const struct dt_guest_bank *b, unsigned n)
{
	fdt32_t cells[4 * 4];
	int k = 0;

	if (n > 4 || ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	for (unsigned i = 0; i < n; i++) {
		uint64_t v[2] = { ipa_addr(b[i].base), b[i].size };
		int c[2] = { ac, sc };
		for (int j = 0; j < 2; j++) {
			if (c[j] == 1 && v[j] >> 32)
				return -FDT_ERR_BADVALUE; /* does not fit the parent's cells */
			if (c[j] == 2)
				cells[k++] = cpu_to_fdt32((uint32_t)(v[j] >> 32));
			cells[k++] = cpu_to_fdt32((uint32_t)v[j]);
		}
	}
	return fdt_property(fdt, "reg", cells, k * 4);
}

static int gic(void *fdt, const struct dt_guest *g)
{
	struct dt_guest_bank regs[2] = { g->gic.dist, g->gic.version == 3 ? g->gic.redist : g->gic.cpuif };
	char name[48];

	fmt_snprintf(name, sizeof(name), "interrupt-controller@%llx", (unsigned long long)ipa_addr(g->gic.dist.base));
	int rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property_string(fdt, "compatible", g->gic.version == 3 ? "arm,gic-v3" : "arm,cortex-a15-gic");
	rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 0);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc ?: dt_guest_reg(fdt, 2, 2, regs, 2);
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
		irqs[3 * i] = cpu_to_fdt32(GIC_SPEC_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(IRQ_LEVEL_LOW_ALL);
	}
	int rc = fdt_begin_node(fdt, "timer");
	rc = rc ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	rc = rc ?: fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	return rc ?: fdt_end_node(fdt);
}

int dt_guest_cpus(void *fdt, unsigned n, const char *compat)
{
	int rc = fdt_begin_node(fdt, "cpus");

	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (unsigned i = 0; i < n && !rc; i++) {
		char name[16];
		fmt_snprintf(name, sizeof(name), "cpu@%x", i);
		rc = fdt_begin_node(fdt, name);
		rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
		rc = rc ?: fdt_property_string(fdt, "compatible", compat);
		rc = rc ?: fdt_property_u32(fdt, "reg", i); /* the vCPU's MPIDR affinity (hyp/dom/vcpu.c) */
		rc = rc ?: fdt_property_string(fdt, "enable-method", "psci");
		rc = rc ?: fdt_end_node(fdt);
	}
	return rc ?: fdt_end_node(fdt);
}

/* One node per bank, as Xen writes them, named after its first address. */
int dt_guest_memory(void *fdt, const struct dt_guest *g, int ac, int sc)
{
	int rc = 0;

	for (unsigned i = 0; i < g->banks && !rc; i++) {
		char name[32];
		fmt_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)ipa_addr(g->bank[i].base));
		rc = fdt_begin_node(fdt, name);
		rc = rc ?: fdt_property_string(fdt, "device_type", "memory");
		rc = rc ?: dt_guest_reg(fdt, ac, sc, &g->bank[i], 1);
		rc = rc ?: fdt_end_node(fdt);
	}
	return rc;
}

int dt_guest_chosen_props(void *fdt, const struct dt_guest *g)
{
	int rc = 0;

	if (g->bootargs)
		rc = fdt_property_string(fdt, "bootargs", g->bootargs);
	if (g->initrd_size) {
		rc = rc ?: fdt_property_u64(fdt, "linux,initrd-start", ipa_addr(g->initrd));
		rc = rc ?: fdt_property_u64(fdt, "linux,initrd-end", ipa_addr(g->initrd) + g->initrd_size);
	}
	return rc;
}

/* hyp/vpsci implements PSCI 1.1 behind SMCCC's hvc conduit; 0.2's function IDs are implied. */
int dt_guest_psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";
	int rc = fdt_begin_node(fdt, "psci");

	rc = rc ?: fdt_property(fdt, "compatible", compat, sizeof(compat));
	rc = rc ?: fdt_property_string(fdt, "method", "hvc");
	return rc ?: fdt_end_node(fdt);
}

/* Xen's node: Linux's Xen detection matches "xen,xen", maps grant frames in reg[0] and takes the
 * event-channel upcall from interrupts. */
int dt_guest_hypervisor(void *fdt, const struct dt_guest *g, int ac, int sc, uint32_t gic_phandle)
{
	static const char compat[] = "xen,xen-4.17\0xen,xen";
	fdt32_t irq[3] = { cpu_to_fdt32(GIC_SPEC_PPI), cpu_to_fdt32(DT_GUEST_EVTCHN_PPI),
			   cpu_to_fdt32(IRQ_LEVEL_LOW_ALL) };
	int rc = fdt_begin_node(fdt, "hypervisor");

	rc = rc ?: fdt_property(fdt, "compatible", compat, sizeof(compat));
	if (g->gnttab.size)
		rc = rc ?: dt_guest_reg(fdt, ac, sc, &g->gnttab, 1);
	if (g->gic.version) {
		if (gic_phandle)
			rc = rc ?: fdt_property_u32(fdt, "interrupt-parent", gic_phandle);
		rc = rc ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	}
	return rc ?: fdt_end_node(fdt);
}

int dt_guest_build(void *buf, size_t size, const struct dt_guest *g)
{
	void *fdt = buf;
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
	rc = rc ?: dt_guest_chosen_props(fdt, g);
	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: dt_guest_cpus(fdt, g->vcpus, "arm,armv8");
	rc = rc ?: dt_guest_memory(fdt, g, 2, 2);
	if (g->gic.version) {
		rc = rc ?: gic(fdt, g);
		rc = rc ?: timer(fdt);
	}
	rc = rc ?: dt_guest_psci(fdt);
	rc = rc ?: dt_pt_write(fdt, g->pt);
	rc = rc ?: dt_guest_hypervisor(fdt, g, 2, 2, 0);

	rc = rc ?: fdt_end_node(fdt);
	rc = rc ?: fdt_finish(fdt);
	if (rc)
		return rc == -FDT_ERR_NOSPACE ? -XEN_ENOSPC : -XEN_EINVAL;
	return (int)fdt_totalsize(fdt);
}
