/* The sim has no caches: every observer sees RAM as written, so there is nothing to clean. */
#include "hal/mmu.h"

void hal_dcache_clean(const void *va, size_t len)
{
	(void)va;
	(void)len;
}
