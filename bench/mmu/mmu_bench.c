/* Throughput of the MMU model: translations per second with a warm and a cold TLB, one stage and
 * two, as the sim will drive it. Prints figures; never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmu_testlib.h"

#define PAGES   16384u /* mapped guest pages: 64 MiB */
#define WORKSET 64u    /* pages a "warm" loop touches: fits the TLB */
#define GVA     0x0000004000000000ull
#define GIPA    0x0000000080000000ull
#define GPA     0x0000000100000000ull /* data is never read: it need not be backed */

struct scenario {
	const char *name, *what;
	bool s1, s2, tlb;
	unsigned span; /* pages the access stream walks over */
};

static const struct scenario scenarios[] = {
	{ "s2_warm", "stage 2 only (guest MMU off), TLB warm", false, true, true, WORKSET },
	{ "s2_cold", "stage 2 only, TLB off: 3-level walk each time", false, true, false, WORKSET },
	{ "s1_warm", "stage 1 only (HCR_EL2.VM=0), TLB warm", true, false, true, WORKSET },
	{ "s1_cold", "stage 1 only, TLB off: 4-level walk each time", true, false, false, WORKSET },
	{ "s12_warm", "stage 1 + stage 2, TLB warm", true, true, true, WORKSET },
	{ "s12_miss", "stage 1 + stage 2, 16384-page stream: TLB misses", true, true, true, PAGES },
	{ "s12_cold", "stage 1 + stage 2, TLB off: nested walk each time", true, true, false, WORKSET },
};

static struct tram ram;
static struct mmu_cpu cpu;

/* Guest VA GVA+n*4K -> IPA GIPA+n*4K -> PA GPA+n*4K, 4 KiB pages at both stages; the stage-1
 * tables sit in RAM, which stage 2 maps 1:1 (also with pages, the worst case for nested walks). */
static void machine(const struct scenario *s)
{
	struct tt t1, t2;
	tram_init(&ram, 0x40000000, 16u << 20);
	mmu_cpu_init(&cpu, tram_bus(&ram), 48);
	tt_init(&t2, &ram, 12, 40, 1);
	tt_init(&t1, &ram, 12, 48, 0);
	for (uint64_t n = 0; n < PAGES; n++) {
		tt_map(&t1, GVA + n * 4096, GIPA + n * 4096, 3, S1_RW);
		tt_map(&t2, GIPA + n * 4096, GPA + n * 4096, 3, S2_RW);
	}
	for (uint64_t a = ram.base; a < ram.base + (4u << 20); a += 4096)
		tt_map(&t2, a, a, 3, S2_RW);
	struct mmu_regs *r = &cpu.regs;
	r->vtcr_el2 = VTCR_T0SZ(24) | VTCR_SL0(1) | VTCR_PS(2);
	r->vttbr_el2 = TTBR(t2.root, 1);
	r->hcr_el2 = s->s2 ? HCR_VM : 0;
	r->tcr_el1 = TCR_4K_48;
	r->ttbr0_el1 = TTBR(t1.root, 1);
	r->mair_el1 = 0xff;
	r->sctlr_el1 = s->s1 ? (SCTLR_M | SCTLR_C | SCTLR_I) : 0;
	cpu.tlb.disabled = !s->tlb;
}

/* The measured loop, kept out of line so callgrind can count it alone (--toggle-collect). */
__attribute__((noinline)) uint64_t bench_run(const struct scenario *s, unsigned iters)
{
	uint64_t base = s->s1 ? GVA : GIPA, sum = 0, x = 1;
	struct mmu_access a = { .type = MMU_LOAD, .el = 1, .size = 8 };
	struct mmu_result res;
	for (unsigned i = 0; i < iters; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		a.va = base + ((x >> 33) % s->span) * 4096 + (i & 0xff8);
		if (!mmu_translate(&cpu, &a, &res))
			abort();
		sum += res.pa;
	}
	return sum;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void measure(const struct scenario *s)
{
	machine(s);
	bench_run(s, 20000); /* warm the TLB and the host caches */
	memset(&cpu.stats, 0, sizeof(cpu.stats));
	unsigned iters = 1u << 16;
	double t0 = now(), dt;
	for (;;) {
		bench_run(s, iters);
		dt = now() - t0;
		if (dt > 0.25)
			break;
		iters *= 2;
	}
	double n = (double)cpu.stats.translations;
	printf("%-9s %12.0f %9.1f %11.2f %8.1f%%   %s\n", s->name, n / dt, dt / n * 1e9,
	       (double)cpu.stats.desc_reads / n,
	       100.0 * (double)cpu.stats.tlb_hits / (double)(cpu.stats.tlb_hits + cpu.stats.tlb_misses), s->what);
	tram_free(&ram);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned iters = 100000;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--scenario=", 11))
			only = argv[i] + 11;
		else if (!strncmp(argv[i], "--iters=", 8))
			iters = (unsigned)strtoul(argv[i] + 8, NULL, 0);
		else {
			fprintf(stderr, "usage: %s [--scenario=NAME --iters=N]\n", argv[0]);
			return 2;
		}
	}
	if (only) {
		/* For callgrind: a fixed count, measured alone via --toggle-collect=bench_run. */
		for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
			if (!strcmp(scenarios[i].name, only)) {
				machine(&scenarios[i]);
				printf("%s iters %u sum %llx\n", only, iters,
				       (unsigned long long)bench_run(&scenarios[i], iters));
				return 0;
			}
		fprintf(stderr, "unknown scenario %s\n", only);
		return 2;
	}
	printf("models/mmu: %u-entry TLB (%u sets x %u ways), 4 KiB pages, stage 1 48-bit/4 levels, stage 2 "
	       "40-bit/3 levels\n",
	       MMU_TLB_SETS * MMU_TLB_WAYS, MMU_TLB_SETS, MMU_TLB_WAYS);
	printf("%-9s %12s %9s %11s %9s   %s\n", "scenario", "walks/s", "ns/walk", "desc/walk", "TLB hits", "what");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		measure(&scenarios[i]);
	return 0;
}
