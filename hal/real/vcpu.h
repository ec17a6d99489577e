/* The slow half of a vCPU switch, for entry.S and the idle path: which ctx's EL1 and FP/SIMD state
 * sits in this CPU's registers, loading another, saving it back. */
#pragma once

#include "hal/vcpu.h"

/* Makes @ctx's state live on this CPU, saving the previous owner's first. Returns @ctx. */
struct hal_vcpu_ctx *vcpu_load(struct hal_vcpu_ctx *ctx);

/* Saves the state live on this CPU into its ctx and forgets it (before the CPU idles). */
void vcpu_release(void);
