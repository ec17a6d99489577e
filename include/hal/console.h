/* The hypervisor's console: the UART the host tree's stdout-path (or dtuart=) names.
 * Polled output only; safe to call from any CPU once hal_platform_init succeeded. */
#pragma once

#include "hal/types.h"

void hal_console_write(const char *s, size_t len);
