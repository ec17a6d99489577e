#include "fake_hal.h"

#include <string.h>

#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/exit.h"

char fake_console[8192];
size_t fake_console_len;
jmp_buf fake_panic_jmp;
int fake_panic_status;

void fake_hal_reset(void)
{
	fake_console_len = 0;
	fake_console[0] = '\0';
	fake_panic_status = -1;
}

void hal_console_write(const char *s, size_t len)
{
	size_t room = sizeof(fake_console) - 1 - fake_console_len;
	size_t n = len < room ? len : room;
	memcpy(fake_console + fake_console_len, s, n);
	fake_console_len += n;
	fake_console[fake_console_len] = '\0';
}

unsigned hal_cpu_id(void) { return 2; }

void hal_cpu_relax(void) {}

HAL_NORETURN void hal_panic_stop(int status)
{
	fake_panic_status = status;
	longjmp(fake_panic_jmp, 1);
}
