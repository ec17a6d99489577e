/* The core's entry points: every HAL enters hyp/ only through these.
 * The boot CPU arrives with the host device tree's physical address, as the boot protocol gives it. */
#pragma once

#include "hal/types.h"

HAL_NORETURN void hyp_start(paddr_t fdt);
HAL_NORETURN void hyp_secondary_start(unsigned cpu);
