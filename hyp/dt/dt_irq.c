#include <libfdt.h>

#include "dt/dt_node.h"
#include "public/errno.h"

/* GIC specifier: <type number flags>; type 0 is an SPI, 1 a PPI (the GIC binding). */
#define GIC_SPEC_SPI  0
#define GIC_SPEC_PPI  1
#define GIC_SPI_BASE  32
#define GIC_SPI_COUNT 988
#define GIC_PPI_BASE  16
#define GIC_PPI_COUNT 16

/* Far above any real controller's, low enough that cell arithmetic cannot overflow. */
#define MAX_INTERRUPT_CELLS 8

static const char *const gic_v3_compat[] = { "arm,gic-v3" };
static const char *const gic_v2_compat[] = { "arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic" };

static bool compatible_with(const void *fdt, int node, const char *const *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fdt_node_check_compatible(fdt, node, list[i]) == 0)
			return true;
	return false;
}

unsigned dt_gic_version(const void *fdt, int node)
{
	if (compatible_with(fdt, node, gic_v3_compat, sizeof(gic_v3_compat) / sizeof(gic_v3_compat[0])))
		return 3;
	if (compatible_with(fdt, node, gic_v2_compat, sizeof(gic_v2_compat) / sizeof(gic_v2_compat[0])))
		return 2;
	return 0;
}

static int by_phandle(const void *fdt, int node, const char *prop, const fdt32_t *cell, struct dt_error *err)
{
	int ctl = fdt_node_offset_by_phandle(fdt, fdt32_ld(cell));

	if (ctl < 0)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "%s <%#x> names no node", prop, fdt32_ld(cell));
	return ctl;
}

static int interrupt_cells(const void *fdt, int ctl, struct dt_error *err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, ctl, "#interrupt-cells", &len);

	if (!p || len != 4 || fdt32_ld(p) == 0 || fdt32_ld(p) > MAX_INTERRUPT_CELLS)
		return dt_fail(err, fdt, ctl, -XEN_EINVAL, "not an interrupt controller: bad or no #interrupt-cells");
	return (int)fdt32_ld(p);
}

int dt_irq_parent(const void *fdt, int node, struct dt_error *err)
{
	for (int cur = node; cur >= 0; cur = fdt_parent_offset(fdt, cur)) {
		int len;
		const fdt32_t *p = fdt_getprop(fdt, cur, "interrupt-parent", &len);
		if (!p)
			continue;
		if (len != 4)
			return dt_fail(err, fdt, cur, -XEN_EINVAL, "interrupt-parent has %d bytes, expected 4", len);
		return by_phandle(fdt, cur, "interrupt-parent", p, err);
	}
	return dt_fail(err, fdt, node, -XEN_EINVAL, "has interrupts but no interrupt-parent");
}

/* Interrupt nexuses and secondary controllers would need their own drivers; we have none. */
static int not_gic(const void *fdt, int node, int ctl, struct dt_error *err)
{
	char ctl_path[PLAT_PATH_MAX];

	return dt_fail(err, fdt, node, -XEN_EINVAL, "interrupt parent %s is not the GIC",
		       dt_path(fdt, ctl, ctl_path, sizeof(ctl_path)));
}

static int gic_intid(const void *fdt, int node, int ctl, int cells, const fdt32_t *spec, unsigned *intid,
		     struct dt_error *err)
{
	if (!dt_gic_version(fdt, ctl))
		return not_gic(fdt, node, ctl, err);
	if (cells < 3)
		return dt_fail(err, fdt, ctl, -XEN_EINVAL, "#interrupt-cells is %d, the GIC needs at least 3", cells);
	uint32_t type = fdt32_ld(&spec[0]), num = fdt32_ld(&spec[1]);
	if (type == GIC_SPEC_SPI && num < GIC_SPI_COUNT)
		*intid = GIC_SPI_BASE + num;
	else if (type == GIC_SPEC_PPI && num < GIC_PPI_COUNT)
		*intid = GIC_PPI_BASE + num;
	else
		return dt_fail(err, fdt, node, -XEN_EINVAL, "unsupported GIC interrupt <%u %u>", type, num);
	return 0;
}

/* interrupts-extended: a list of <phandle specifier...>, each specifier sized by its controller. */
static int irq_extended(const void *fdt, int node, const fdt32_t *p, int len, unsigned index, unsigned *intid,
			struct dt_error *err)
{
	int n = len / 4;

	if (len % 4)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "interrupts-extended has %d bytes, not whole cells", len);
	for (int i = 0, entry = 0; i < n; entry++) {
		int ctl = by_phandle(fdt, node, "interrupts-extended", &p[i], err);
		if (ctl < 0)
			return ctl;
		int cells = interrupt_cells(fdt, ctl, err);
		if (cells < 0)
			return cells;
		if (n - i - 1 < cells)
			return dt_fail(err, fdt, node, -XEN_EINVAL, "interrupts-extended is cut short");
		if ((unsigned)entry == index)
			return gic_intid(fdt, node, ctl, cells, &p[i + 1], intid, err);
		i += 1 + cells;
	}
	return dt_fail(err, fdt, node, -XEN_ENOENT, "has no interrupt %u", index);
}

int dt_irq(const void *fdt, int node, unsigned index, unsigned *intid, struct dt_error *err)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts-extended", &len);

	if (p)
		return irq_extended(fdt, node, p, len, index, intid, err);
	p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p)
		return dt_fail(err, fdt, node, -XEN_ENOENT, "has no interrupts");
	int ctl = dt_irq_parent(fdt, node, err);
	if (ctl < 0)
		return ctl;
	if (!dt_gic_version(fdt, ctl))
		return not_gic(fdt, node, ctl, err);
	int cells = interrupt_cells(fdt, ctl, err);
	if (cells < 0)
		return cells;
	if (len % (cells * 4))
		return dt_fail(err, fdt, node, -XEN_EINVAL, "interrupts has %d bytes, expected a multiple of %d", len,
			       cells * 4);
	if (index >= (unsigned)(len / (cells * 4)))
		return dt_fail(err, fdt, node, -XEN_ENOENT, "has %d interrupts, no interrupt %u", len / (cells * 4),
			       index);
	return gic_intid(fdt, node, ctl, cells, &p[index * (unsigned)cells], intid, err);
}
