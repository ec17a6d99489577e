/* The stack protector's hooks: Debian builds libfdt.a with -fstack-protector-strong.
 * A smashed stack is a hypervisor bug: report it and trap into the fatal-exception path. */
#include <stdint.h>

#include "hal/console.h"

/* A NUL in the low byte stops string overflows from reproducing the guard. */
uintptr_t __stack_chk_guard = 0x2f8a6d3cb5e41900UL;

__attribute__((noreturn)) void __stack_chk_fail(void);

__attribute__((noreturn)) void __stack_chk_fail(void)
{
	static const char msg[] = "PANIC: stack protector: stack smashed\n";

	hal_console_write(msg, sizeof(msg) - 1);
	/* BRK: the vectors dump the registers and the core stops the machine. */
	__builtin_trap();
}
