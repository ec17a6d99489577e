/* The SMMUv3 driver's register accesses at EL2: its frame mapped Device-nGnRE in the live map, a
 * dsb before each write so that tables and queue entries written to RAM are visible to the SMMU. */
#include "smmu_io.h"

#include "mmu.h"

int smmu_io_map(paddr_t base, uint64_t size) { return mmu_map_device((struct plat_region){ base, size }); }

uint32_t smmu_io_read32(paddr_t pa) { return *(volatile uint32_t *)(uintptr_t)pa_addr(pa); }

void smmu_io_write32(paddr_t pa, uint32_t val)
{
	__asm__ volatile("dsb ishst" ::: "memory");
	*(volatile uint32_t *)(uintptr_t)pa_addr(pa) = val;
}

void smmu_io_write64(paddr_t pa, uint64_t val)
{
	__asm__ volatile("dsb ishst" ::: "memory");
	*(volatile uint64_t *)(uintptr_t)pa_addr(pa) = val;
}
