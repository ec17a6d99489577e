/* Random machines for the MMU property test: registers, stage-1/stage-2/EL2 trees with valid and
 * broken descriptors placed so that every outcome (success, each fault, S1PTW) keeps occurring. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "mmu_testlib.h"

#define PT_RAM_PA   0x40000000ull
#define PT_RAM_SIZE (6u << 20)
#define NOWHERE     0x10000000ull /* neither RAM nor (usually) mapped */
#define MAXHOT      64

struct gtree {
	uint64_t root;
	unsigned gran, inbits, start, stage;
	uint64_t ta_off; /* descriptors hold table PA + ta_off (stage-1 tables under stage 2) */
	bool record;     /* remember its tables' PAs so stage 2 can map them */
};

struct gen {
	uint64_t rng;
	struct tram ram;
	struct mmu_regs regs;
	unsigned pa_bits;
	uint64_t delta;
	bool s2on;
	bool split; /* installs replace blocks in their way (for mappings that must hold) */
	struct gtree s2, s1[2], el2;
	uint64_t s1_tables[512], s1_sizes[512];
	unsigned ns1t;
	uint64_t hot[4][MAXHOT]; /* probe-worthy inputs: EL1&0 VAs, IPAs, EL2 VAs; stage-1 outputs */
	unsigned nhot[4];
};

/* A fresh machine for @seed in g->regs/g->ram (RAM reused from the previous seed). */
void gen_machine(struct gen *g, uint64_t seed);
uint64_t rnd(struct gen *g);
unsigned pick(struct gen *g, unsigned n);
bool chance(struct gen *g, unsigned pct);
uint64_t lowmask(unsigned n);
