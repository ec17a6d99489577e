/* A dom0less DomU's partial device tree for the DMA scenarios: a multiboot,device-tree module whose
 * scenario node carries the partial tree as a halcyon,sim-partial subnode is written into RAM at its
 * reg as a DTB, as a boot loader places Xen's modules. (Generic; it belongs with loader.c.) */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "dma.h"
#include "hal/mmu.h"

#define SUBNODE "halcyon,sim-partial"

static int copy_node(const void *in, int node, void *out)
{
	int prop, child, rc = 0;

	fdt_for_each_property_offset(prop, in, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(in, prop, &name, &len);
		if (!val || (rc = fdt_property(out, name, val, len)))
			return rc ? rc : -FDT_ERR_BADSTRUCTURE;
	}
	fdt_for_each_subnode(child, in, node)
	{
		if ((rc = fdt_begin_node(out, fdt_get_name(in, child, NULL))) || (rc = copy_node(in, child, out)) ||
		    (rc = fdt_end_node(out)))
			return rc;
	}
	return 0;
}

static uint64_t number(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

static int write_one(const void *fdt, int module, int partial, char *err, size_t errlen)
{
	int parent = fdt_parent_offset(fdt, module), len;
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	const fdt32_t *reg = fdt_getprop(fdt, module, "reg", &len);
	const char *name = fdt_get_name(fdt, module, NULL);

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 4 * (ac + sc)) {
		snprintf(err, errlen, "%s: no reg to say where the partial tree goes", name);
		return -1;
	}
	uint64_t base = number(reg, ac), size = number(reg + ac, sc);
	uint8_t *ram = hal_pa_to_va(pa_init(base)), *last = size ? hal_pa_to_va(pa_init(base + size - 1)) : NULL;
	if (!ram || last != ram + size - 1) {
		snprintf(err, errlen, "%s: reg %#llx+%#llx is not inside one RAM bank", name, (unsigned long long)base,
			 (unsigned long long)size);
		return -1;
	}
	int rc = fdt_create(ram, (int)size);
	rc = rc ?: fdt_finish_reservemap(ram);
	rc = rc ?: fdt_begin_node(ram, "");
	rc = rc ?: copy_node(fdt, partial, ram);
	rc = rc ?: fdt_end_node(ram);
	rc = rc ?: fdt_finish(ram);
	if (rc) {
		snprintf(err, errlen, "%s: the partial tree does not fit in %#llx bytes (%s)", name,
			 (unsigned long long)size, fdt_strerror(rc));
		return -1;
	}
	return 0;
}

int sim_dma_write_partials(const void *fdt, char *err, size_t errlen)
{
	for (int node = fdt_node_offset_by_compatible(fdt, -1, "multiboot,device-tree"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "multiboot,device-tree")) {
		int partial = fdt_subnode_offset(fdt, node, SUBNODE);
		if (partial >= 0 && write_one(fdt, node, partial, err, errlen))
			return -1;
	}
	return 0;
}
