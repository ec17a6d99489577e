/* The few HAL calls the core's console and panic paths make, for harnesses: output is dropped
 * (printing is not what is fuzzed) and a panic is a finding, so it aborts for the engine to see. */
#include <stdlib.h>

#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/exit.h"

void hal_console_write(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

unsigned hal_cpu_id(void) { return 0; }

void hal_cpu_relax(void) {}

HAL_NORETURN void hal_panic_stop(int status)
{
	(void)status;
	abort();
}
