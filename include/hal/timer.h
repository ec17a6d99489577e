/* The system counter, for timeouts in the core (virtual time in the sim). */
#pragma once

#include "hal/types.h"

uint64_t hal_counter_now(void);
uint64_t hal_counter_freq(void);
