/* What the core does with a guest exit: decoded by ESR_EL2's exception class into hypercalls,
 * stage-2 faults, WFI/WFE and everything else, which the guest gets back as an exception. */
#pragma once

#include "dom/domain.h"

/* Returns true if @v may be entered again straight away, false if it should yield its pCPU. */
bool trap_handle(struct vcpu *v, const struct hal_exit *exit);
