/* The hypervisor's console: formatted, whole lines at a time across CPUs.
 * Output goes to the HAL's UART; before the UART is up it is dropped. */
#pragma once

#include "core/format.h"

void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_vprintf(const char *fmt, va_list ap);
