/* The fake HAL: RAM as an anonymous mapping, a 40-bit IPA stage-2 geometry, nothing to flush. */
#include "tests/gnttab/fake_hal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/mmu.h"
#include "hal/s2.h"
#include "mm/frame.h"

char fake_console[4096];
static size_t console_len;
static uint8_t *ram;

void fake_hal_reset(void)
{
	struct platform plat = { 0 };

	if (ram)
		munmap(ram, FAKE_RAM_SIZE);
	ram = mmap(NULL, FAKE_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(ram != MAP_FAILED);
	plat.mem[plat.mem_count++] = (struct plat_region){ pa_init(FAKE_RAM_BASE), FAKE_RAM_SIZE };
	console_len = 0;
	fake_console[0] = 0;
	assert_int_equal(frame_init(&plat, NULL, 0), 0);
}

void *hal_pa_to_va(paddr_t pa)
{
	uint64_t off = pa_addr(pa) - FAKE_RAM_BASE;
	return off < FAKE_RAM_SIZE ? ram + off : NULL;
}

paddr_t hal_va_to_pa(const void *va) { return pa_init(FAKE_RAM_BASE + (uint64_t)((const uint8_t *)va - ram)); }

void hal_dcache_clean(const void *va, size_t len)
{
	(void)va;
	(void)len;
}

unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	(void)out;
	(void)max;
	return 0;
}

/* 40-bit IPA starting at level 1 with two concatenated root tables (VTCR's value is unused). */
void hal_s2_geometry(struct hal_s2_geometry *g) { *g = (struct hal_s2_geometry){ 40, 40, 1, 2, 0 }; }
void hal_s2_publish(void) {}
void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	(void)vmid;
	(void)ipa;
}
void hal_s2_flush_vmid(uint16_t vmid) { (void)vmid; }

unsigned hal_cpu_id(void) { return 0; }

/* One thread: a spin can only be on a lock this thread already holds. */
void hal_cpu_relax(void) { fail_msg("spinning on a lock: deadlock"); }

void hal_console_write(const char *s, size_t len)
{
	size_t n = len < sizeof(fake_console) - 1 - console_len ? len : sizeof(fake_console) - 1 - console_len;
	memcpy(fake_console + console_len, s, n);
	console_len += n;
	fake_console[console_len] = 0;
}

HAL_NORETURN void hal_panic_stop(int status)
{
	fail_msg("unexpected panic (status %d): %s", status, fake_console);
	abort();
}
