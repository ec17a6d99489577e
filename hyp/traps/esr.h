/* ESR_ELx fields and exception classes (ARM DDI 0487, D17.2.37) the core decodes and builds.
 * One place for the numbers, shared by trap decoding and exception injection. */
#pragma once

#include "hal/types.h"

#define ESR_EC_SHIFT 26
#define ESR_IL       (1ull << 25)
#define ESR_ISS_MASK 0x1ffffffull

#define ESR_EC_UNKNOWN  0x00
#define ESR_EC_WFX      0x01
#define ESR_EC_HVC64    0x16
#define ESR_EC_SMC64    0x17
#define ESR_EC_SYSREG   0x18
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25

static inline unsigned esr_ec(uint64_t esr) { return (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f; }
static inline uint32_t esr_iss(uint64_t esr) { return (uint32_t)(esr & ESR_ISS_MASK); }

/* HPFAR_EL2.FIPA (bits 43:4) holds IPA[55:12]; FAR_EL2 supplies the offset within the page. */
static inline ipa_t esr_fault_ipa(uint64_t hpfar, uint64_t far)
{
	return ipa_init(((hpfar & 0xfffffffffff0ull) << 8) | (far & 0xfff));
}
