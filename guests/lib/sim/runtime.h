/* The sim guest library's runtime: the start code a registry entry runs a program with, and the
 * per-vCPU state the library's calls share (the sim counterpart of a bare-metal image's crt0). */
#pragma once

#include <stdint.h>

#include "lib/guest.h"

/* Where the library keeps its things in the program's image (from hal/sim's SIM_IMAGE_RUNTIME on):
 * the vector table; the arena's fill level and gl_irq_vector's handler (words of guest RAM, as
 * lib/real's .bss, so every vCPU of the image shares them); gl_cpu_on's
 * table of secondary functions by vCPU and the image its vCPUs start at (see gl_sim_secondary); one page per
 * vCPU for what the hypervisor reads (console text, the shutdown reason), which must be guest
 * memory; and gl_alloc's arena, the size of lib/real's. */
#define GL_SIM_VECTORS      0x2000u
#define GL_SIM_ARENA_USED   0x2800u
#define GL_SIM_IRQ_FN       0x2808u
#define GL_SIM_LOCALS       0x2810u /* gl_domain_local's words, host pointers as GL_SIM_IRQ_FN */
#define GL_SIM_SECONDARY_FN 0x2a00u
#define GL_SIM_SECONDARY    0x2c00u
#define GL_SIM_BOUNCE       0x3000u
#define GL_SIM_PAGE         0x1000u
#define GL_SIM_MAX_VCPUS    GL_MAX_VCPUS
#define GL_SIM_ARENA        0xc000u
#define GL_SIM_ARENA_SIZE   0x4000u

/* The largest device tree the start code copies for the program. */
#define GL_SIM_TREE_MAX (64u << 10)

struct gl_sim_cpu {
	uint64_t image;
	uint64_t bounce; /* this vCPU's page, a guest VA */
	struct gl_abort *catch;
};

/* The calling vCPU's library state. */
struct gl_sim_cpu *gl_sim_cpu(void);

/* Runs @main on this vCPU as the program of the image at @image: installs the vectors, copies the
 * tree at @x0 (read through the MMU) where the C program can read it, and shuts the domain down
 * (poweroff) if @main returns. A tree that cannot be read gives @main NULL. */
void gl_sim_start(void (*main)(const void *fdt), uint64_t image, uint64_t x0);

/* The program name of the image gl_cpu_on writes at GL_SIM_SECONDARY, for the registry to run
 * gl_sim_secondary: a secondary vCPU is reset to that entry, and the sim starts whatever image it
 * finds at a fresh vCPU's pc. */
#define GL_SIM_SECONDARY_PROGRAM "gl-secondary"

/* A secondary vCPU's start, the sim's counterpart of lib/real's gl_secondary_entry: @entry is the
 * image at GL_SIM_SECONDARY, @x0 the context id (the vCPU id). Runs the function gl_cpu_on left
 * for it, then CPU_OFF. */
void gl_sim_secondary(uint64_t entry, uint64_t x0);
