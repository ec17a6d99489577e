#include "bus.h"

#include <stdio.h>

#define MAX_DEVICES 16

static struct sim_device devices[MAX_DEVICES];
static unsigned ndevices;
static char why[160];

int sim_bus_add(const struct sim_device *d)
{
	uint64_t b = pa_addr(d->base);

	if (ndevices == MAX_DEVICES || d->size == 0 || b + d->size < b)
		return -1;
	for (unsigned i = 0; i < ndevices; i++) {
		uint64_t o = pa_addr(devices[i].base);
		if (b < o + devices[i].size && o < b + d->size)
			return -1;
	}
	devices[ndevices++] = *d;
	return 0;
}

void sim_bus_reset(void) { ndevices = 0; }

const struct sim_device *sim_bus_find(paddr_t pa)
{
	uint64_t a = pa_addr(pa);

	for (unsigned i = 0; i < ndevices; i++)
		if (a >= pa_addr(devices[i].base) && a - pa_addr(devices[i].base) < devices[i].size)
			return &devices[i];
	return NULL;
}

static const char *access(paddr_t pa, unsigned size, uint64_t *rval, uint64_t wval)
{
	const struct sim_device *d = sim_bus_find(pa);
	const char *err;

	if (!d) {
		snprintf(why, sizeof(why), "no device at %#llx", (unsigned long long)pa_addr(pa));
		return why;
	}
	uint64_t off = pa_addr(pa) - pa_addr(d->base);
	if (off + size > d->size)
		err = "access runs past the end of the device";
	else
		err = rval ? d->read(d->opaque, off, size, rval) : d->write(d->opaque, off, size, wval);
	if (!err)
		return NULL;
	snprintf(why, sizeof(why), "%u-bit %s at %#llx (%s +%#llx): %s", size * 8u, rval ? "read" : "write",
		 (unsigned long long)pa_addr(pa), d->name, (unsigned long long)off, err);
	return why;
}

const char *sim_mmio_read(paddr_t pa, unsigned size, uint64_t *val)
{
	*val = 0;
	return access(pa, size, val, 0);
}

const char *sim_mmio_write(paddr_t pa, unsigned size, uint64_t val) { return access(pa, size, NULL, val); }

void sim_bus_tick(void)
{
	for (unsigned i = 0; i < ndevices; i++)
		if (devices[i].tick)
			devices[i].tick(devices[i].opaque);
}
