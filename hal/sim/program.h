/* Sim guest programs and the "kernel" image that names one: what a vCPU finds at its entry point
 * in guest RAM, the layout of the image around it, and the table of programs the sim can run. */
#pragma once

#include <stdint.h>

/* The image starts with this magic and the program's NUL-terminated name (a blob of at most 64
 * bytes); the rest is zero on load, like a kernel's .bss, and belongs to the program's runtime. */
#define SIM_IMAGE_MAGIC     "HALCYON-SIMGUEST"
#define SIM_IMAGE_MAGIC_LEN 16u
#define SIM_IMAGE_NAME_MAX  47u
#define SIM_IMAGE_BLOB_MAX  (SIM_IMAGE_MAGIC_LEN + SIM_IMAGE_NAME_MAX + 1u)

/* Offsets in the image. The sim executes the program's instructions at addresses in its text
 * window, cycling through it as a loop would (a synthetic but consistent pc: ELR, FAR and the
 * core's pc edits refer to real addresses of the image); an exception handler runs in its own
 * window, as the vector's branch to the handler body would take it there. */
#define SIM_IMAGE_TEXT         0x1000u
#define SIM_IMAGE_HANDLER_TEXT 0x1800u
#define SIM_IMAGE_TEXT_SIZE    0x800u
#define SIM_IMAGE_RUNTIME      0x2000u /* from here on: the guest library's pages */
#define SIM_IMAGE_SIZE         0x10000u

/* A program the sim can run: @entry runs on a fresh vCPU at the image's address @image with the
 * vCPU's x0 (the boot protocol's device tree address). Returning ends the program: the vCPU then
 * executes nothing the sim knows, which the hypervisor sees as an undefined instruction. */
struct sim_program {
	const char *name;
	void (*entry)(uint64_t image, uint64_t x0);
};
