/* lib/guest.h's bulk copies, compare-and-swap and barrier for bare-metal EL1 images. The identity
 * map makes the first GiB (the grant region, the magic pages) Device memory, where an unaligned
 * access faults: only naturally aligned single loads and stores touch guest memory here. */
#include <string.h>

#include "lib/guest.h"

void gl_copy_from(uint64_t gva, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t i = 0;

	for (; i < len && ((gva + i) & 7); i++)
		out[i] = *(volatile const uint8_t *)(uintptr_t)(gva + i);
	for (; i + 8 <= len; i += 8) {
		uint64_t w = *(volatile const uint64_t *)(uintptr_t)(gva + i);
		memcpy(out + i, &w, 8);
	}
	for (; i < len; i++)
		out[i] = *(volatile const uint8_t *)(uintptr_t)(gva + i);
}

void gl_copy_to(uint64_t gva, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	size_t i = 0;

	for (; i < len && ((gva + i) & 7); i++)
		*(volatile uint8_t *)(uintptr_t)(gva + i) = in[i];
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, in + i, 8);
		*(volatile uint64_t *)(uintptr_t)(gva + i) = w;
	}
	for (; i < len; i++)
		*(volatile uint8_t *)(uintptr_t)(gva + i) = in[i];
}

/* LDAXR/STLXR (no LSE atomics on the Cortex-A57 the QEMU runs use). */
uint32_t gl_cmpxchg32(uint64_t addr, uint32_t old, uint32_t new)
{
	uint32_t cur, fail;

	__asm__ volatile("1: ldaxr %w0, [%2]\n"
			 "   cmp %w0, %w3\n"
			 "   b.ne 2f\n"
			 "   stlxr %w1, %w4, [%2]\n"
			 "   cbnz %w1, 1b\n"
			 "2: clrex\n"
			 : "=&r"(cur), "=&r"(fail)
			 : "r"(addr), "r"(old), "r"(new)
			 : "cc", "memory");
	return cur;
}

void gl_mb(void) { __asm__ volatile("dmb ish" : : : "memory"); }
