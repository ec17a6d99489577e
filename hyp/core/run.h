/* The per-pCPU run loop of DESIGN.md: pick a vCPU, enter it, handle its exit, again.
 * Also where the machine stops once every domain is gone and the command line asked for it. */
#pragma once

#include "hal/types.h"

/* With poweroff_when_idle, the machine exits when the last domain is destroyed: status 0 if every
 * domain shut down with SHUTDOWN_poweroff, 1 otherwise. */
void run_set_poweroff_when_idle(bool on);

HAL_NORETURN void run_cpu(unsigned cpu);
