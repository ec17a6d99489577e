/* A HAL for the grant-table tests: one RAM bank of host memory under the real frame allocator,
 * heap and p2m, stage-2 maintenance as no-ops, and a console the tests can read. */
#pragma once

#include <stdint.h>

#define FAKE_RAM_BASE UINT64_C(0x80000000)
#define FAKE_RAM_SIZE (UINT64_C(32) << 20)

/* Starts over: fresh RAM and frame_init over it. */
void fake_hal_reset(void);

extern char fake_console[4096];
