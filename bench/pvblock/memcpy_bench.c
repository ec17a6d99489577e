/* The host's reference for bench/pvblock: MB/s of memcpy moving 4 KiB blocks between two buffers
 * as large as the sim's RAM disk, the same number of blocks the PV block run moved. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK 4096u
#define DISK  (1u << 20)

volatile unsigned sink; /* keeps the copies observable */

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	uint8_t *a = malloc(DISK), *b = malloc(DISK);
	struct timespec t0, t1;
	unsigned sum = 0;

	if (!a || !b)
		return 1;
	memset(a, 1, DISK);
	memset(b, 2, DISK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < n; i++) {
		size_t off = (i * BLOCK) % DISK;
		memcpy(b + off, a + (DISK - BLOCK - off), BLOCK);
		sum += b[off + (i % BLOCK)];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	sink = sum;
	printf("%.1f\n", (double)n * BLOCK / s / 1e6);
	free(a);
	free(b);
	return 0;
}
