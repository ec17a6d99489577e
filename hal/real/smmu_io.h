/* How the SMMUv3 driver (hal/real/smmu.c, built in both worlds) reaches its registers: hal/real by
 * Device-memory accesses at EL2, hal/sim through the machine's bus to models/smmu. */
#pragma once

#include "hal/types.h"

/* Makes the register frame accessible; 0 or a negative Xen errno. */
int smmu_io_map(paddr_t base, uint64_t size);

/* Register accesses. A write is ordered after every earlier store to RAM (tables, queue entries). */
uint32_t smmu_io_read32(paddr_t pa);
void smmu_io_write32(paddr_t pa, uint32_t val);
void smmu_io_write64(paddr_t pa, uint64_t val);
