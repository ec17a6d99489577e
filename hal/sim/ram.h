/* The machine's RAM: each bank the tree names is backed by a lazily committed host mapping, so a
 * gigabyte of simulated RAM costs only the pages the run touches. */
#pragma once

#include "hal/types.h"

/* Returns 0, or -1 if the bank overlaps another, is too many, or cannot be mapped. */
int sim_ram_add(paddr_t base, uint64_t size);

/* Unmaps every bank. */
void sim_ram_reset(void);
