/* The system counter and this pCPU's EL2 hypervisor timer (CNTHP), for timeouts in the core
 * (virtual time in the sim). */
#pragma once

#include "hal/types.h"

uint64_t hal_counter_now(void);
uint64_t hal_counter_freq(void);

/* Arms this pCPU's hypervisor timer to fire once the counter reaches @deadline (CNTHP_CVAL_EL2,
 * enabled, unmasked); UINT64_MAX disarms it. Its PPI is platform.timer.hyp, which the core enables
 * and acknowledges like any other interrupt (the level stays asserted until re-armed or disarmed). */
void hal_timer_arm(uint64_t deadline);
