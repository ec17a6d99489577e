/* A HAL for hyp/mm's unit tests: RAM banks backed by host memory, stage-2 TLB maintenance and the
 * vCPU's AT done by two models/mmu PEs over that RAM, a console that records and panics that fail. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "hal/platform.h"
#include "hal/s2.h"
#include "models/mmu/mmu.h"

#define FAKE_CPUS     2
#define FAKE_IPA_BITS 40
#define FAKE_PA_BITS  40

/* Guest RAM in tests: one bank at FAKE_RAM_BASE unless a test builds its own. */
#define FAKE_RAM_BASE UINT64_C(0x80000000)

extern struct mmu_cpu fake_mmu[FAKE_CPUS]; /* both PEs see every broadcast TLBI */
/* What hal_s2_geometry reports: 40-bit IPA from level 1 with two root pages after fake_reset. */
extern struct hal_s2_geometry fake_geometry;
extern unsigned fake_flush_ipa_calls, fake_flush_vmid_calls, fake_publish_calls;
extern uint64_t fake_cleaned_bytes; /* hal_dcache_clean's total since fake_reset */
extern bool fake_drop_flushes;      /* the HAL "forgets" TLB maintenance: for tests of the tests */

/* Called on entry to every hal_s2_* call but the geometry; @ipa only for FAKE_S2_FLUSH_IPA. */
enum fake_s2_call { FAKE_S2_PUBLISH, FAKE_S2_FLUSH_IPA, FAKE_S2_FLUSH_VMID };
extern void (*fake_s2_hook)(enum fake_s2_call call, uint16_t vmid, uint64_t ipa);

/* Drops every bank, the reserved list, TLBs and counters. */
void fake_reset(void);
/* Adds a bank of host memory (untouched pages cost nothing) and names it in @plat if given. */
void fake_ram_add(uint64_t base, uint64_t size, struct platform *plat);
/* What hal_mem_reserved reports. */
void fake_reserve(uint64_t base, uint64_t size);
/* Host memory standing for the RAM at @pa (8 bytes at least), or NULL. */
void *fake_ram(uint64_t pa);
uint64_t fake_read64(uint64_t pa);

/* One bank of @size at FAKE_RAM_BASE and frame_init over it. */
void fake_frames(uint64_t size);

/* Points both model PEs at a stage-2-only regime (guest MMU off) on @vttbr. */
void fake_mmu_stage2(uint64_t vttbr, uint64_t vtcr);

/* Runs @fn in a child process and checks it ends in a panic whose console output holds @needle. */
void fake_expect_panic(void (*fn)(void *), void *arg, const char *needle);

extern char fake_console[4096];
