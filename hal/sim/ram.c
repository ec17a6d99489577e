#include "ram.h"

#include <stdint.h>
#include <sys/mman.h>

#include "hal/mmu.h"
#include "hal/platform.h"
#include "machine.h"

static struct bank {
	uint64_t base, size;
	char *host;
} banks[PLAT_MAX_MEM_BANKS];
static unsigned nbanks;

#define MAX_RESERVED 4
#define PAGE         4096ull

static struct plat_region reserved[MAX_RESERVED];
static unsigned nreserved;

int sim_ram_add(paddr_t base, uint64_t size)
{
	uint64_t b = pa_addr(base);

	if (nbanks == PLAT_MAX_MEM_BANKS || size == 0 || b + size < b || size > SIZE_MAX)
		return -1;
	for (unsigned i = 0; i < nbanks; i++)
		if (b < banks[i].base + banks[i].size && banks[i].base < b + size)
			return -1;
	/* Private and unreserved: untouched pages read as zero and cost nothing, like fresh DRAM
	 * that firmware cleared. */
	void *host =
	    mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return -1;
	banks[nbanks++] = (struct bank){ b, size, host };
	return 0;
}

void sim_ram_reset(void)
{
	for (unsigned i = 0; i < nbanks; i++)
		munmap(banks[i].host, (size_t)banks[i].size);
	nbanks = 0;
	nreserved = 0;
}

void sim_ram_reserve(struct plat_region r)
{
	if (nreserved == MAX_RESERVED)
		sim_stop(SIM_STOP_ERROR, 1, "more than %d reserved RAM regions", MAX_RESERVED);
	/* Whole pages: the frame allocator works in them. */
	uint64_t base = pa_addr(r.base) & ~(PAGE - 1);
	uint64_t end = (pa_addr(r.base) + r.size + PAGE - 1) & ~(PAGE - 1);
	reserved[nreserved++] = (struct plat_region){ pa_init(base), end - base };
}

unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	for (unsigned i = 0; i < nreserved && i < max; i++)
		out[i] = reserved[i];
	return nreserved;
}

void *hal_pa_to_va(paddr_t pa)
{
	uint64_t a = pa_addr(pa);

	for (unsigned i = 0; i < nbanks; i++)
		if (a >= banks[i].base && a - banks[i].base < banks[i].size)
			return banks[i].host + (a - banks[i].base);
	return NULL;
}

paddr_t hal_va_to_pa(const void *va)
{
	uintptr_t p = (uintptr_t)va;

	for (unsigned i = 0; i < nbanks; i++) {
		uintptr_t h = (uintptr_t)banks[i].host;
		if (p >= h && p - h < banks[i].size)
			return pa_init(banks[i].base + (p - h));
	}
	/* On hardware the whole image is RAM; here only the simulated banks are. A PA for host memory
	 * (a static in hyp/, say) would alias nothing real, so the mistake stops the run. */
	sim_stop(SIM_STOP_ERROR, 1, "hal_va_to_pa(%p): not in simulated RAM", va);
}
