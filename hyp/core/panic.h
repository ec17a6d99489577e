/* Fatal errors in the hypervisor itself: print what is known, stop the machine.
 * Only for internal invariants; a guest's bad input never reaches here. */
#pragma once

#include "hal/exception.h"

#define PANIC_STATUS 70 /* exit status seen by tests when the hypervisor panics */

HAL_NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ASSERT(cond)                                                                                                   \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__);                            \
	} while (0)

/* ESR_EL2.EC's name, for dumps ("unknown" for reserved classes). */
const char *panic_ec_name(unsigned ec);
