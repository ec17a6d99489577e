/* The console UART (a PL011) for the hypervisor: polled transmit, nothing else.
 * Output written before uart_init is dropped. */
#pragma once

#include "hal/types.h"

/* @regs must already be mapped as Device memory. */
void uart_init(paddr_t regs);

/* Waits until the last character has left the shift register (before power-off). */
void uart_flush(void);
