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

/* Bulk copies between the program's own memory (@buf, a C pointer) and guest memory at @gva that is
 * not plain RAM of its own: a peer's page mapped through a grant, shared_info, a magic page. Sim:
 * translated through both stages page by page when the copy runs (a page that does not translate is
 * touched one byte at a time, so its fault or emulation is the architecture's); real: aligned single
 * loads and stores, since the library's identity map makes that region Device memory. */
void gl_copy_from(uint64_t gva, void *buf, size_t len);
void gl_copy_to(uint64_t gva, const void *buf, size_t len);

/* Compare-and-swap of the 4-byte aligned word at @addr: @new is stored only if it held @old. Returns
 * what it held. For words the hypervisor changes under the guest's feet (grant entries' flags). */
uint32_t gl_cmpxchg32(uint64_t addr, uint32_t old, uint32_t new);

/* A full barrier (DMB ISH) between this vCPU's accesses and the order a peer domain sees them in:
 * shared rings publish their data before their indices with it. */
void gl_mb(void);

/* A synchronous data abort taken at EL1, as the guest's own vector saw it. */
struct gl_abort {
	bool taken;
	uint64_t esr; /* ESR_EL1 */
	uint64_t far; /* FAR_EL1 */
};

/* From now on a data abort at EL1 is recorded in *@a (the first one wins) and the faulting
 * access skipped (a load reads 0), instead of ending the guest. NULL makes aborts fatal again. */
void gl_catch_aborts(struct gl_abort *a);

/* The guest's command line (/chosen/bootargs of its tree): gl_bootarg returns what follows the
 * word that starts with @key (e.g. "hvcbench.n="), NULL when there is none; gl_bootarg_u64 reads it
 * as a decimal number (0 if it has no digits), @absent when the word is missing. */
const char *gl_bootarg(const void *fdt, const char *key);
uint64_t gl_bootarg_u64(const void *fdt, const char *key, uint64_t absent);

/* The first /memory bank of the guest's tree: where the hypervisor put its RAM. False if none. */
bool gl_ram_bank(const void *fdt, uint64_t *base, uint64_t *size);

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

/*
 * Interrupts and timers, as an OS drives them. The world-specific part is small: system register
 * moves, PSTATE.I, WFI and the IRQ vector. The GIC driver on top (gic.c) is shared: it finds the
 * GIC in the device tree and programs it through MMIO (gl_read32/gl_write32) and these registers.
 */
enum gl_sysreg {
	GL_ICC_IAR1_EL1,
	GL_ICC_EOIR1_EL1,
	GL_ICC_DIR_EL1,
	GL_ICC_PMR_EL1,
	GL_ICC_BPR1_EL1,
	GL_ICC_CTLR_EL1,
	GL_ICC_SRE_EL1,
	GL_ICC_IGRPEN1_EL1,
	GL_ICC_SGI1R_EL1,
	GL_ICC_RPR_EL1,
	GL_ICC_HPPIR1_EL1,
	GL_CNTFRQ_EL0,
	GL_CNTVCT_EL0,
	GL_CNTV_CTL_EL0,
	GL_CNTV_CVAL_EL0,
	GL_CNTV_TVAL_EL0,
	GL_CNTPCT_EL0,
	GL_CNTP_CTL_EL0,
	GL_CNTP_CVAL_EL0,
	GL_CNTP_TVAL_EL0,
};
uint64_t gl_sysreg_read(enum gl_sysreg r);
void gl_sysreg_write(enum gl_sysreg r, uint64_t val);

/* PSTATE.I: gl_irq_unmask lets IRQs in (DAIFClr #2), gl_irq_mask keeps them out (DAIFSet #2). */
void gl_irq_unmask(void);
void gl_irq_mask(void);

/* WFI: returns once an interrupt is pending (taken first if unmasked), or spuriously. */
void gl_wfi(void);

/* Runs @fn(@arg) from inside an IRQ handler with IRQs unmasked, so a higher-priority interrupt can
 * preempt the one being handled (its handler nests); ELR_EL1/SPSR_EL1 of the outer exception are
 * kept across it. IRQs are masked again when it returns. */
void gl_irq_preemptible(void (*fn)(void *), void *arg);

/* The IRQ exception at EL1 calls @fn (on the interrupted vCPU's stack, IRQs masked); returning
 * ERETs to the interrupted code. NULL: an IRQ exception ends the guest as crashed. */
void gl_irq_vector(void (*fn)(void));

/* The shared GIC driver (gic.c). gl_gic_init finds the GIC in @fdt, sets up the distributor (all
 * SPIs off, group 1) and this vCPU's interface; gl_gic_cpu_init does the vCPU's part on a secondary.
 * Return the GIC version (2 or 3), or a negative value when the tree has no usable GIC. */
int gl_gic_init(const void *fdt);
int gl_gic_cpu_init(void);
/* Acknowledge (IAR), end (EOIR; with EOImode 0 this also deactivates), as an OS's handler does. */
uint32_t gl_gic_ack(void);
void gl_gic_eoi(uint32_t intid);
/* EOImode: false, EOIR drops the priority and deactivates; true, EOIR only drops it and
 * gl_gic_deactivate (ICC_DIR_EL1 / GICC_DIR) deactivates. */
void gl_gic_set_eoimode(bool split);
void gl_gic_deactivate(uint32_t intid);
void gl_gic_enable(uint32_t intid, uint8_t prio); /* SGI/PPI: this vCPU's; SPI: routed to it */
void gl_gic_disable(uint32_t intid);
void gl_gic_send_sgi(unsigned vcpu, unsigned sgi); /* to the vCPU with MPIDR affinity 0 = @vcpu */
uint64_t gl_gic_dist_base(void);                   /* for tests that read registers as an OS does */
uint64_t gl_gic_redist_base(void);                 /* v3: this vCPU's RD_base; v2: the GICC base */

/* The virtual timer's PPI from the device tree's /timer node (the third interrupt), 27 normally. */
uint32_t gl_timer_vppi(const void *fdt);

/* Words of per-domain storage for the library's own modules (evtchn, xs, ...), each holding the
 * pointer to that module's state: a program's statics are its domain's on QEMU, but the sim links
 * every domain's programs and the library into one process. NULL until a module sets it. */
enum gl_local {
	GL_LOCAL_EVTCHN,
	GL_LOCAL_XS,
	GL_LOCAL_GNTTAB,
	GL_LOCAL_CONS,
	GL_LOCAL_XENBUS,
	GL_LOCAL_TOOLS,
	GL_LOCAL_GIC,
	GL_LOCAL_COUNT = 8
};
void **gl_domain_local(enum gl_local slot);
