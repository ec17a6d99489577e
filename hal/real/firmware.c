/* PSCI calls, power-off and the exit status for tests (semihosting SYS_EXIT).
 * At EL2 only SMC reaches the firmware: an HVC conduit would trap to ourselves. */
#include "firmware.h"

#include "hal/exit.h"
#include "hal/psci.h"
#include "uart.h"

#define SEMIHOSTING_SYS_EXIT         0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static enum plat_psci_conduit psci_conduit = PLAT_PSCI_NONE;
static bool semihosting;

void firmware_init(enum plat_psci_conduit conduit, bool has_semihosting)
{
	psci_conduit = conduit;
	semihosting = has_semihosting;
}

int64_t hal_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (psci_conduit != PLAT_PSCI_SMC)
		return PSCI_RET_NOT_SUPPORTED;
	/* SMCCC 1.0 lets the firmware clobber x4-x17. */
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
			   "memory");
	return (int64_t)x0;
}

static HAL_NORETURN void park(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #0xf\n\twfi" ::: "memory");
}

static HAL_NORETURN void semihosting_exit(int status)
{
	/* AArch64 SYS_EXIT takes a pointer to {reason, subcode}; QEMU exits with subcode. */
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)status };
	register uint64_t w0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register uint64_t *x1 __asm__("x1") = block;

	/* Without a debugger HLT is undefined: the fatal-exception path must then park, not recurse. */
	semihosting = false;
	__asm__ volatile("hlt #0xf000" : "+r"(w0) : "r"(x1) : "memory");
	park();
}

HAL_NORETURN void hal_exit(int status)
{
	uart_flush();
	if (semihosting)
		semihosting_exit(status);
	hal_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	park();
}

HAL_NORETURN void hal_panic_stop(int status)
{
	uart_flush();
	/* Without a debugger to take the status, stay stopped: a board must not power off silently. */
	if (semihosting)
		semihosting_exit(status);
	park();
}
