#include "dt/dt_boot.h"

#include <libfdt.h>

#include "dt/dt_node.h"
#include "public/errno.h"

#define DOMAIN_MAX_VCPUS 8

/* A module's reg is a plain physical address in its parent's cells: no bus translation applies. */
static int module_reg(const void *fdt, int node, struct plat_region *out, struct dt_error *err)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent), len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	uint64_t v[2] = { 0, 0 };

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "module needs 1 or 2 address and size cells");
	if (!reg || len < (ac + sc) * 4)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "module reg missing or shorter than %d cells", ac + sc);
	for (int i = 0; i < ac + sc; i++) {
		int which = i < ac ? 0 : 1;
		v[which] = v[which] << 32 | fdt32_to_cpu(reg[i]);
	}
	if (v[1] == 0 || v[0] + v[1] < v[0])
		return dt_fail(err, fdt, node, -XEN_EINVAL, "module region is empty or wraps");
	*out = (struct plat_region){ pa_init(v[0]), v[1] };
	return 0;
}

static int modules(const void *fdt, int parent, struct boot_domain *bd, struct dt_error *err)
{
	int node;

	fdt_for_each_subnode(node, fdt, parent)
	{
		if (fdt_node_check_compatible(fdt, node, "multiboot,module") != 0 || !dt_enabled(fdt, node))
			continue;
		bool kernel = fdt_node_check_compatible(fdt, node, "multiboot,kernel") == 0;
		bool ramdisk = fdt_node_check_compatible(fdt, node, "multiboot,ramdisk") == 0;
		bool dtb = !bd->dom0 && fdt_node_check_compatible(fdt, node, "multiboot,device-tree") == 0;
		struct plat_region *slot = kernel ? &bd->kernel : ramdisk ? &bd->ramdisk : dtb ? &bd->dtb : NULL;
		if (!slot)
			continue; /* other module kinds (xsm policy) are not ours */
		if (slot->size)
			return dt_fail(err, fdt, node, -XEN_EINVAL, "second %s module",
				       kernel    ? "kernel"
				       : ramdisk ? "ramdisk"
						 : "device-tree");
		int rc = module_reg(fdt, node, slot, err);
		if (rc)
			return rc;
		if (kernel && dt_has(fdt, node, "bootargs")) {
			rc = dt_string(fdt, node, "bootargs", &bd->bootargs, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int u32_prop(const void *fdt, int node, const char *name, uint64_t *out, struct dt_error *err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "missing `%s`", name);
	if (len != 4 && len != 8)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "`%s` has %d bytes, expected 4 or 8", name, len);
	*out = len == 4 ? fdt32_to_cpu(p[0]) : (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
	return 0;
}

static int domu(const void *fdt, int node, struct boot_domain *bd, struct dt_error *err)
{
	uint64_t vcpus;
	const char *name = fdt_get_name(fdt, node, NULL);
	int rc = u32_prop(fdt, node, "memory", &bd->mem_kib, err);

	if (!rc)
		rc = u32_prop(fdt, node, "cpus", &vcpus, err);
	if (rc)
		return rc;
	if (bd->mem_kib == 0 || bd->mem_kib % 4)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "memory must be a non-zero multiple of 4 KiB");
	if (vcpus == 0 || vcpus > DOMAIN_MAX_VCPUS)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "cpus must be 1..%d", DOMAIN_MAX_VCPUS);
	bd->vcpus = (unsigned)vcpus;
	uint64_t weight = 256, cap = 0;
	if (dt_has(fdt, node, "halcyon,sched-weight") &&
	    (rc = u32_prop(fdt, node, "halcyon,sched-weight", &weight, err)))
		return rc;
	if (dt_has(fdt, node, "halcyon,sched-cap") && (rc = u32_prop(fdt, node, "halcyon,sched-cap", &cap, err)))
		return rc;
	if (dt_has(fdt, node, "halcyon,vcpu-affinity") &&
	    (rc = u32_prop(fdt, node, "halcyon,vcpu-affinity", &bd->vcpu_affinity, err)))
		return rc;
	if (weight == 0 || weight > 65535 || cap > 100)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "sched-weight must be 1..65535 and sched-cap 0..100");
	bd->sched_weight = (uint32_t)weight;
	bd->sched_cap = (uint32_t)cap;
	bd->direct_map = dt_has(fdt, node, "direct-map");
	for (unsigned i = 0; name && name[i] && i + 1 < BOOT_NAME_MAX; i++)
		bd->name[i] = name[i];
	if (dt_has(fdt, node, "bootargs") && (rc = dt_string(fdt, node, "bootargs", &bd->bootargs, err)))
		return rc;
	rc = modules(fdt, node, bd, err);
	if (!rc && !bd->kernel.size)
		rc = dt_fail(err, fdt, node, -XEN_ENOENT, "domain without a multiboot,kernel module");
	return rc;
}

/* /reserved-memory's children with a reg, translated through its ranges like any bus's. */
static int reserved_memory(const void *fdt, struct boot_info *bi, struct dt_error *err)
{
	int parent = fdt_path_offset(fdt, "/reserved-memory"), node;

	if (parent < 0)
		return 0;
	fdt_for_each_subnode(node, fdt, parent)
	{
		int count = dt_enabled(fdt, node) ? dt_reg_count(fdt, node, err) : 0;
		if (count < 0)
			return count;
		for (int i = 0; i < count; i++) {
			struct plat_region r;
			int rc = dt_reg(fdt, node, (unsigned)i, &r, err);
			if (rc)
				return rc;
			if (r.size == 0)
				continue;
			if (bi->nrsv == BOOT_MAX_RESERVED)
				return dt_fail(err, fdt, node, -XEN_E2BIG, "more than %d reserved-memory regions",
					       BOOT_MAX_RESERVED);
			bi->rsv[bi->nrsv++] = r;
		}
	}
	return 0;
}

int dt_boot_parse(const void *fdt, struct boot_info *bi, struct dt_error *err)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), node, rc;
	struct boot_domain dom0 = { .name = "dom0", .dom0 = true, .vcpus = 1, .sched_weight = 256 };

	*bi = (struct boot_info){ 0 };
	rc = reserved_memory(fdt, bi, err);
	if (rc || chosen < 0)
		return rc;
	/* Dom0's modules sit directly under /chosen. */
	rc = modules(fdt, chosen, &dom0, err);
	if (rc)
		return rc;
	/* Xen takes Dom0's command line from /chosen/xen,dom0-bootargs first, even an empty one. */
	if (dt_has(fdt, chosen, "xen,dom0-bootargs")) {
		rc = dt_string(fdt, chosen, "xen,dom0-bootargs", &dom0.bootargs, err);
		if (rc)
			return rc;
	}
	if (dom0.kernel.size)
		bi->dom[bi->count++] = dom0;
	fdt_for_each_subnode(node, fdt, chosen)
	{
		if (fdt_node_check_compatible(fdt, node, "xen,domain") != 0)
			continue;
		if (bi->count == BOOT_MAX_DOMAINS)
			return dt_fail(err, fdt, node, -XEN_E2BIG, "more than %d boot domains", BOOT_MAX_DOMAINS);
		rc = domu(fdt, node, &bi->dom[bi->count], err);
		if (rc)
			return rc;
		bi->count++;
	}
	return 0;
}
