#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dt_fixture.h"

/* Patches add a few nodes and properties; QEMU's trees already carry ~1 MiB of free space. */
#define FX_SLACK 16384

void *fx_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (tests run from the runfiles root)", path);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	char *raw = malloc((size_t)size);
	assert_non_null(raw);
	assert_int_equal(fread(raw, 1, (size_t)size, f), (size_t)size);
	fclose(f);

	/* Own buffer sized to the tree, so ASan catches any read past totalsize. */
	int room = (int)size + FX_SLACK;
	void *fdt = malloc((size_t)room);
	assert_non_null(fdt);
	assert_int_equal(fdt_open_into(raw, fdt, room), 0);
	free(raw);
	return fdt;
}

void fx_free(void *fdt) { free(fdt); }

int fx_node(const void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);
	if (node < 0)
		fail_msg("no node %s in the test tree", path);
	return node;
}

void fx_bytes(void *fdt, const char *path, const char *prop, const void *value, int len)
{
	assert_int_equal(fdt_setprop(fdt, fx_node(fdt, path), prop, value, len), 0);
}

void fx_cells(void *fdt, const char *path, const char *prop, const uint32_t *cells, int n)
{
	fdt32_t be[64];

	assert_true(n <= 64);
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	fx_bytes(fdt, path, prop, be, n * 4);
}

void fx_string(void *fdt, const char *path, const char *prop, const char *value)
{
	fx_bytes(fdt, path, prop, value, (int)strlen(value) + 1);
}

void fx_delprop(void *fdt, const char *path, const char *prop)
{
	assert_int_equal(fdt_delprop(fdt, fx_node(fdt, path), prop), 0);
}

void fx_delnode(void *fdt, const char *path) { assert_int_equal(fdt_del_node(fdt, fx_node(fdt, path)), 0); }

int fx_addnode(void *fdt, const char *parent, const char *name)
{
	int node = fdt_add_subnode(fdt, fx_node(fdt, parent), name);
	assert_true(node >= 0);
	return node;
}

void fx_reserved_ramdisk(void *fdt)
{
	fx_addnode(fdt, "/", "reserved-memory");
	FX_CELLS(fdt, "/reserved-memory", "#address-cells", 2);
	FX_CELLS(fdt, "/reserved-memory", "#size-cells", 2);
	fx_bytes(fdt, "/reserved-memory", "ranges", "", 0);
	fx_addnode(fdt, "/reserved-memory", "ramdisk@7ff00000");
	fx_string(fdt, FX_RAMDISK, "compatible", "halcyon,ramdisk");
	FX_CELLS(fdt, FX_RAMDISK, "reg", 0, 0x7ff00000, 0, 0x100000);
	fx_bytes(fdt, FX_RAMDISK, "no-map", "", 0);
}

int fx_contains(const char *msg, const char *part)
{
	if (strstr(msg, part))
		return 1;
	print_error("message \"%s\" does not contain \"%s\"\n", msg, part);
	return 0;
}
