/* The host's reference for bench/pvnet: frames per second of memcpy moving frames of one size
 * between two buffers, as many as the PV run moved (the physical limit of the same bytes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AREA (1u << 20)

volatile unsigned sink; /* keeps the copies observable */

int main(int argc, char **argv)
{
	unsigned long size = argc > 1 ? strtoul(argv[1], NULL, 10) : 64,
		      n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	uint8_t *a = malloc(AREA), *b = malloc(AREA);
	struct timespec t0, t1;
	unsigned sum = 0;

	if (!a || !b || size == 0 || size > 4096)
		return 1;
	memset(a, 1, AREA);
	memset(b, 2, AREA);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < n; i++) {
		size_t off = (i * 2048) % (AREA - 4096);
		memcpy(b + off, a + (AREA - 4096 - off), size);
		sum += b[off + (i % size)];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sink = sum;
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%lu %.0f\n", n, n / s);
	return 0;
}
