#include <libfdt.h>

#include "dt/dt_node.h"
#include "dt/dt_steps.h"
#include "public/errno.h"

/* MPIDR_EL1 affinity fields Aff3 (39:32) and Aff2-Aff0 (23:0): all a cpu node's reg may hold. */
#define MPIDR_AFF_MASK 0xff00ffffffULL

/* Keeps the banks sorted by base so the allocator and overlap check can walk them in order. */
static bool add_bank(struct platform *plat, struct plat_region r)
{
	unsigned i = plat->mem_count;

	if (i == PLAT_MAX_MEM_BANKS)
		return false;
	for (; i > 0 && pa_addr(plat->mem[i - 1].base) > pa_addr(r.base); i--)
		plat->mem[i] = plat->mem[i - 1];
	plat->mem[i] = r;
	plat->mem_count++;
	return true;
}

static int memory_node(const void *fdt, int node, struct platform *plat, struct dt_error *err)
{
	int count = dt_reg_count(fdt, node, err);

	if (count < 0)
		return count;
	if (count == 0)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "memory node without reg");
	for (int i = 0; i < count; i++) {
		struct plat_region r;
		int rc = dt_reg(fdt, node, (unsigned)i, &r, err);
		if (rc)
			return rc;
		if (r.size == 0)
			continue;
		if (!add_bank(plat, r))
			return dt_fail(err, fdt, node, -XEN_E2BIG, "more than %d memory banks", PLAT_MAX_MEM_BANKS);
	}
	return 0;
}

int dt_parse_memory(const void *fdt, struct platform *plat, struct dt_error *err)
{
	static const char memory[] = "memory";
	int node;

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", memory, sizeof(memory)); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", memory, sizeof(memory))) {
		if (!dt_enabled(fdt, node))
			continue;
		int rc = memory_node(fdt, node, plat, err);
		if (rc)
			return rc;
	}
	if (plat->mem_count == 0)
		return dt_fail(err, fdt, -1, -XEN_ENOENT, "no memory: no enabled device_type = \"memory\" node");
	for (unsigned i = 1; i < plat->mem_count; i++) {
		const struct plat_region *lo = &plat->mem[i - 1], *hi = &plat->mem[i];
		if (pa_addr(lo->base) + lo->size > pa_addr(hi->base))
			return dt_fail(err, fdt, -1, -XEN_EINVAL, "memory banks at %#llx and %#llx overlap",
				       (unsigned long long)pa_addr(lo->base), (unsigned long long)pa_addr(hi->base));
	}
	return 0;
}

static int cpu_node(const void *fdt, int node, int cells, struct platform *plat, struct dt_error *err)
{
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "no reg (the CPU's MPIDR)");
	if (len != cells * 4)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "reg has %d bytes, expected %d", len, cells * 4);
	uint64_t mpidr = fdt32_ld(&reg[0]);
	if (cells == 2)
		mpidr = mpidr << 32 | fdt32_ld(&reg[1]);
	if (mpidr & ~MPIDR_AFF_MASK)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "reg %#llx has bits outside MPIDR Aff3-Aff0",
			       (unsigned long long)mpidr);
	for (unsigned i = 0; i < plat->cpu_count; i++)
		if (plat->cpu_mpidr[i] == mpidr)
			return dt_fail(err, fdt, node, -XEN_EINVAL, "MPIDR %#llx is already another CPU's",
				       (unsigned long long)mpidr);
	if (plat->cpu_count == PLAT_MAX_CPUS)
		return dt_fail(err, fdt, node, -XEN_E2BIG, "more than %d CPUs", PLAT_MAX_CPUS);
	plat->cpu_mpidr[plat->cpu_count++] = mpidr;
	return 0;
}

int dt_parse_cpus(const void *fdt, struct platform *plat, struct dt_error *err)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node;

	if (cpus < 0)
		return dt_fail(err, fdt, -1, -XEN_ENOENT, "no /cpus node");
	int cells = fdt_address_cells(fdt, cpus);
	if (cells != 1 && cells != 2)
		return dt_fail(err, fdt, cpus, -XEN_EINVAL, "#address-cells must be 1 or 2 to hold MPIDRs");
	fdt_for_each_subnode(node, fdt, cpus)
	{
		/* Other children (cpu-map, idle-states, l2-cache) describe CPUs; they are not ones. */
		if (!dt_prop_is(fdt, node, "device_type", "cpu") || !dt_enabled(fdt, node))
			continue;
		int rc = cpu_node(fdt, node, cells, plat, err);
		if (rc)
			return rc;
	}
	if (plat->cpu_count == 0)
		return dt_fail(err, fdt, cpus, -XEN_ENOENT, "no enabled device_type = \"cpu\" node");
	return 0;
}

int dt_platform_parse(const void *fdt, struct platform *plat, struct dt_error *err)
{
	/* The console first, so it can report whatever a later step finds wrong. */
	static int (*const steps[])(const void *, struct platform *, struct dt_error *) = {
		dt_parse_bootargs, dt_parse_console, dt_parse_memory, dt_parse_cpus,
		dt_parse_gic,      dt_parse_timer,   dt_parse_psci,
	};
	struct dt_error later;
	int first = 0;

	memset(plat, 0, sizeof(*plat));
	err->msg[0] = '\0';
	int rc = dt_check(fdt, PLAT_FDT_MAX_SIZE, err);
	if (rc)
		return rc;
	/* Keep going after a failure: the report names the first fault, @plat gets everything else. */
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		rc = steps[i](fdt, plat, first ? &later : err);
		if (rc && !first)
			first = rc;
	}
	return first;
}
