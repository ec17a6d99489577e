/* limits.h for a freestanding image: gcc's own limits.h defines every limit, but then asks for the
 * C library's with #include_next, which -nostdinc leaves nowhere to find but here. */
#ifndef _GCC_LIMITS_H_
/* Found before gcc's (e.g. through -I): tell it there is no C library limits.h to recurse into. */
#define _LIBC_LIMITS_H_
#include_next <limits.h>
#endif
