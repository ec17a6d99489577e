/* What lies below EL2: PSCI firmware through SMC, and a semihosting debugger (QEMU -semihosting).
 * hal_platform_init tells this module which of them the platform has. */
#pragma once

#include "hal/platform.h"

void firmware_init(enum plat_psci_conduit conduit, bool semihosting);
