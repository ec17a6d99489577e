/* The pCPUs' MMU models as the HAL drives them: each walks the machine's RAM, is loaded with the
 * translation registers of the vCPU context it runs, and takes the core's TLB maintenance. */
#pragma once

#include "hal/vcpu.h"
#include "models/mmu/mmu.h"

/* Implemented physical address size: QEMU virt's cortex-a57 (ID_AA64MMFR0_EL1.PARange = 40 bits). */
#define SIM_PA_BITS 40

void sim_mmu_init(struct mmu_cpu *mmu);

/* Copies @ctx's EL1 translation registers and its HCR/VTCR/VTTBR into @mmu; the TLB stays. */
void sim_mmu_load(struct mmu_cpu *mmu, const struct hal_vcpu_ctx *ctx);

/* Applies @op to every pCPU's TLB (an inner-shareable broadcast) as issued under @vmid. */
void sim_mmu_tlbi_all(enum mmu_tlbi_op op, uint64_t xt, uint16_t vmid);
