/* Time to map 1 GiB into an empty p2m with one block, with 2 MiB blocks and with 4 KiB pages (the
 * PA's alignment decides), and what the tables then hold. Prints figures; never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/panic.h"
#include "hal/cpu.h"
#include "hal/mmu.h"
#include "hal/s2.h"
#include "mm/frame.h"
#include "mm/p2m.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64ull << 20) /* for tables only: mapped PAs need no backing */
#define GIB      (1ull << 30)
#define IPA      (4 * GIB)

struct scenario {
	const char *name, *what;
	uint64_t pa;
};

static const struct scenario scenarios[] = {
	{ "block_1g", "PA 1 GiB-aligned: one level-1 block", 8 * GIB },
	{ "blocks_2m", "PA 2 MiB-aligned only: 512 level-2 blocks", 8 * GIB + (2ull << 20) },
	{ "pages_4k", "PA 4 KiB-aligned only: 262144 level-3 pages", 8 * GIB + 4096 },
};

static uint8_t *ram;
static unsigned publishes, flushes;
static struct p2m p2m;

/* ---- the HAL hyp/mm needs, over a host buffer; TLB maintenance only counted ---- */
void *hal_pa_to_va(paddr_t pa)
{
	uint64_t a = pa_addr(pa);
	return a >= RAM_BASE && a - RAM_BASE < RAM_SIZE ? ram + (a - RAM_BASE) : NULL;
}
paddr_t hal_va_to_pa(const void *va) { return pa_init(RAM_BASE + (uint64_t)((const uint8_t *)va - ram)); }
unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	(void)out;
	(void)max;
	return 0;
}
void hal_s2_geometry(struct hal_s2_geometry *g)
{
	/* 40-bit IPA from level 1, two concatenated roots: T0SZ 24, SL0 1, WBWA inner shareable, PS 40. */
	*g = (struct hal_s2_geometry){ 40, 40, 1, 2, 24 | 1 << 6 | 1 << 8 | 1 << 10 | 3 << 12 | 2 << 16 };
}
void hal_s2_publish(void) { publishes++; }
void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	(void)vmid;
	(void)ipa;
	flushes++;
}
void hal_s2_flush_vmid(uint16_t vmid)
{
	(void)vmid;
	flushes++;
}
void hal_cpu_relax(void) {}
void hal_dcache_clean(const void *va, size_t len)
{
	(void)va;
	(void)len;
}
unsigned hal_cpu_id(void) { return 0; }
HAL_NORETURN void panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}

/* The measured call, out of line so callgrind can count it alone (--toggle-collect=bench_map). */
__attribute__((noinline)) int bench_map(uint64_t pa)
{
	return p2m_map(&p2m, ipa_init(IPA), pa_init(pa), GIB, P2M_RAM_RW);
}

static void count(uint64_t table, unsigned level, unsigned n, uint64_t leaves[4])
{
	const uint64_t *t = hal_pa_to_va(pa_init(table));
	for (unsigned i = 0; i < n; i++) {
		if (!(t[i] & 1))
			continue;
		if (level < 3 && (t[i] & 2))
			count(t[i] & 0xfffffffff000ull, level + 1, 512, leaves);
		else
			leaves[level]++;
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned iters = 0;
	struct platform plat = { .mem = { { pa_init(RAM_BASE), RAM_SIZE } }, .mem_count = 1 };

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--scenario=", 11))
			only = argv[i] + 11;
		else if (!strncmp(argv[i], "--iters=", 8))
			iters = (unsigned)strtoul(argv[i] + 8, NULL, 0);
	}
	ram = aligned_alloc(4096, RAM_SIZE);
	if (!ram || frame_init(&plat, NULL, 0) || p2m_init(&p2m, 1, 1))
		return 1;
	if (!only)
		printf("%-10s %9s %10s %8s %10s %8s %8s  %s\n", "scenario", "maps", "us/map", "tables", "leaves",
		       "publish", "flushes", "what");
	for (unsigned s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		const struct scenario *sc = &scenarios[s];
		if (only && strcmp(only, sc->name))
			continue;
		unsigned n = iters ? iters : sc->pa & (GIB - 1) ? (sc->pa & 0x1fffff ? 200 : 20000) : 200000;
		uint64_t leaves[4] = { 0 }, tables = 0;
		double spent = 0;
		uint64_t pub = 0, fl = 0;
		for (unsigned i = 0; i < n; i++) {
			unsigned p0 = publishes, f0 = flushes;
			double t0 = now();
			if (bench_map(sc->pa))
				return 1;
			spent += now() - t0;
			pub += publishes - p0;
			fl += flushes - f0;
			if (i == 0) {
				count(pa_addr(p2m.root), 1, 1024, leaves);
				tables = p2m.table_frames - p2m.geo.root_pages;
			}
			/* Back to empty: unmapping frees the tables, so every map starts from scratch. */
			if (p2m_unmap(&p2m, ipa_init(IPA), GIB))
				return 1;
		}
		if (!only)
			printf("%-10s %9u %10.2f %8llu %10llu %8.1f %8.1f  %s\n", sc->name, n, spent / n * 1e6,
			       (unsigned long long)tables, (unsigned long long)(leaves[1] + leaves[2] + leaves[3]),
			       (double)pub / n, (double)fl / n, sc->what);
	}
	return 0;
}
