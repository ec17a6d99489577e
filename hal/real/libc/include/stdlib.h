/* The one stdlib function libfdt needs in the EL2 image.
 * No errno: overflow saturates to ULONG_MAX, as C specifies, without the ERANGE report. */
#pragma once

#include <stddef.h>

unsigned long strtoul(const char *restrict s, char **restrict end, int base);
