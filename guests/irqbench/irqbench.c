/* Interrupt path lengths: N virtual-timer interrupts and N SGIs to itself, each taken by a guest
 * spinning on a flag its IRQ handler sets, timed with the virtual counter, minus the same loop
 * with the flag set directly. Under QEMU `-icount shift=0,sleep=off` one instruction is one
 * nanosecond and CNTVCT ticks at 62.5 MHz (16 instructions a tick), so the figures are
 * instructions per interrupt: the hypervisor's whole path from the trigger to the guest's IRQ
 * vector and back, plus the guest's own five-instruction handler (vectors.S). Runs unchanged as
 * Dom0 or a DomU, under Halcyon or Xen, on GICv3 or GICv2. Figures only: bench/irq collects them. */

#include "lib/guest.h"
#include "public/xen.h"

#define DEFAULT_N      100000ull
#define INSNS_PER_TICK 16ull
#define SGI_BENCH      1
#define PRIO           0xa0
/* Spins on the flag before an interrupt counts as lost: far beyond any path length. */
#define SPIN_LIMIT 10000000ull
#define GICD_SGIR  0xf00

extern char irqbench_vectors[];

/* One asm block per variant, so that they differ only in the trigger. x23 is the flag the handler
 * sets, x24 its scratch, x25 the GICC base on GICv2 (0: ICC_* registers). A lost interrupt ends
 * the loop early: the count left in n tells. */
#define IRQ_LOOP(name, trigger)                                                                                        \
	static uint64_t name(uint64_t *n, uint64_t arg, uint64_t addr, uint64_t gicc)                                  \
	{                                                                                                              \
		uint64_t t0, t1, spin;                                                                                 \
		__asm__ volatile("mov x25, %[gicc]\n\t"                                                                \
				 "msr daifclr, #2\n\t"                                                                 \
				 "isb\n\t"                                                                             \
				 "mrs %[t0], cntvct_el0\n\t"                                                           \
				 "isb\n"                                                                               \
				 "1:\n\t"                                                                              \
				 "mov x23, #0\n\t"                                                                     \
				 "mov %[spin], %[limit]\n\t" trigger "\n\t"                                            \
				 "isb\n"                                                                               \
				 "2:\n\t"                                                                              \
				 "cbnz x23, 3f\n\t"                                                                    \
				 "subs %[spin], %[spin], #1\n\t"                                                       \
				 "b.ne 2b\n\t"                                                                         \
				 "b 4f\n"                                                                              \
				 "3:\n\t"                                                                              \
				 "subs %[n], %[n], #1\n\t"                                                             \
				 "b.ne 1b\n"                                                                           \
				 "4:\n\t"                                                                              \
				 "isb\n\t"                                                                             \
				 "mrs %[t1], cntvct_el0\n\t"                                                           \
				 "msr daifset, #2"                                                                     \
				 : [t0] "=&r"(t0), [t1] "=&r"(t1), [spin] "=&r"(spin), [n] "+r"(*n)                    \
				 : [arg] "r"(arg), [addr] "r"(addr), [gicc] "r"(gicc), [limit] "r"(SPIN_LIMIT)         \
				 : "x23", "x24", "x25", "cc", "memory");                                               \
		return t1 - t0;                                                                                        \
	}

IRQ_LOOP(loop_direct, "mov x23, #1")
IRQ_LOOP(loop_vtimer, "msr cntv_ctl_el0, %[arg]")
IRQ_LOOP(loop_sgi_v3, "msr icc_sgi1r_el1, %[arg]")
IRQ_LOOP(loop_sgi_v2, "str %w[arg], [%[addr]]")

/* "irqbench.n=NUMBER" in the kernel's bootargs (the multiboot,kernel module's bootargs under both
 * hypervisors) overrides the number of interrupts; "irqbench.only=vtimer" or "=sgi" runs one kind
 * (for profiles of a single path). */
static bool wanted(const void *fdt, const char *kind)
{
	const char *p = gl_bootarg(fdt, "irqbench.only=");
	size_t i = 0;

	if (!p)
		return true;
	while (kind[i] && p[i] == kind[i])
		i++;
	return !kind[i] && (!p[i] || p[i] == ' ');
}

static uint64_t hundredths(uint64_t ticks, uint64_t n) { return (ticks * INSNS_PER_TICK * 100 + n / 2) / n; }

/* Runs @loop for @n interrupts (after a short warm-up) and prints its cost above the direct loop. */
static void measure(const char *key, const char *what, uint64_t (*loop)(uint64_t *, uint64_t, uint64_t, uint64_t),
		    uint64_t n, uint64_t direct, uint64_t arg, uint64_t addr, uint64_t gicc)
{
	uint64_t left = 1000;
	loop(&left, arg, addr, gicc);
	left = n;
	uint64_t ticks = loop(&left, arg, addr, gicc);
	if (left) {
		gl_printf("irqbench: %s: an interrupt never came (%llu of %llu taken), UNEXPECTED\n", key,
			  (unsigned long long)(n - left), (unsigned long long)n);
		return;
	}
	uint64_t t = hundredths(ticks > direct ? ticks - direct : 0, n);
	gl_printf("irqbench: %s %llu.%02llu instructions per interrupt: %s\n", key, (unsigned long long)(t / 100),
		  (unsigned long long)(t % 100), what);
}

void guest_main(const void *fdt)
{
	uint64_t n = gl_bootarg_u64(fdt, "irqbench.n=", 0) ?: DEFAULT_N, left, old_vbar;
	int gic = gl_gic_init(fdt);
	uint32_t vppi = gl_timer_vppi(fdt);

	gl_printf("irqbench: %llu interrupts of each kind, GICv%d\n", (unsigned long long)n, gic);
	if (gic < 0) {
		gl_printf("irqbench: no GIC, UNEXPECTED\n");
		return;
	}
	uint64_t gicc = gic == 2 ? gl_gic_redist_base() : 0;
	gl_gic_enable(vppi, PRIO);
	gl_gic_enable(SGI_BENCH, PRIO);
	gl_sysreg_write(GL_CNTV_CVAL_EL0, 0); /* always expired: enabling the timer is the trigger */
	__asm__ volatile("mrs %0, vbar_el1" : "=r"(old_vbar));
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"((uintptr_t)irqbench_vectors) : "memory");

	left = 1000;
	loop_direct(&left, 0, 0, gicc);
	left = n;
	uint64_t direct = loop_direct(&left, 0, 0, gicc), t = hundredths(direct, n);
	gl_printf("irqbench: loop %llu.%02llu instructions per iteration without an interrupt\n",
		  (unsigned long long)(t / 100), (unsigned long long)(t % 100));
	if (wanted(fdt, "vtimer"))
		measure("vtimer", "virtual timer (expired CVAL, CNTV_CTL enabled) to the guest's handler", loop_vtimer,
			n, direct, 1, 0, gicc);
	if (wanted(fdt, "sgi") && gic == 3)
		measure("sgi", "SGI to itself (ICC_SGI1R_EL1 write) to the guest's handler", loop_sgi_v3, n, direct,
			(uint64_t)SGI_BENCH << 24 | 1u << (gl_vcpu_id() % 16), 0, gicc);
	else if (wanted(fdt, "sgi"))
		measure("sgi", "SGI to itself (GICD_SGIR write) to the guest's handler", loop_sgi_v2, n, direct,
			2u << 24 | SGI_BENCH, gl_gic_dist_base() + GICD_SGIR, gicc);
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(old_vbar) : "memory");
	gl_printf("irqbench: done\n");
	gl_shutdown(SHUTDOWN_poweroff);
}
