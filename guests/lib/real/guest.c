/* The guest library for bare-metal EL1 images, over Xen's arm64 hypercall ABI: hypercalls, console
 * output, shutdown, and memory accesses that are exactly one LDR or STR each. */
#include <stdarg.h>

#include "core/format.h"
#include "lib/guest.h"
#include "public/xen.h"

#define CONSOLE_LINE 256

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

void *gl_alloc(size_t size, uint64_t *gva)
{
	size_t n = (size + 15) & ~(size_t)15;

	if (n < size || n > sizeof(arena) - arena_used) {
		gl_printf("guest: gl_alloc(%zu): arena exhausted\n", size);
		gl_shutdown(SHUTDOWN_crash);
	}
	void *p = arena + arena_used;
	arena_used += n;
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
