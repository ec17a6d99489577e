/* Leaving the machine: power off for tests and demos, stop after a panic.
 * With platform.semihosting the exit status reaches the host (QEMU -semihosting, the sim). */
#pragma once

#include "hal/types.h"

HAL_NORETURN void hal_exit(int status);

/* After a panic: stop this CPU for good (the status reaches the host where it can). */
HAL_NORETURN void hal_panic_stop(int status);
