/* printf-style formatting for the console, with no libc underneath.
 * Supports %c %s %d %i %u %x %X %p %%, the l/ll/z/j length modifiers, '-', '0', '+', '#', width, precision. */
#pragma once

#include <stdarg.h>

#include "hal/types.h"

/* Writes at most @size bytes including the NUL; returns the length the full output would have. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
