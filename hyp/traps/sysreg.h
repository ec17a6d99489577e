/* Trapped MSR/MRS (EC 0x18) decoded from the ISS: the GICv3 SGI register goes to the vGIC, the
 * EL1 physical timer's registers to the vtimer; anything else is undefined for the guest. */
#pragma once

#include "dom/domain.h"

/* Emulates the access in @esr and steps over it (or injects an undefined instruction). */
void sysreg_trap(struct vcpu *v, uint64_t esr);
