/* Exceptions taken to EL2 that the core must hear about.
 * An exception from EL2 itself is a hypervisor bug: the HAL hands its frame to the core to dump. */
#pragma once

#include "hal/types.h"

struct hal_frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t hpfar;
};

/* Implemented by the core; @what names the vector ("sync", "irq", ...). */
HAL_NORETURN void hyp_fatal_exception(const struct hal_frame *f, const char *what);
