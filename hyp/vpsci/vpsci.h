/* Virtual PSCI 1.1 and SMCCC 1.1 for guests, over `hvc #0` or a trapped `smc #0`: vCPU power
 * (CPU_ON/OFF, AFFINITY_INFO), the domain's power (SYSTEM_OFF/RESET) and feature discovery. */
#pragma once

#include "dom/domain.h"

#define PSCI_VERSION_1_1  0x00010001u
#define SMCCC_VERSION_1_1 0x00010001u

/* Function IDs (ARM DEN 0022, DEN 0028). 64-bit variants have bit 30 set. */
#define SMCCC_VERSION_FID          0x80000000u
#define SMCCC_ARCH_FEATURES_FID    0x80000001u
#define PSCI_VERSION_FID           0x84000000u
#define PSCI_CPU_SUSPEND_FID       0x84000001u
#define PSCI_CPU_OFF_FID           0x84000002u
#define PSCI_CPU_ON_FID            0x84000003u
#define PSCI_AFFINITY_INFO_FID     0x84000004u
#define PSCI_MIGRATE_FID           0x84000005u
#define PSCI_MIGRATE_INFO_TYPE_FID 0x84000006u
#define PSCI_SYSTEM_OFF_FID        0x84000008u
#define PSCI_SYSTEM_RESET_FID      0x84000009u
#define PSCI_FEATURES_FID          0x8400000au
#define SMCCC_64BIT                0x40000000u

/* Return codes, as the guest reads them in x0 (sign-extended). */
#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_INTERNAL_FAILURE   (-6)
#define PSCI_INVALID_ADDRESS    (-9)

#define PSCI_AFFINITY_ON  0
#define PSCI_AFFINITY_OFF 1

/* Handles the call in @v's x0-x3; the result goes to x0. Returns false if @v stops running
 * (CPU_OFF, SYSTEM_OFF/RESET). The caller has already moved pc past the instruction. */
bool vpsci_call(struct vcpu *v);

/* The pCPU count the new vCPUs CPU_ON starts are spread over. */
void vpsci_set_pcpus(unsigned n);
