/* The test-guest library: what a guest program may do, the same in both worlds. Real: bare-metal
 * EL1 code on QEMU; sim: a C program on a hal/sim vCPU, its every access walked through stage 2. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The program's entry, on vCPU 0, with the guest's device tree (identity-mapped: VA == IPA). */
void guest_main(const void *fdt);

/* hvc #0xEA1: op in x16, arguments in x0-x4, result from x0. */
long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

/* An SMCCC call (PSCI...) through the hypervisor conduit, hvc #0: function ID in w0, arguments in
 * x1-x3, result from x0. */
long gl_smccc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* Memory for hypercall arguments: @size zeroed bytes of the guest's own RAM, 16-byte aligned, that
 * the program reads and writes through the returned pointer and hands the hypervisor as *@gva.
 * Never freed; NULL (and the guest shut down as crashed) when the arena is exhausted. */
void *gl_alloc(size_t size, uint64_t *gva);

/* Single loads and stores of one general register (LDR/STR), so a stage-2 fault on them carries
 * a valid instruction syndrome (ISV) for the hypervisor to decode. */
uint32_t gl_read32(uint64_t addr);
void gl_write32(uint64_t addr, uint32_t val);
uint64_t gl_read64(uint64_t addr);
void gl_write64(uint64_t addr, uint64_t val);

/* A synchronous data abort taken at EL1, as the guest's own vector saw it. */
struct gl_abort {
	bool taken;
	uint64_t esr; /* ESR_EL1 */
	uint64_t far; /* FAR_EL1 */
};

/* From now on a data abort at EL1 is recorded in *@a (the first one wins) and the faulting
 * access skipped (a load reads 0), instead of ending the guest. NULL makes aborts fatal again. */
void gl_catch_aborts(struct gl_abort *a);

/* console_io write. */
void gl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The vCPUs a program can run on: beyond this, the library has no stack (real) or console page
 * (sim) for a vCPU, so a secondary started with a larger id turns itself off at once. */
#define GL_MAX_VCPUS 8u

/* PSCI CPU_ON_64 of the vCPU whose MPIDR affinity is @vcpu (Halcyon and Xen number them so), at
 * the library's secondary entry with @vcpu as the context id: there @fn(@vcpu) runs on its own
 * stack, with the vectors and the identity map the primary set up, and the vCPU turns off when it
 * returns. Returns the PSCI result (0 success, -4 already on, ...). */
long gl_cpu_on(unsigned vcpu, void (*fn)(unsigned vcpu));

/* PSCI CPU_OFF of the calling vCPU; never returns. */
__attribute__((noreturn)) void gl_cpu_off(void);

/* The calling vCPU's id: MPIDR_EL1 affinity level 0. */
unsigned gl_vcpu_id(void);

/* SCHEDOP_shutdown with a SHUTDOWN_* reason; never returns. */
__attribute__((noreturn)) void gl_shutdown(unsigned reason);
