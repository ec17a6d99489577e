/* A guest for hal/sim's vCPU tests: hand-built stage-2 tables in the harness's RAM, a program
 * image, a vCPU context as the core would set it up, and a fake core's run loop over its exits. */
#pragma once

#include "hal/vcpu.h"
#include "harness.h"
#include "sim/program.h"

#define FIX_IPA      0x40000000ull                    /* guest RAM, as Xen's DomU layout */
#define FIX_S2_ROOT  (HARNESS_RAM_BASE + 0x100000ull) /* two concatenated level-1 tables (8 KiB) */
#define FIX_S2_L2    (FIX_S2_ROOT + 0x2000)
#define FIX_S2_L3    (FIX_S2_ROOT + 0x3000)
#define FIX_GUEST_PA (HARNESS_RAM_BASE + 0x400000ull) /* where guest RAM starts */
#define FIX_VMID     1u
#define FIX_HOLE     0x80000000ull              /* level-1 entry invalid: a level-1 translation fault */
#define FIX_TEXT     (FIX_IPA + SIM_IMAGE_TEXT) /* the program's first instruction */

/* The HCR_EL2 the core gives guests (hyp/dom/vcpu.h's HCR_GUEST). */
#define FIX_HCR 0x8078663bull

#define FIX_MAX_EXITS 64

struct fix_exit {
	uint64_t esr, far, hpfar, pc;
	uint64_t x[31];
};

struct fix {
	struct hal_vcpu_ctx ctx;
	unsigned blocks; /* 2 MiB blocks of guest RAM at FIX_IPA */
	struct fix_exit exits[FIX_MAX_EXITS];
	unsigned nexits;
	/* The fake core's exit handling: return false to stop running the vCPU. */
	bool (*handle)(struct hal_vcpu_ctx *ctx, const struct hal_exit *e);
	const char *program;   /* written as the image at FIX_IPA (NULL: leave RAM as it is) */
	uint64_t entry;        /* the vCPU's first pc (0: FIX_IPA) */
	void (*prepare)(void); /* after stage 2 is built, before the first entry */
	uint64_t x0;
	uint64_t seed;
	uint64_t stopped_at; /* virtual time when the loop ended */
};

extern struct fix fix;

/* Clears @fix, resets the harness and installs @programs. */
void fix_reset(const struct sim_program *programs, unsigned n);

/* Maps FIX_IPA + @blocks * 2 MiB as blocks to FIX_GUEST_PA on, then one L3 table after them. */
void fix_s2_build(unsigned blocks);
void fix_s2_page(uint64_t ipa, uint64_t pa); /* in the L3 table: the 2 MiB after the blocks */
uint64_t *fix_s2_l3_entry(uint64_t ipa);

/* Guest RAM at @ipa, through the fixture's stage 2 (blocks only). */
void *fix_guest_ram(uint64_t ipa);

/* The boot CPU's code: builds stage 2 (fix.blocks, default 1), writes the image, sets the context up
 * as the core would and runs it until fix.handle says stop. Run it with harness_run. */
void fix_core(void);

/* Runs fix_core on the harness; returns the run's status. */
int fix_run(struct sim_result *r);

/* The fake core's injection of an abort, as hyp/traps/inject.c does it (EC 0x25, ISS 0). */
void fix_inject_dabt(struct hal_vcpu_ctx *ctx, uint64_t far);
