#include "ramdisk.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

#define MAX_DISKS 2

struct disk {
	uint64_t base, size;
	uint8_t *bytes;
};

static struct disk disks[MAX_DISKS];
static unsigned ndisks;

/* Any width a load or store has, at any offset: the disk is memory, not registers. */
static const char *disk_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	const struct disk *d = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)d->bytes[off + i] << (8 * i);
	*val = v;
	return NULL;
}

static const char *disk_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct disk *d = opaque;

	for (unsigned i = 0; i < size; i++)
		d->bytes[off + i] = (uint8_t)(val >> (8 * i));
	return NULL;
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

static int add(const void *fdt, int node, char *err, size_t errlen)
{
	int ac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node)),
	    sc = fdt_size_cells(fdt, fdt_parent_offset(fdt, node)), len;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);
	const char *name = fdt_get_name(fdt, node, NULL);

	if (!p || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < (ac + sc) * 4) {
		snprintf(err, errlen, "%s: no usable reg", name);
		return -1;
	}
	struct disk d = { cells(p, ac), cells(p + ac, sc), NULL };
	if ((d.base | d.size) & 0xfff || d.size == 0 || d.size > SIM_RAMDISK_MAX_SIZE || ndisks == MAX_DISKS) {
		snprintf(err, errlen, "%s: reg %#llx+%#llx is not whole pages up to %llu MiB (or too many disks)", name,
			 (unsigned long long)d.base, (unsigned long long)d.size, SIM_RAMDISK_MAX_SIZE >> 20);
		return -1;
	}
	d.bytes = calloc(1, d.size);
	if (!d.bytes) {
		snprintf(err, errlen, "%s: out of host memory", name);
		return -1;
	}
	disks[ndisks] = d;
	const struct sim_device dev = { .name = "ramdisk",
					.base = pa_init(d.base),
					.size = d.size,
					.read = disk_read,
					.write = disk_write,
					.opaque = &disks[ndisks] };
	if (sim_bus_add(&dev)) {
		free(d.bytes);
		snprintf(err, errlen, "%s: %#llx overlaps another device", name, (unsigned long long)d.base);
		return -1;
	}
	ndisks++;
	return 0;
}

int sim_ramdisk_create(const void *fdt, char *err, size_t errlen)
{
	sim_ramdisk_destroy();
	for (int node = fdt_node_offset_by_compatible(fdt, -1, "halcyon,ramdisk"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "halcyon,ramdisk"))
		if (add(fdt, node, err, errlen))
			return -1;
	return 0;
}

void sim_ramdisk_destroy(void)
{
	for (unsigned i = 0; i < ndisks; i++)
		free(disks[i].bytes);
	memset(disks, 0, sizeof(disks));
	ndisks = 0;
}

uint8_t *sim_ramdisk_bytes(uint64_t base, uint64_t *size)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (disks[i].base == base) {
			*size = disks[i].size;
			return disks[i].bytes;
		}
	return NULL;
}
