#include <libfdt.h>

#include "dt/dt_node.h"
#include "public/errno.h"

/* Reads @n cells as one big-endian number; false if it does not fit in 64 bits. */
static bool read_num(const fdt32_t *cells, int n, uint64_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		if (v >> 32)
			return false;
		v = (v << 32) | fdt32_ld(&cells[i]);
	}
	*out = v;
	return true;
}

/* The cell counts @bus gives its children's addresses and sizes. */
static int bus_cells(const void *fdt, int bus, int *ac, int *sc, struct dt_error *err)
{
	*ac = fdt_address_cells(fdt, bus);
	*sc = fdt_size_cells(fdt, bus);
	if (*ac < 0 || *sc < 0)
		return dt_fail(err, fdt, bus, -XEN_EINVAL, "bad #address-cells or #size-cells (at most %d)",
			       FDT_MAX_NCELLS);
	return 0;
}

/* Checks @node's reg against its bus and returns the entry count; @ac and @sc describe an entry. */
static int reg_layout(const void *fdt, int node, int *ac, int *sc, const fdt32_t **reg, struct dt_error *err)
{
	int bus = fdt_parent_offset(fdt, node);
	int len, rc;

	if (bus < 0)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "has no parent bus");
	rc = bus_cells(fdt, bus, ac, sc, err);
	if (rc)
		return rc;
	*reg = fdt_getprop(fdt, node, "reg", &len);
	if (!*reg)
		return 0;
	/* A bus with #size-cells = 0 (/cpus, i2c, ...) numbers its children; they are not MMIO. */
	if (*sc == 0)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "reg is not an MMIO region (parent has #size-cells = 0)");
	int entry = (*ac + *sc) * 4;
	if (len % entry)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "reg has %d bytes, expected a multiple of %d", len, entry);
	return len / entry;
}

int dt_reg_count(const void *fdt, int node, struct dt_error *err)
{
	int ac, sc;
	const fdt32_t *reg;

	return reg_layout(fdt, node, &ac, &sc, &reg, err);
}

/* One window of @bus's ranges: maps [@child, @child + @size) to [@parent, ...). */
struct window {
	uint64_t child, parent, size;
};

static int read_window(const void *fdt, int bus, const fdt32_t *p, const int cells[3], struct window *w,
		       struct dt_error *err)
{
	if (!read_num(p, cells[0], &w->child) || !read_num(p + cells[0], cells[1], &w->parent) ||
	    !read_num(p + cells[0] + cells[1], cells[2], &w->size))
		return dt_fail(err, fdt, bus, -XEN_EINVAL, "ranges entry does not fit in 64 bits");
	return 0;
}

/* Maps [@addr, @addr + @size) on @bus's child side to its parent's address space. */
static int translate_one(const void *fdt, int node, int bus, int parent, uint64_t *addr, uint64_t size,
			 struct dt_error *err)
{
	char bus_path[PLAT_PATH_MAX];
	int len, cells[3], rc;
	const fdt32_t *ranges = fdt_getprop(fdt, bus, "ranges", &len);

	if (!ranges)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "not reachable by the CPU: %s has no ranges",
			       dt_path(fdt, bus, bus_path, sizeof(bus_path)));
	/* An empty ranges says the bus's address space is its parent's. */
	if (len == 0)
		return 0;
	rc = bus_cells(fdt, bus, &cells[0], &cells[2], err);
	if (rc)
		return rc;
	cells[1] = fdt_address_cells(fdt, parent);
	if (cells[1] < 0)
		return dt_fail(err, fdt, parent, -XEN_EINVAL, "bad #address-cells");
	int entry = (cells[0] + cells[1] + cells[2]) * 4;
	if (len % entry)
		return dt_fail(err, fdt, bus, -XEN_EINVAL, "ranges has %d bytes, expected a multiple of %d", len,
			       entry);
	for (int i = 0; i < len / entry; i++) {
		struct window w;
		rc = read_window(fdt, bus, ranges + i * (entry / 4), cells, &w, err);
		if (rc)
			return rc;
		if (*addr < w.child || *addr - w.child >= w.size)
			continue;
		uint64_t off = *addr - w.child;
		if (size > w.size - off || w.parent + off + size < w.parent)
			return dt_fail(err, fdt, node, -XEN_EINVAL, "reg %#llx+%#llx crosses the end of a window of %s",
				       (unsigned long long)*addr, (unsigned long long)size,
				       dt_path(fdt, bus, bus_path, sizeof(bus_path)));
		*addr = w.parent + off;
		return 0;
	}
	return dt_fail(err, fdt, node, -XEN_EINVAL, "reg %#llx is outside every ranges window of %s",
		       (unsigned long long)*addr, dt_path(fdt, bus, bus_path, sizeof(bus_path)));
}

int dt_reg(const void *fdt, int node, unsigned index, struct plat_region *out, struct dt_error *err)
{
	int ac, sc;
	const fdt32_t *reg;
	uint64_t addr, size;
	int count = reg_layout(fdt, node, &ac, &sc, &reg, err);

	if (count < 0)
		return count;
	if (!reg)
		return dt_fail(err, fdt, node, -XEN_ENOENT, "has no reg");
	if (index >= (unsigned)count)
		return dt_fail(err, fdt, node, -XEN_ENOENT, "reg has %d entries, no entry %u", count, index);
	const fdt32_t *e = reg + index * (unsigned)(ac + sc);
	if (!read_num(e, ac, &addr) || !read_num(e + ac, sc, &size))
		return dt_fail(err, fdt, node, -XEN_EINVAL, "reg entry %u does not fit in 64 bits", index);
	if (addr + size < addr)
		return dt_fail(err, fdt, node, -XEN_EINVAL, "reg entry %u wraps past the top of the address space",
			       index);
	/* Walk up to the root: each bus's ranges maps its address space into its parent's. */
	for (int bus = fdt_parent_offset(fdt, node);;) {
		int parent = fdt_parent_offset(fdt, bus);
		if (parent == -FDT_ERR_NOTFOUND)
			break;
		if (parent < 0)
			return dt_fail(err, fdt, bus, -XEN_EINVAL, "cannot find the parent: %s", fdt_strerror(parent));
		int rc = translate_one(fdt, node, bus, parent, &addr, size, err);
		if (rc)
			return rc;
		bus = parent;
	}
	out->base = pa_init(addr);
	out->size = size;
	return 0;
}
