#include "blkfront/blkrate.h"

void blkrate_ack(struct blkrate *r, uint64_t now)
{
	if (r->n == BLKRATE_MAX)
		return;
	if (r->n && now < r->at[r->n - 1])
		now = r->at[r->n - 1];
	r->at[r->n++] = now;
}

/* How many of the kept times are at or before @t (they are sorted). */
static unsigned upto(const struct blkrate *r, uint64_t t)
{
	unsigned lo = 0, hi = r->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (r->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t blkrate_done_milli(const struct blkrate *r, uint64_t t)
{
	unsigned i = upto(r, t);

	if (i == 0 || i == r->n)
		return (uint64_t)i * 1000;
	uint64_t prev = r->at[i - 1], next = r->at[i];
	unsigned batch = upto(r, next) - i;
	return (uint64_t)i * 1000 + (uint64_t)batch * 1000 * (t - prev) / (next - prev);
}

uint64_t blkrate_per_s(const struct blkrate *r, uint64_t a, uint64_t b, uint64_t hz)
{
	if (b <= a)
		return 0;
	uint64_t done = blkrate_done_milli(r, b) - blkrate_done_milli(r, a);
	return done * hz / 1000 / (b - a);
}
