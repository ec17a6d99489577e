/* Exceptions the core injects into a guest's EL1: what its own vector then sees, built exactly
 * as Xen builds them (ESR, FAR, ELR, SPSR, then the vector). Only the saved context changes. */
#pragma once

#include "dom/domain.h"

/* A data (or instruction) abort at @far, as Xen injects for an access to an unmapped IPA: EC for
 * the guest's current EL, IL from the trapping instruction, ISS 0. */
void inject_dabt(struct vcpu *v, uint64_t far, bool il);
void inject_iabt(struct vcpu *v, uint64_t far);

/* An undefined-instruction exception at the current pc. */
void inject_undef(struct vcpu *v);
