/* Translations per second through the SMMU model, printed, never asserted: warm (TLB hits), cold (TLB
 * misses: a 3-level walk through models/mmu, STE cached) and cold with an STE fetch as well. */
#include <stdio.h>
#include <time.h>

#include "smmu_testlib.h"

#define PAGES 4096u /* 16 MiB of IPA space in 4 KiB pages: 16x the TLB */
#define SIDS  1024u /* 4x the STE cache */
#define IPA0  0x80000000ull

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void run(struct t_env *e, const char *what, unsigned n, unsigned pages, unsigned sids)
{
	struct smmu_txn t = { .size = 8 };
	struct smmu_result r;
	uint64_t walks = smmu_get_stats(e->s)->walks, fetches = smmu_get_stats(e->s)->ste_fetches;
	uint64_t sink = 0;

	double t0 = now();
	for (unsigned i = 0; i < n; i++) {
		t.addr = IPA0 + (uint64_t)(i % pages) * 4096 + (i & 0xff8);
		t.sid = i % sids;
		t.write = i & 1;
		if (smmu_translate(e->s, &t, &r))
			sink += r.pa;
	}
	double dt = now() - t0;
	printf("%-34s %10.0f translations/s  %6.1f ns each  (walks %.2f, STE fetches %.2f per access)%s\n", what,
	       n / dt, dt * 1e9 / n, (double)(smmu_get_stats(e->s)->walks - walks) / n,
	       (double)(smmu_get_stats(e->s)->ste_fetches - fetches) / n, sink ? "" : " ");
}

int main(void)
{
	struct t_env *e = t_new(48);
	struct t_tt tt;

	t_up(e, 10);
	t_tt_init(&tt, e, 40, 1);
	for (unsigned p = 0; p < PAGES; p++)
		t_tt_map(&tt, IPA0 + (uint64_t)p * 4096, T_RAM_BASE + (uint64_t)(p % 2048) * 4096, 3, S2_PAGE);
	for (unsigned sid = 0; sid < SIDS; sid++)
		t_ste_s2(e, sid, 1, tt.root, 24, 1, 0);

	run(e, "warm (TLB hit, STE cached)", 20000000, 64, 1);
	run(e, "cold (3-level walk, STE cached)", 5000000, PAGES, 1);
	run(e, "cold (walk + STE fetch)", 5000000, PAGES, SIDS);
	t_free(e);
	return 0;
}
