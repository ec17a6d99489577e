/* hal_platform_init: the EL2 world configured from struct platform, final memory map first so
 * the console's registers are mapped, then the console, firmware conduits, then the GIC. */
#include "hal/platform.h"

#include "firmware.h"
#include "gic.h"
#include "mmu.h"
#include "uart.h"

int hal_platform_init(struct platform *plat)
{
	/* On failure the early map stays, which still maps the low 512 GiB of devices: bring the
	 * console up anyway so the core can report what went wrong. */
	int rc = mmu_final(plat);
	uint64_t uart_end = pa_addr(plat->uart.regs.base) + plat->uart.regs.size;

	if (plat->uart.regs.size && (!rc || uart_end <= MMU_EARLY_DEVICE_LIMIT))
		uart_init(plat->uart.regs.base);
	firmware_init(plat->psci, plat->semihosting);
	/* Only over the final map: the early one has no GIC frames above its Device window's end. */
	if (!rc)
		plat->gic.nr_spis = gic_init(plat);
	return rc;
}
