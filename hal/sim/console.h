/* The machine's console UART: a PL011 model on the bus where the tree's console UART is, its
 * transmit line wired to a sink (hypsim's stdout). Also the HAL's console driver for it. */
#pragma once

#include <stdint.h>

#include "hal/platform.h"

/* Puts the UART on the bus if @plat names one. Returns 0, or -1 if its region is taken. */
int sim_console_attach(const struct platform *plat, void (*sink)(void *opaque, uint8_t c), void *opaque);

/* Waits (yielding) until the UART has sent everything written to it, as the driver does before
 * the machine stops. */
void sim_console_flush(void);
