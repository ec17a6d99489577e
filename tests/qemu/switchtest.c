/* A test guest for hal/real's lazy vCPU switch: run several at once on one pCPU and each fills the
 * FP/SIMD registers and EL1 system registers with its own pattern, yields, and finds them intact. */
#include "lib/guest.h"
#include "public/xen.h"

#define ROUNDS 300

#define sysreg_read(reg)                                                                                               \
	({                                                                                                             \
		uint64_t v_;                                                                                           \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_));                                                          \
		v_;                                                                                                    \
	})
#define sysreg_write(reg, v) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(v)) : "memory")

/* V0-V31 as written and as read back. C here never touches them (-mgeneral-regs-only). */
static uint64_t vin[64] __attribute__((aligned(16))), vout[64] __attribute__((aligned(16)));

#define Q_PAIRS(op, base)                                                                                              \
	op " q0, q1, [" base ", #0]\n\t" op " q2, q3, [" base ", #32]\n\t" op " q4, q5, [" base ", #64]\n\t" op        \
	   " q6, q7, [" base ", #96]\n\t" op " q8, q9, [" base ", #128]\n\t" op " q10, q11, [" base ", #160]\n\t" op   \
	   " q12, q13, [" base ", #192]\n\t" op " q14, q15, [" base ", #224]\n\t" op " q16, q17, [" base               \
	   ", #256]\n\t" op " q18, q19, [" base ", #288]\n\t" op " q20, q21, [" base ", #320]\n\t" op                  \
	   " q22, q23, [" base ", #352]\n\t" op " q24, q25, [" base ", #384]\n\t" op " q26, q27, [" base               \
	   ", #416]\n\t" op " q28, q29, [" base ", #448]\n\t" op " q30, q31, [" base ", #480]\n\t"

/* The EL1 registers the HAL switches lazily, and the ones it moves at every exit. */
struct el1 {
	uint64_t tpidr_el1, tpidr_el0, tpidrro_el0, contextidr, par, sp_el0, csselr, far, elr, spsr, fpcr, fpsr;
};

static struct el1 el1_pattern(uint64_t p)
{
	return (struct el1){
		.tpidr_el1 = p,
		.tpidr_el0 = ~p,
		.tpidrro_el0 = p + 1,
		.contextidr = p & 0xffffffff,
		.par = p & 0xfffffffff000ull,
		.sp_el0 = p & ~0xfull,
		.csselr = p & 1 ? 2 : 0,
		.far = p + 7,
		.elr = p + 8,
		.spsr = 0x3c5,
		.fpcr = (p & 3) << 24 | ((p >> 2) & 3) << 22, /* FZ, DN, RMode */
		.fpsr = (p & 0x9f) | ((p >> 8) & 0xf) << 28,  /* cumulative flags, NZCV */
	};
}

static void el1_write(const struct el1 *r)
{
	sysreg_write(tpidr_el1, r->tpidr_el1);
	sysreg_write(tpidr_el0, r->tpidr_el0);
	sysreg_write(tpidrro_el0, r->tpidrro_el0);
	sysreg_write(contextidr_el1, r->contextidr);
	sysreg_write(par_el1, r->par);
	sysreg_write(sp_el0, r->sp_el0);
	sysreg_write(csselr_el1, r->csselr);
	sysreg_write(far_el1, r->far);
	sysreg_write(elr_el1, r->elr);
	sysreg_write(spsr_el1, r->spsr);
	sysreg_write(fpcr, r->fpcr);
	sysreg_write(fpsr, r->fpsr);
}

static struct el1 el1_read(void)
{
	return (struct el1){ sysreg_read(tpidr_el1),      sysreg_read(tpidr_el0), sysreg_read(tpidrro_el0),
			     sysreg_read(contextidr_el1), sysreg_read(par_el1),   sysreg_read(sp_el0),
			     sysreg_read(csselr_el1),     sysreg_read(far_el1),   sysreg_read(elr_el1),
			     sysreg_read(spsr_el1),       sysreg_read(fpcr),      sysreg_read(fpsr) };
}

static unsigned differences(const uint64_t *a, const uint64_t *b, unsigned n)
{
	unsigned d = 0;

	for (unsigned i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

void guest_main(const void *fdt)
{
	/* Each instance its own patterns: they start at different times. */
	uint64_t seed = sysreg_read(cntvct_el0) * 0x9e3779b97f4a7c15ull;
	unsigned bad = 0, r;

	(void)fdt;
	for (r = 0; r < ROUNDS && !bad; r++) {
		uint64_t p = seed + r * 0x1000193ull;
		struct el1 want = el1_pattern(p), got;

		for (unsigned i = 0; i < 64; i++)
			vin[i] = p ^ (i * 0x0101010101010101ull);
		__asm__ volatile(Q_PAIRS("ldp", "%0")::"r"(vin) : "memory");
		el1_write(&want);
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
		__asm__ volatile(Q_PAIRS("stp", "%0")::"r"(vout) : "memory");
		got = el1_read();
		bad = differences(vin, vout, 64) +
		      differences((const uint64_t *)&want, (const uint64_t *)&got, sizeof(want) / sizeof(uint64_t));
	}
	if (bad)
		gl_printf("switchtest: round %u: %u registers changed across a yield\n", r - 1, bad);
	gl_printf("switchtest: %s after %u rounds\n", bad ? "FAIL" : "PASS", r);
	gl_shutdown(bad ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
