/* The byte rings (console, xenstore) on the host: wrap-around in the buffer and in the indices, a
 * full ring taking what fits, and indices scribbled by the peer refused without a stray access. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ring.h"
#include "public/errno.h"
#include "tests/guests/ring/fake_shared.h"

#define SIZE 16u

static struct {
	uint8_t buf[SIZE];
	uint32_t cons, prod;
} shared;

static struct ring_bytes ring(uint32_t start)
{
	fake_shared_reset();
	memset(&shared, 0, sizeof(shared));
	shared.cons = shared.prod = start;
	fake_shared_window(&shared, sizeof(shared));
	return (struct ring_bytes){ fake_gva(shared.buf), SIZE, fake_gva(&shared.cons), fake_gva(&shared.prod) };
}

static void test_bytes_written_are_read_back_in_order(void **state)
{
	struct ring_bytes r = ring(0);
	char out[8] = { 0 };
	(void)state;
	assert_int_equal(ring_bytes_write(&r, "hello", 5), 5);
	assert_int_equal(shared.prod, 5);
	assert_int_equal(ring_bytes_pending(&r), 5);
	assert_int_equal(ring_bytes_read(&r, out, 3), 3);
	assert_memory_equal(out, "hel", 3);
	assert_int_equal(ring_bytes_read(&r, out, sizeof(out)), 2);
	assert_memory_equal(out, "lo", 2);
	assert_int_equal(ring_bytes_read(&r, out, sizeof(out)), 0);
	assert_int_equal(shared.cons, 5);
}

static void test_full_ring_takes_only_what_fits(void **state)
{
	struct ring_bytes r = ring(0);
	char out[SIZE];
	(void)state;
	assert_int_equal(ring_bytes_write(&r, "0123456789abcdefXYZ", 19), 16);
	assert_int_equal(ring_bytes_write(&r, "X", 1), 0);
	assert_int_equal(ring_bytes_read(&r, out, 4), 4);
	assert_int_equal(ring_bytes_write(&r, "XYZW!", 5), 4);
	assert_int_equal(ring_bytes_read(&r, out, sizeof(out)), 16);
	assert_memory_equal(out, "456789abcdefXYZW", 16);
}

static void test_data_and_indices_wrap(void **state)
{
	struct ring_bytes r = ring(0xfffffffau);
	char in[40], out[40];
	(void)state;
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (char)('a' + i % 26);
	size_t sent = 0, got = 0;
	while (got < sizeof(in)) {
		int n = ring_bytes_write(&r, in + sent, sizeof(in) - sent < 7 ? sizeof(in) - sent : 7);
		assert_true(n >= 0);
		sent += (size_t)n;
		n = ring_bytes_read(&r, out + got, 5);
		assert_true(n >= 0);
		got += (size_t)n;
	}
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(shared.prod, (uint32_t)(0xfffffffau + 40));
	assert_int_equal(fake_shared_strays, 0);
}

static void test_producer_index_beyond_the_ring_is_eio(void **state)
{
	struct ring_bytes r = ring(10);
	char out[SIZE];
	(void)state;
	shared.prod = 10 + SIZE + 1;
	assert_int_equal(ring_bytes_read(&r, out, sizeof(out)), -XEN_EIO);
	assert_int_equal(ring_bytes_pending(&r), -XEN_EIO);
	assert_int_equal(ring_bytes_write(&r, "x", 1), -XEN_EIO);
	assert_int_equal(shared.cons, 10); /* nothing consumed */
	shared.prod = 10 + SIZE;           /* exactly full is legal */
	assert_int_equal(ring_bytes_read(&r, out, sizeof(out)), SIZE);
	shared.cons = 0x7fffffffu; /* the consumer's index ahead of the producer's */
	assert_int_equal(ring_bytes_write(&r, "x", 1), -XEN_EIO);
	assert_int_equal(fake_shared_strays, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_written_are_read_back_in_order),
		cmocka_unit_test(test_full_ring_takes_only_what_fits),
		cmocka_unit_test(test_data_and_indices_wrap),
		cmocka_unit_test(test_producer_index_beyond_the_ring_is_eio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
