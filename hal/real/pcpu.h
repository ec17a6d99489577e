/* The EL2 port's per-CPU area. TPIDR_EL2 holds (index + 1) << 32 from start.S on: the value
 * vcpu.c marks a ctx live with, so entry.S compares it without a load, and the index follows. */
#pragma once

#include <stdint.h>

#include "arch.h"

struct pcpu {
	uintptr_t loaded; /* the ctx whose EL1 and FP/SIMD state sits in this CPU's registers */
} __attribute__((aligned(1 << PCPU_SHIFT)));

extern struct pcpu pcpus[REAL_MAX_CPUS];

static inline uint64_t pcpu_mark(void) { return sysreg_read(tpidr_el2); }

static inline unsigned pcpu_index(void) { return (unsigned)(pcpu_mark() >> 32) - 1; }

static inline struct pcpu *pcpu_this(void) { return &pcpus[pcpu_index()]; }
