/* The backend's request engine against a RAM disk and a table of fake grants: every malformed
 * request is answered with an error status, never a crash, and touches neither disk nor pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/blkback.h"
#include "public/errno.h"

#define DISK_SECTORS 128u
#define NGRANTS      16u
#define PAGE         4096u

static uint8_t disk[DISK_SECTORS * BLKIF_SECTOR_SIZE];
static uint8_t pages[NGRANTS][PAGE];
static uint8_t bounce[BLKBACK_BOUNCE_SIZE];
static bool grant_ok[NGRANTS];
static unsigned disk_writes, flushes;
static bool disk_fails;
static struct blkback_stats st;

static int grant_copy(void *ctx, grant_ref_t gref, unsigned off, size_t boff, unsigned len, bool to_guest)
{
	uint8_t *buf = bounce + boff;
	(void)ctx;
	assert_true(boff + len <= BLKBACK_BOUNCE_SIZE);
	if (gref >= NGRANTS || !grant_ok[gref])
		return -XEN_EINVAL;
	assert_true(off + len <= PAGE);
	if (to_guest)
		memcpy(&pages[gref][off], buf, len);
	else
		memcpy(buf, &pages[gref][off], len);
	return 0;
}

static int disk_read(void *ctx, uint64_t sector, size_t boff, unsigned n)
{
	uint8_t *buf = bounce + boff;
	(void)ctx;
	assert_true(sector + n <= DISK_SECTORS);
	memcpy(buf, &disk[sector * BLKIF_SECTOR_SIZE], n * BLKIF_SECTOR_SIZE);
	return disk_fails ? -XEN_EIO : 0;
}

static int disk_write(void *ctx, uint64_t sector, size_t boff, unsigned n)
{
	const uint8_t *buf = bounce + boff;
	(void)ctx;
	assert_true(sector + n <= DISK_SECTORS);
	if (disk_fails)
		return -XEN_EIO;
	memcpy(&disk[sector * BLKIF_SECTOR_SIZE], buf, n * BLKIF_SECTOR_SIZE);
	disk_writes++;
	return 0;
}

static int disk_flush(void *ctx) { return (void)ctx, flushes++, disk_fails ? -XEN_EIO : 0; }

static struct blkback_io io = { .sectors = DISK_SECTORS,
				.grant_copy = grant_copy,
				.disk_read = disk_read,
				.disk_write = disk_write,
				.disk_flush = disk_flush };

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i / BLKIF_SECTOR_SIZE);
	memset(pages, 0xee, sizeof(pages));
	for (unsigned i = 0; i < NGRANTS; i++)
		grant_ok[i] = true;
	disk_writes = flushes = 0;
	disk_fails = false;
	io.readonly = false;
	memset(&st, 0, sizeof(st));
	return 0;
}

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned nseg)
{
	struct blkif_request r = { .operation = op, .nr_segments = (uint8_t)nseg, .id = 77, .sector_number = sector };
	for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
		r.seg[i] = (struct blkif_request_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
	return r;
}

static int16_t run(const struct blkif_request *r) { return blkback_execute(&io, r, &st); }

/* A request the engine must refuse: the status, and neither the disk nor any page changed. */
static void refused(const struct blkif_request *r, int16_t status)
{
	uint8_t disk0[sizeof(disk)], pages0[sizeof(pages)];

	memcpy(disk0, disk, sizeof(disk));
	memcpy(pages0, pages, sizeof(pages));
	assert_int_equal(run(r), status);
	assert_memory_equal(disk, disk0, sizeof(disk));
	assert_memory_equal(pages, pages0, sizeof(pages));
}

static void test_blkback_read_fills_each_segments_sectors_in_disk_order(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_READ, 10, 2);
	r.seg[0] = (struct blkif_request_segment){ .gref = 3, .first_sect = 6, .last_sect = 7 };
	r.seg[1] = (struct blkif_request_segment){ .gref = 5, .first_sect = 0, .last_sect = 2 };

	assert_int_equal(run(&r), BLKIF_RSP_OKAY);
	assert_int_equal(pages[3][6 * 512], 10);
	assert_int_equal(pages[3][7 * 512 + 511], 11);
	assert_int_equal(pages[3][6 * 512 - 1], 0xee); /* outside first_sect..last_sect: untouched */
	assert_int_equal(pages[5][0], 12);
	assert_int_equal(pages[5][2 * 512 + 511], 14);
	assert_int_equal(pages[5][3 * 512], 0xee);
	assert_int_equal(st.reads, 1);
	assert_int_equal(st.sectors_read, 5);
}

static void test_blkback_write_spanning_eleven_pages_lands_on_consecutive_sectors(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_WRITE, 0, 11);
	for (unsigned i = 0; i < 11; i++)
		memset(pages[i], 0x40 + i, PAGE);

	assert_int_equal(run(&r), BLKIF_RSP_OKAY);
	for (unsigned s = 0; s < 88; s++)
		assert_int_equal(disk[s * 512 + 100], 0x40 + s / 8);
	assert_int_equal(st.sectors_written, 88);
}

static void test_blkback_last_sector_of_the_disk_is_writable(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_WRITE, DISK_SECTORS - 1, 1);
	r.seg[0].first_sect = r.seg[0].last_sect = 4;
	pages[0][4 * 512] = 0x99;

	assert_int_equal(run(&r), BLKIF_RSP_OKAY);
	assert_int_equal(disk[(DISK_SECTORS - 1) * 512], 0x99);
}

static void test_blkback_bad_segment_counts_return_error(void **state)
{
	(void)state;
	struct blkif_request none = rw(BLKIF_OP_READ, 0, 0), twelve = rw(BLKIF_OP_WRITE, 0, 11), huge = twelve;
	twelve.nr_segments = 12;
	huge.nr_segments = 255;

	refused(&none, BLKIF_RSP_ERROR);
	refused(&twelve, BLKIF_RSP_ERROR);
	refused(&huge, BLKIF_RSP_ERROR);
	assert_int_equal(st.bad_requests, 3);
}

static void test_blkback_first_sect_after_last_sect_returns_error(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_WRITE, 0, 2);
	r.seg[1].first_sect = 5;
	r.seg[1].last_sect = 4;
	refused(&r, BLKIF_RSP_ERROR);
}

static void test_blkback_last_sect_beyond_seven_returns_error(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_READ, 0, 1);
	r.seg[0].last_sect = 8;
	refused(&r, BLKIF_RSP_ERROR);
	r.seg[0].first_sect = r.seg[0].last_sect = 255;
	refused(&r, BLKIF_RSP_ERROR);
}

static void test_blkback_sectors_beyond_the_disk_return_error(void **state)
{
	(void)state;
	struct blkif_request past_end = rw(BLKIF_OP_WRITE, DISK_SECTORS - 7, 1),
			     outside = rw(BLKIF_OP_READ, DISK_SECTORS, 1),
			     wraps = rw(BLKIF_OP_WRITE, UINT64_MAX - 3, 1);

	refused(&past_end, BLKIF_RSP_ERROR);
	refused(&outside, BLKIF_RSP_ERROR);
	refused(&wraps, BLKIF_RSP_ERROR);
}

static void test_blkback_bad_grant_in_a_write_leaves_the_disk_unchanged(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_WRITE, 0, 3);
	grant_ok[2] = false;
	refused(&r, BLKIF_RSP_ERROR);
	r.seg[2].gref = 0xffffffffu;
	grant_ok[2] = true;
	refused(&r, BLKIF_RSP_ERROR);
	assert_int_equal(disk_writes, 0);
	assert_int_equal(st.io_errors, 2);
}

static void test_blkback_bad_grant_in_a_read_returns_error(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_READ, 0, 2);
	r.seg[1].gref = NGRANTS + 1;
	assert_int_equal(run(&r), BLKIF_RSP_ERROR);
	assert_int_equal(st.io_errors, 1);
	assert_int_equal(st.reads, 0);
}

static void test_blkback_unknown_operations_return_eopnotsupp(void **state)
{
	(void)state;
	const uint8_t ops[] = { BLKIF_OP_WRITE_BARRIER, BLKIF_OP_RESERVED_1, BLKIF_OP_DISCARD, BLKIF_OP_INDIRECT, 200 };
	for (unsigned i = 0; i < sizeof(ops); i++) {
		struct blkif_request r = rw(ops[i], 0, 1);
		refused(&r, BLKIF_RSP_EOPNOTSUPP);
	}
}

static void test_blkback_write_to_a_readonly_disk_returns_error(void **state)
{
	(void)state;
	struct blkif_request w = rw(BLKIF_OP_WRITE, 0, 1), r = rw(BLKIF_OP_READ, 0, 1);
	io.readonly = true;
	refused(&w, BLKIF_RSP_ERROR);
	assert_int_equal(run(&r), BLKIF_RSP_OKAY);
}

static void test_blkback_flush_reaches_the_disk_and_takes_no_segments(void **state)
{
	(void)state;
	struct blkif_request f = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0), bad = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 1);
	assert_int_equal(run(&f), BLKIF_RSP_OKAY);
	assert_int_equal(flushes, 1);
	refused(&bad, BLKIF_RSP_ERROR);
	assert_int_equal(flushes, 1);
}

static void test_blkback_disk_failures_return_error(void **state)
{
	(void)state;
	struct blkif_request w = rw(BLKIF_OP_WRITE, 0, 1), r = rw(BLKIF_OP_READ, 0, 1),
			     f = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	disk_fails = true;
	assert_int_equal(run(&w), BLKIF_RSP_ERROR);
	assert_int_equal(run(&r), BLKIF_RSP_ERROR);
	assert_int_equal(run(&f), BLKIF_RSP_ERROR);
	assert_int_equal(st.io_errors, 3);
}

static void test_blkback_check_counts_sectors_of_partial_pages(void **state)
{
	(void)state;
	struct blkif_request r = rw(BLKIF_OP_READ, 0, 3);
	unsigned n;
	r.seg[0].first_sect = 7;
	r.seg[2].last_sect = 0;
	assert_int_equal(blkback_check(&r, DISK_SECTORS, &n), BLKIF_RSP_OKAY);
	assert_int_equal(n, 1 + 8 + 1);
	assert_int_equal(blkback_check(&r, 9, &n), BLKIF_RSP_ERROR);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_blkback_read_fills_each_segments_sectors_in_disk_order, setup),
		cmocka_unit_test_setup(test_blkback_write_spanning_eleven_pages_lands_on_consecutive_sectors, setup),
		cmocka_unit_test_setup(test_blkback_last_sector_of_the_disk_is_writable, setup),
		cmocka_unit_test_setup(test_blkback_bad_segment_counts_return_error, setup),
		cmocka_unit_test_setup(test_blkback_first_sect_after_last_sect_returns_error, setup),
		cmocka_unit_test_setup(test_blkback_last_sect_beyond_seven_returns_error, setup),
		cmocka_unit_test_setup(test_blkback_sectors_beyond_the_disk_return_error, setup),
		cmocka_unit_test_setup(test_blkback_bad_grant_in_a_write_leaves_the_disk_unchanged, setup),
		cmocka_unit_test_setup(test_blkback_bad_grant_in_a_read_returns_error, setup),
		cmocka_unit_test_setup(test_blkback_unknown_operations_return_eopnotsupp, setup),
		cmocka_unit_test_setup(test_blkback_write_to_a_readonly_disk_returns_error, setup),
		cmocka_unit_test_setup(test_blkback_flush_reaches_the_disk_and_takes_no_segments, setup),
		cmocka_unit_test_setup(test_blkback_disk_failures_return_error, setup),
		cmocka_unit_test_setup(test_blkback_check_counts_sectors_of_partial_pages, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
