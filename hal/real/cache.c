/* Data-cache maintenance by VA for the core (include/hal/mmu.h): clean to the point of coherency. */
#include "hal/mmu.h"

void hal_dcache_clean(const void *va, size_t len)
{
	uint64_t ctr;

	if (!len)
		return;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	/* CTR_EL0.DminLine: log2 of the smallest data cache line, in 4-byte words. */
	uintptr_t line = 4u << ((ctr >> 16) & 0xf);
	uintptr_t p = (uintptr_t)va & ~(line - 1), end = (uintptr_t)va + len;

	for (; p < end; p += line)
		__asm__ volatile("dc cvac, %0" ::"r"(p) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}
