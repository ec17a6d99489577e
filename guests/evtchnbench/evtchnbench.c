/* EVTCHNOP_send path lengths: N sends on a masked port, and N sends to an unmasked port whose
 * upcall the guest takes at its IRQ vector (a handler that acknowledges, clears the upcall flag,
 * selector and pending word, and ends the interrupt), each timed with the virtual counter minus
 * the same loop without the hvc. Under QEMU `-icount shift=0,sleep=off` one instruction is one
 * nanosecond and CNTVCT ticks at 62.5 MHz (16 instructions a tick), so the figures are
 * instructions per send. Runs unchanged as Dom0 or a DomU, under Halcyon or Xen, on GICv3 or
 * GICv2. Figures only: bench/evtchn/run.sh collects them. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/event_channel.h"
#include "public/shared.h"
#include "public/xen.h"

#define DEFAULT_N      100000ull
#define INSNS_PER_TICK 16ull
#define PRIO           0xa0
#define SPIN_LIMIT     10000000ull

extern char evtchnbench_vectors[];

/* x0/x1/x16 the hypercall, x23 the flag the handler sets, x25 the GICC base on GICv2 (0: ICC_*),
 * x26 vcpu_info, x27 the port's pending word. Every variant clears the pending word before its
 * send, so each send goes the whole way (a port already pending stops early); the empty variant
 * sets the flag itself instead of trapping. A lost upcall ends the loop early: n tells. */
#define SEND_LOOP(name, trap, wait)                                                                                    \
	static uint64_t name(uint64_t *n, uint64_t arg, uint64_t vinfo, uint64_t pend, uint64_t gicc)                  \
	{                                                                                                              \
		uint64_t t0, t1, spin;                                                                                 \
		__asm__ volatile(                                                                                      \
		    "mov x25, %[gicc]\n\t"                                                                             \
		    "mov x26, %[vinfo]\n\t"                                                                            \
		    "mov x27, %[pend]\n\t"                                                                             \
		    "msr daifclr, #2\n\t"                                                                              \
		    "isb\n\t"                                                                                          \
		    "mrs %[t0], cntvct_el0\n\t"                                                                        \
		    "isb\n"                                                                                            \
		    "1:\n\t"                                                                                           \
		    "mov x23, #0\n\t"                                                                                  \
		    "str xzr, [x27]\n\t"                                                                               \
		    "mov %[spin], %[limit]\n\t"                                                                        \
		    "mov x0, #4\n\t"                                                                                   \
		    "mov x1, %[arg]\n\t"                                                                               \
		    "mov x16, #32\n\t" trap "\n"                                                                       \
		    "2:\n\t" wait "\n"                                                                                 \
		    "3:\n\t"                                                                                           \
		    "subs %[n], %[n], #1\n\t"                                                                          \
		    "b.ne 1b\n"                                                                                        \
		    "4:\n\t"                                                                                           \
		    "isb\n\t"                                                                                          \
		    "mrs %[t1], cntvct_el0\n\t"                                                                        \
		    "msr daifset, #2"                                                                                  \
		    : [t0] "=&r"(t0), [t1] "=&r"(t1), [spin] "=&r"(spin), [n] "+r"(*n)                                 \
		    : [arg] "r"(arg), [vinfo] "r"(vinfo), [pend] "r"(pend), [gicc] "r"(gicc), [limit] "r"(SPIN_LIMIT)  \
		    : "x0", "x1", "x16", "x23", "x24", "x25", "x26", "x27", "cc", "memory");                           \
		return t1 - t0;                                                                                        \
	}

#define NO_WAIT   "b 3f"
#define WAIT_FLAG "cbnz x23, 3f\n\tsubs %[spin], %[spin], #1\n\tb.ne 2b\n\tb 4f"
SEND_LOOP(loop_empty_masked, "nop", NO_WAIT)
SEND_LOOP(loop_masked, "hvc #0xea1", NO_WAIT)
SEND_LOOP(loop_empty_upcall, "mov x23, #1", WAIT_FLAG)
SEND_LOOP(loop_upcall, "hvc #0xea1", WAIT_FLAG)

/* The upcall's INTID from /hypervisor's interrupts (Xen's binding), 31 when the tree has none. */
static uint32_t upcall_intid(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/hypervisor"), len = 0;
	const fdt32_t *irq = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;
	if (!irq || len < 12 || fdt32_to_cpu(irq[0]) != 1 || fdt32_to_cpu(irq[1]) > 15)
		return 31;
	return 16 + fdt32_to_cpu(irq[1]);
}

static uint64_t hundredths(uint64_t ticks, uint64_t n) { return (ticks * INSNS_PER_TICK * 100 + n / 2) / n; }

typedef uint64_t (*loop_fn)(uint64_t *, uint64_t, uint64_t, uint64_t, uint64_t);

static void measure(const char *key, const char *what, loop_fn loop, loop_fn empty, uint64_t n, uint64_t arg,
		    uint64_t vinfo, uint64_t pend, uint64_t gicc)
{
	uint64_t left = 1000;
	loop(&left, arg, vinfo, pend, gicc);
	left = 1000;
	empty(&left, arg, vinfo, pend, gicc);
	left = n;
	uint64_t base = empty(&left, arg, vinfo, pend, gicc);
	left = n;
	uint64_t ticks = loop(&left, arg, vinfo, pend, gicc);
	if (left) {
		gl_printf("evtchnbench: %s: an upcall never came (%llu of %llu taken), UNEXPECTED\n", key,
			  (unsigned long long)(n - left), (unsigned long long)n);
		return;
	}
	uint64_t t = hundredths(ticks > base ? ticks - base : 0, n);
	gl_printf("evtchnbench: %s %llu.%02llu instructions per send: %s\n", key, (unsigned long long)(t / 100),
		  (unsigned long long)(t % 100), what);
}

void guest_main(const void *fdt)
{
	/* "evtchnbench.n=NUMBER" in the kernel's bootargs overrides the number of sends. */
	uint64_t n = gl_bootarg_u64(fdt, "evtchnbench.n=", 0) ?: DEFAULT_N, gva, arg_gva, old_vbar;
	int gic = gl_gic_init(fdt);
	uint32_t intid = upcall_intid(fdt);
	struct xen_add_to_physmap *x = gl_alloc(64, &arg_gva);

	gl_printf("evtchnbench: %llu sends of each kind, GICv%d, upcall INTID %u\n", (unsigned long long)n, gic, intid);
	gl_alloc(2 * 4096, &gva);
	uint64_t si = (gva + 4095) & ~4095ull;
	*x = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = si >> 12 };
	long rc = gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, arg_gva, 0, 0, 0);
	struct evtchn_bind_ipi *b = (void *)x;
	*b = (struct evtchn_bind_ipi){ .vcpu = 0 };
	long rc2 = rc ?: gl_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, arg_gva, 0, 0, 0);
	if (gic < 0 || rc || rc2) {
		gl_printf("evtchnbench: setup failed (GIC %d, shared_info %ld, bind_ipi %ld), UNEXPECTED\n", gic, rc,
			  rc2);
		gl_shutdown(SHUTDOWN_poweroff);
	}
	evtchn_port_t port = b->port;
	struct evtchn_send *s = (void *)x;
	s->port = port;
	uint64_t gicc = gic == 2 ? gl_gic_redist_base() : 0, word = port / 64 * 8;
	uint64_t pend = si + 48 + word, mask = si + 560 + word, bit = 1ull << (port % 64);

	gl_write64(mask, gl_read64(mask) | bit);
	measure("masked", "EVTCHNOP_send on a masked port", loop_masked, loop_empty_masked, n, arg_gva, si, pend, gicc);
	gl_write64(mask, gl_read64(mask) & ~bit);
	gl_write64(si, 0); /* upcall flag and mask of vcpu_info 0 */
	gl_write64(si + 8, 0);
	gl_gic_enable(intid, PRIO);
	__asm__ volatile("mrs %0, vbar_el1" : "=r"(old_vbar));
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"((uintptr_t)evtchnbench_vectors) : "memory");
	measure("upcall", "EVTCHNOP_send to self, to the guest's upcall handler", loop_upcall, loop_empty_upcall, n,
		arg_gva, si, pend, gicc);
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(old_vbar) : "memory");
	gl_printf("evtchnbench: done\n");
	gl_shutdown(SHUTDOWN_poweroff);
}
