/* FP/SIMD state of a vCPU: V0-V31, FPSR and FPCR between the registers and its ctx. The only code
 * the hypervisor runs that touches these registers: it is built -mgeneral-regs-only, so a guest's
 * FP/SIMD state survives its exits untouched and moves only on a switch (vcpu.c). Debian's libfdt.a
 * does use SIMD, in fdt_open_into, fdt_appendprop_addrrange and fdt_add/del_mem_rsv: the core never
 * calls them, and tests/qemu/image_check.sh fails if any hypervisor function comes to reach them. */
#include "arch.h"

	.text
	.globl	fp_save
	.type	fp_save, %function
/* x0 = ctx. FPSR goes last, as a release: that store also ends the ctx's live mark (vcpu.c), and
 * whoever sees the mark gone must see the registers saved. */
fp_save:
	add	x1, x0, #CTX_FP_V
	stp	q0, q1, [x1, #0]
	stp	q2, q3, [x1, #32]
	stp	q4, q5, [x1, #64]
	stp	q6, q7, [x1, #96]
	stp	q8, q9, [x1, #128]
	stp	q10, q11, [x1, #160]
	stp	q12, q13, [x1, #192]
	stp	q14, q15, [x1, #224]
	stp	q16, q17, [x1, #256]
	stp	q18, q19, [x1, #288]
	stp	q20, q21, [x1, #320]
	stp	q22, q23, [x1, #352]
	stp	q24, q25, [x1, #384]
	stp	q26, q27, [x1, #416]
	stp	q28, q29, [x1, #448]
	stp	q30, q31, [x1, #480]
	mrs	x2, fpcr
	str	x2, [x0, #CTX_FPCR]
	mrs	x2, fpsr
	add	x1, x0, #CTX_FPSR
	stlr	x2, [x1]
	ret
	.size	fp_save, . - fp_save

	.globl	fp_load
	.type	fp_load, %function
/* x0 = ctx. FPSR's upper half is RES0: only the architectural half goes back. */
fp_load:
	add	x1, x0, #CTX_FP_V
	ldp	q0, q1, [x1, #0]
	ldp	q2, q3, [x1, #32]
	ldp	q4, q5, [x1, #64]
	ldp	q6, q7, [x1, #96]
	ldp	q8, q9, [x1, #128]
	ldp	q10, q11, [x1, #160]
	ldp	q12, q13, [x1, #192]
	ldp	q14, q15, [x1, #224]
	ldp	q16, q17, [x1, #256]
	ldp	q18, q19, [x1, #288]
	ldp	q20, q21, [x1, #320]
	ldp	q22, q23, [x1, #352]
	ldp	q24, q25, [x1, #384]
	ldp	q26, q27, [x1, #416]
	ldp	q28, q29, [x1, #448]
	ldp	q30, q31, [x1, #480]
	ldr	w2, [x0, #CTX_FPSR]
	msr	fpsr, x2
	ldr	x2, [x0, #CTX_FPCR]
	msr	fpcr, x2
	ret
	.size	fp_load, . - fp_load
