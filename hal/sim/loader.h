/* hypsim's boot loader for sim guest programs: the images the scenario's boot modules name are put
 * in RAM before the machine starts, as QEMU's -device loader puts kernels where /chosen says. */
#pragma once

#include <stddef.h>

/* For every node under /chosen with a `halcyon,sim-program` property, writes that program's image
 * at the node's reg (in its parent's address cells). Call after sim_machine_create, before the
 * run. Returns how many images it wrote, or -1 with @err naming the node and what is wrong. */
int sim_load_programs(const void *fdt, size_t len, char *err, size_t errlen);
