/* Block write rates across a window of time: the counter time of every acknowledged write, and the
 * rate over any span, each batch of completions spread evenly over the gap since the previous one. */
#pragma once

#include <stdint.h>

#define BLKRATE_MAX 1024u /* writes whose time is kept: rates cover the first this many */

struct blkrate {
	uint64_t at[BLKRATE_MAX]; /* nondecreasing: a batch taken in one poll shares its time */
	unsigned n;
};

/* A write acknowledged at counter time @now (not before the previous one's). */
void blkrate_ack(struct blkrate *r, uint64_t now);

/* Writes done by time @t, in thousandths: those up to the last completion at or before @t, plus the
 * next batch's share of the gap up to @t. So a window's edges split a batch instead of counting it
 * all in or all out, and a stall still shows as a gap with nothing done. */
uint64_t blkrate_done_milli(const struct blkrate *r, uint64_t t);

/* Writes per second between times @a and @b of a counter running at @hz; 0 if @b <= @a. */
uint64_t blkrate_per_s(const struct blkrate *r, uint64_t a, uint64_t b, uint64_t hz);
