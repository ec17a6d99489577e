/* The sim's RAM disk: a "halcyon,ramdisk" node's reg becomes bytes the sim owns, read and written
 * by loads and stores through the bus like device memory, and outliving every domain that had it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SIM_RAMDISK_MAX_SIZE (64ull << 20)

/* One disk per "halcyon,ramdisk" node of @fdt (reg: page-aligned, at most SIM_RAMDISK_MAX_SIZE),
 * zero-filled and put on the bus. Returns 0, or -1 with the reason in @err. */
int sim_ramdisk_create(const void *fdt, char *err, size_t errlen);
void sim_ramdisk_destroy(void);

/* The bytes of the disk at physical address @base (tests and the machine's summary): NULL if none. */
uint8_t *sim_ramdisk_bytes(uint64_t base, uint64_t *size);
