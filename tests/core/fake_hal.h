/* A recording fake of the HAL pieces the core's console and panic paths call.
 * Tests read what reached the "UART" and regain control from hal_panic_stop. */
#pragma once

#include <setjmp.h>
#include <stddef.h>

extern char fake_console[8192];
extern size_t fake_console_len;
extern jmp_buf fake_panic_jmp;
extern int fake_panic_status;

void fake_hal_reset(void);
