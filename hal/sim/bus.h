/* The machine's MMIO space: device models mapped at the physical addresses the tree gives them.
 * Accesses are checked, so a wrong address or width is reported, never a silent success. */
#pragma once

#include "hal/types.h"

struct sim_device {
	const char *name;
	paddr_t base;
	uint64_t size;
	/* Return NULL on success, else why the device refused the access. */
	const char *(*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
	const char *(*write)(void *opaque, uint64_t offset, unsigned size, uint64_t val);
	/* Once per scheduling step: where a device moves whatever depends on time passing. */
	void (*tick)(void *opaque);
	void *opaque;
};

/* Returns 0, or -1 if the device overlaps another or the map is full. */
int sim_bus_add(const struct sim_device *d);
void sim_bus_reset(void);

/* The device mapped at @pa, or NULL. */
const struct sim_device *sim_bus_find(paddr_t pa);

/* Returns NULL, or a description of the failure ("no device at ...", the device's reason). */
const char *sim_mmio_read(paddr_t pa, unsigned size, uint64_t *val);
const char *sim_mmio_write(paddr_t pa, unsigned size, uint64_t val);

void sim_bus_tick(void);
