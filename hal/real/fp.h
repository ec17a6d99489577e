/* Moving a vCPU's FP/SIMD registers (V0-V31, FPSR, FPCR) between the CPU and its ctx.
 * Assembly (fp.S): C in this image cannot name those registers. */
#pragma once

#include "hal/vcpu.h"

void fp_save(struct hal_vcpu_ctx *ctx);
void fp_load(const struct hal_vcpu_ctx *ctx);
