#include "loader.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hal/mmu.h"
#include "machine.h"
#include "program.h"

#define PROP       "halcyon,sim-program"
#define MAX_IMAGES 16

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The DT spec's defaults when a parent does not say. */
static int cells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	return p && len == 4 ? (int)fdt32_to_cpu(*p) : dflt;
}

static uint64_t number(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

static bool overlap(struct plat_region a, struct plat_region b)
{
	return pa_addr(a.base) < pa_addr(b.base) + b.size && pa_addr(b.base) < pa_addr(a.base) + a.size;
}

static void known_programs(char *buf, size_t len)
{
	unsigned n;
	const struct sim_program *p = sim_programs(&n);
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", p[i].name);
	if (n == 0)
		snprintf(buf, len, "none");
}

/* Checks the node's program and region, then writes the image: magic, name, zeroed runtime pages. */
static int load_one(const void *fdt, int node, const char *path, struct plat_region *done, unsigned ndone,
		    struct plat_region tree, char *err, size_t errlen)
{
	int len, rlen;
	const char *name = fdt_getprop(fdt, node, PROP, &len);
	char known[160];

	if (len < 2 || name[len - 1] != '\0' || strlen(name) != (size_t)len - 1)
		return fail(err, errlen, "%s: %s must be a single string naming a program", path, PROP);
	if (strlen(name) > SIM_IMAGE_NAME_MAX)
		return fail(err, errlen, "%s: program name \"%s\" is longer than %u characters", path, name,
			    SIM_IMAGE_NAME_MAX);
	if (!sim_program_find(name)) {
		known_programs(known, sizeof(known));
		return fail(err, errlen, "%s: no sim guest program \"%s\" in this hypsim (it has: %s)", path, name,
			    known);
	}
	int parent = fdt_parent_offset(fdt, node);
	int ac = cells(fdt, parent, "#address-cells", 2), sc = cells(fdt, parent, "#size-cells", 1);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &rlen);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return fail(err, errlen, "%s: the parent's #address-cells/#size-cells (%d/%d) are not 1 or 2", path, ac,
			    sc);
	if (!reg || rlen < 4 * (ac + sc))
		return fail(err, errlen, "%s: no reg to say where the module goes", path);
	struct plat_region r = { pa_init(number(reg, ac)), number(reg + ac, sc) };
	if (r.size < SIM_IMAGE_SIZE)
		return fail(err, errlen,
			    "%s: reg size %#llx cannot hold a sim guest image (%#x bytes: the blob and"
			    " its runtime's pages)",
			    path, (unsigned long long)r.size, SIM_IMAGE_SIZE);
	uint8_t *ram = hal_pa_to_va(r.base);
	uint8_t *last = hal_pa_to_va(pa_add(r.base, r.size - 1));
	if (!ram || last != ram + (r.size - 1))
		return fail(err, errlen, "%s: reg %#llx+%#llx is not inside one RAM bank", path,
			    (unsigned long long)pa_addr(r.base), (unsigned long long)r.size);
	if (overlap(r, tree))
		return fail(err, errlen, "%s: reg %#llx+%#llx overlaps the host device tree at %#llx", path,
			    (unsigned long long)pa_addr(r.base), (unsigned long long)r.size,
			    (unsigned long long)pa_addr(tree.base));
	for (unsigned i = 0; i < ndone; i++)
		if (overlap(r, done[i]))
			return fail(err, errlen, "%s: reg %#llx+%#llx overlaps another program's image", path,
				    (unsigned long long)pa_addr(r.base), (unsigned long long)r.size);
	memset(ram, 0, SIM_IMAGE_SIZE);
	memcpy(ram, SIM_IMAGE_MAGIC, SIM_IMAGE_MAGIC_LEN);
	memcpy(ram + SIM_IMAGE_MAGIC_LEN, name, (size_t)len);
	done[ndone] = r;
	return 0;
}

int sim_load_programs(const void *fdt, size_t len, char *err, size_t errlen)
{
	struct plat_region done[MAX_IMAGES];
	unsigned n = 0;
	int chosen = fdt_path_offset(fdt, "/chosen"), depth = 0;

	if (chosen < 0)
		return 0;
	for (int node = fdt_next_node(fdt, chosen, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		char path[256];
		if (!fdt_getprop(fdt, node, PROP, NULL))
			continue;
		if (fdt_get_path(fdt, node, path, sizeof(path)))
			snprintf(path, sizeof(path), "%s", fdt_get_name(fdt, node, NULL));
		if (n == MAX_IMAGES)
			return fail(err, errlen, "%s: more than %d sim guest programs to load", path, MAX_IMAGES);
		if (load_one(fdt, node, path, done, n, sim_machine_tree_region(len), err, errlen))
			return -1;
		n++;
	}
	return (int)n;
}
