/* The guest library for bare-metal EL1 images, over Xen's arm64 hypercall ABI: hypercalls, console
 * output, shutdown, and memory accesses that are exactly one LDR or STR each. */
#include <stdarg.h>

#include "core/format.h"
#include "lib/guest.h"
#include "public/xen.h"

#define CONSOLE_LINE 256

#define PSCI_CPU_OFF_FID   0x84000002u
#define PSCI_CPU_ON_64_FID 0xc4000003u

struct sched_shutdown {
	uint32_t reason;
};

long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	register uint64_t x16 __asm__("x16") = op;

	/* Xen may clobber the argument registers and x16 (its debug builds do, deliberately). */
	__asm__ volatile("hvc #0xea1" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x16) : : "memory");
	return (long)x0;
}

/* The destination register holds 0 before the load: if it aborts and gl_exception skips it, the
 * caller reads 0. */
uint32_t gl_read32(uint64_t addr)
{
	uint64_t v = 0;

	__asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	return (uint32_t)v;
}

uint64_t gl_read64(uint64_t addr)
{
	uint64_t v = 0;

	__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	return v;
}

void gl_write32(uint64_t addr, uint32_t val) { __asm__ volatile("str %w0, [%1]" : : "r"(val), "r"(addr) : "memory"); }

void gl_write64(uint64_t addr, uint64_t val) { __asm__ volatile("str %0, [%1]" : : "r"(val), "r"(addr) : "memory"); }

/* The buffer's address is an IPA as the hypervisor needs it: start.S maps VA == IPA. */
void gl_printf(const char *fmt, ...)
{
	char buf[CONSOLE_LINE];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	gl_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uintptr_t)buf, 0, 0);
}

long gl_smccc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC 1.1: x4-x17 are preserved, only x0-x3 may change. */
	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (long)x0;
}

/* The image's own .bss: identity-mapped, so a pointer is the guest address the hypervisor needs. */
static uint8_t arena[16384] __attribute__((aligned(16)));
static size_t arena_used;

/* Several vCPUs may allocate at once: each claims its bytes by moving the fill level atomically. */
void *gl_alloc(size_t size, uint64_t *gva)
{
	size_t n = (size + 15) & ~(size_t)15, used = __atomic_load_n(&arena_used, __ATOMIC_RELAXED);

	do {
		if (n < size || n > sizeof(arena) - used) {
			gl_printf("guest: gl_alloc(%zu): arena exhausted\n", size);
			gl_shutdown(SHUTDOWN_crash);
		}
	} while (!__atomic_compare_exchange_n(&arena_used, &used, used + n, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	void *p = arena + used;
	__builtin_memset(p, 0, n);
	*gva = (uintptr_t)p;
	return p;
}

void gl_shutdown(unsigned reason)
{
	static struct sched_shutdown s;

	s.reason = reason;
	/* A shut-down vCPU is never resumed; if the hypervisor refuses, there is nothing else to do. */
	for (;;)
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&s, 0, 0, 0);
}

/* What start.S's gl_secondary_entry calls, by the vCPU id it gets as the context id. */
void (*gl_secondary_fn[GL_MAX_VCPUS])(unsigned vcpu);
extern char gl_secondary_entry[];

long gl_cpu_on(unsigned vcpu, void (*fn)(unsigned vcpu))
{
	/* An id beyond the table still goes to the hypervisor for its answer; the entry turns it off. */
	if (vcpu < GL_MAX_VCPUS)
		__atomic_store_n(&gl_secondary_fn[vcpu], fn, __ATOMIC_RELEASE);
	return gl_smccc(PSCI_CPU_ON_64_FID, vcpu, (uintptr_t)gl_secondary_entry, vcpu);
}

void gl_cpu_off(void)
{
	/* CPU_OFF returns only if refused (DENIED): ask again rather than run on. */
	for (;;)
		gl_smccc(PSCI_CPU_OFF_FID, 0, 0, 0);
}

unsigned gl_vcpu_id(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 0xff);
}

/* The image is the domain's own: plain statics are per domain here. */
void **gl_domain_local(enum gl_local slot)
{
	static void *locals[GL_LOCAL_COUNT];

	return &locals[(unsigned)slot % GL_LOCAL_COUNT];
}
