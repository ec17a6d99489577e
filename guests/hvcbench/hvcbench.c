/* Path lengths of the cheapest guest-to-hypervisor round trips: N calls of each kind in a tight loop,
 * timed with the virtual counter, minus the same loop without the trap. Under QEMU
 * `-icount shift=0,sleep=off` one instruction is one nanosecond and CNTVCT ticks at 62.5 MHz, so a
 * tick is 16 instructions and the figures are instructions per call; without -icount they are
 * nanoseconds of emulation. Runs unchanged as Dom0 or a DomU, under Halcyon or Xen. Prints figures
 * only: bench/hvc/run.sh collects them. */

#include "lib/guest.h"
#include "public/xen.h"

#define DEFAULT_CALLS       1000000ull
#define INSNS_PER_TICK      16ull /* 1 GHz of virtual instructions over a 62.5 MHz counter */
#define PSCI_VERSION_FID    0x84000000u
#define UNKNOWN_HYPERCALL   63
#define ENOSYS_RESULT       -38
#define PSCI_VERSION_RESULT 0x10001

/* Each loop is one asm block so that the compiler adds nothing to it and every variant runs the same
 * instructions but the trap: two MOVs that load x0 and x16, the trap (or nothing), SUBS, B.NE. The
 * difference to the empty variant is then exactly the trap with the whole hypervisor path behind
 * it. x0-x17 are clobbered: Xen's debug builds scramble the hypercall argument registers and
 * SMCCC 1.0 allows a callee to change x4-x17. The ISBs keep the counter reads in program order. */
#define TIMED_LOOP(name, setup, trap)                                                                                  \
	static uint64_t name(uint64_t n, uint64_t *x0_out)                                                             \
	{                                                                                                              \
		uint64_t t0, t1, x0;                                                                                   \
		__asm__ volatile("isb\n\t"                                                                             \
				 "mrs %[t0], cntvct_el0\n\t"                                                           \
				 "isb\n"                                                                               \
				 "1:\n\t" setup "\n\t" trap "\n\t"                                                     \
				 "subs %[n], %[n], #1\n\t"                                                             \
				 "b.ne 1b\n\t"                                                                         \
				 "isb\n\t"                                                                             \
				 "mrs %[t1], cntvct_el0\n\t"                                                           \
				 "mov %[x0], x0"                                                                       \
				 : [t0] "=&r"(t0), [t1] "=&r"(t1), [x0] "=&r"(x0), [n] "+r"(n)                         \
				 :                                                                                     \
				 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",    \
				   "x13", "x14", "x15", "x16", "x17", "cc", "memory");                                 \
		*x0_out = x0;                                                                                          \
		return t1 - t0;                                                                                        \
	}

/* The "1" in "mov x16, #..." is only there to keep the MOV count equal in every loop. */
TIMED_LOOP(loop_empty, "mov x0, #0\n\tmov x16, #17", "")
TIMED_LOOP(loop_xen_version, "mov x0, #0\n\tmov x16, #17", "hvc #0xea1")
TIMED_LOOP(loop_unknown_op, "mov x0, #0\n\tmov x16, #63", "hvc #0xea1")
TIMED_LOOP(loop_psci_version, "mov x0, #0x84000000\n\tmov x16, #1", "hvc #0")

/* Hundredths of an instruction per iteration, rounded: a fraction shows work that is not per call
 * (a timer tick of the hypervisor's own, say) spread over the loop. */
static uint64_t hundredths_per_call(uint64_t ticks, uint64_t n) { return (ticks * INSNS_PER_TICK * 100 + n / 2) / n; }

static void report(const char *key, const char *what, uint64_t ticks, uint64_t empty, uint64_t n, long got, long want)
{
	uint64_t t = hundredths_per_call(ticks > empty ? ticks - empty : 0, n);

	gl_printf("hvcbench: %s %llu.%02llu instructions per call: %s (returned %ld%s)\n", key,
		  (unsigned long long)(t / 100), (unsigned long long)(t % 100), what, got,
		  got == want ? "" : ", UNEXPECTED");
}

void guest_main(const void *fdt)
{
	/* "hvcbench.n=NUMBER" in the kernel's bootargs (the multiboot,kernel module's, under both
	 * hypervisors) overrides the number of calls. */
	uint64_t n = gl_bootarg_u64(fdt, "hvcbench.n=", 0) ?: DEFAULT_CALLS, x0;

	gl_printf("hvcbench: %llu calls of each kind\n", (unsigned long long)n);
	/* A first short round warms the caches and TLBs of both worlds; only the second counts. */
	loop_empty(1000, &x0);
	loop_xen_version(1000, &x0);
	loop_unknown_op(1000, &x0);
	loop_psci_version(1000, &x0);

	uint64_t empty = loop_empty(n, &x0);
	uint64_t t = hundredths_per_call(empty, n);
	gl_printf("hvcbench: loop %llu.%02llu instructions per iteration (4.00 under -icount shift=0)\n",
		  (unsigned long long)(t / 100), (unsigned long long)(t % 100));

	uint64_t ticks = loop_xen_version(n, &x0);
	report("xen_version", "xen_version(XENVER_version)", ticks, empty, n, (long)x0, 4l << 16 | 17);
	ticks = loop_psci_version(n, &x0);
	report("psci_version", "PSCI_VERSION via hvc #0", ticks, empty, n, (long)x0, PSCI_VERSION_RESULT);
	ticks = loop_unknown_op(n, &x0);
	report("unknown_op", "hypercall 63 (ENOSYS)", ticks, empty, n, (long)x0, ENOSYS_RESULT);
	gl_printf("hvcbench: done\n");
	gl_shutdown(SHUTDOWN_poweroff);
}
