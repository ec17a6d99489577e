/* heap: zeroed, aligned, disjoint objects in hypervisor frames, frames returned when empty, and
 * double or foreign frees caught as the hypervisor bugs they are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_hal.h"
#include "hal/mmu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"

#define MIB (UINT64_C(1) << 20)

static int setup(void **state)
{
	(void)state;
	fake_frames(32 * MIB);
	return 0;
}

static void test_heap_objects_are_zeroed_aligned_and_disjoint(void **state)
{
	enum { N = 2000 };
	static uint8_t *p[N];
	static size_t size[N];
	(void)state;

	srand(11);
	for (unsigned i = 0; i < N; i++) {
		size[i] = (size_t)(rand() % 3 ? 1 + rand() % 300 : 1 + rand() % 9000);
		p[i] = heap_alloc(size[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		for (size_t b = 0; b < size[i]; b++)
			if (p[i][b])
				fail_msg("object %u (%zu bytes) not zeroed at %zu", i, size[i], b);
		memset(p[i], (int)(i & 0xff), size[i]);
		assert_int_equal(frame_owner(hal_va_to_pa(p[i])), DOMID_XEN);
		/* Free some as we go so slots get reused dirty. */
		if (i && rand() % 4 == 0) {
			unsigned j = (unsigned)rand() % i;
			heap_free(p[j]);
			p[j] = heap_alloc(size[j]);
			assert_non_null(p[j]);
			for (size_t b = 0; b < size[j]; b++)
				assert_int_equal(p[j][b], 0);
			memset(p[j], (int)(j & 0xff), size[j]);
		}
	}
	for (unsigned i = 0; i < N; i++) {
		for (size_t b = 0; b < size[i]; b++)
			if (p[i][b] != (i & 0xff))
				fail_msg("object %u overwritten at %zu", i, b);
		heap_free(p[i]);
	}
	assert_int_equal(heap_bytes_in_use(), 0);
	assert_int_equal(frame_count(DOMID_XEN), 0);
}

static void test_heap_small_objects_share_a_frame(void **state)
{
	(void)state;
	void *a = heap_alloc(40), *b = heap_alloc(40);
	assert_int_equal(frame_count(DOMID_XEN), 1);
	assert_int_equal((uintptr_t)a & ~(uintptr_t)PAGE_MASK, (uintptr_t)b & ~(uintptr_t)PAGE_MASK);
	assert_int_equal(heap_bytes_in_use(), 96);
	heap_free(a);
	assert_int_equal(frame_count(DOMID_XEN), 1);
	heap_free(b);
	assert_int_equal(frame_count(DOMID_XEN), 0);
}

static void test_heap_large_objects_take_whole_aligned_frames(void **state)
{
	(void)state;
	uint8_t *p = heap_alloc(PAGE_SIZE);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p & PAGE_MASK, 0);
	uint8_t *q = heap_alloc(3 * PAGE_SIZE);
	assert_non_null(q);
	memset(q, 1, 3 * PAGE_SIZE);
	/* 1 + 4 frames, and one slab for the records of them. */
	assert_int_equal(frame_count(DOMID_XEN), 6);
	assert_int_equal(heap_bytes_in_use(), 5 * PAGE_SIZE + 2 * 32);
	heap_free(p);
	heap_free(q);
	assert_int_equal(frame_count(DOMID_XEN), 0);
	assert_int_equal(heap_bytes_in_use(), 0);
}

static void test_heap_refuses_zero_huge_and_exhausted_sizes(void **state)
{
	(void)state;
	assert_null(heap_alloc(0));
	assert_null(heap_alloc((size_t)PAGE_SIZE << (FRAME_MAX_ORDER + 1)));
	assert_null(heap_alloc(64 * MIB)); /* more than the RAM */
	heap_free(NULL);
	assert_int_equal(frame_count(DOMID_XEN), 0);

	void *last = NULL;
	unsigned n = 0;
	while ((last = heap_alloc(2000)) != NULL)
		n++;
	assert_true(n > 1000);
	assert_null(heap_alloc(16));
}

static void double_free_small(void *arg)
{
	(void)arg;
	void *p = heap_alloc(24);
	heap_free(p);
	heap_free(p);
}

static void double_free_large(void *arg)
{
	(void)arg;
	void *p = heap_alloc(2 * PAGE_SIZE);
	heap_free(p);
	heap_free(p);
}

static void free_interior_pointer(void *arg)
{
	(void)arg;
	char *p = heap_alloc(64);
	heap_free(p + 16);
}

static void free_domain_frame(void *arg)
{
	(void)arg;
	paddr_t pa;
	if (frame_alloc(1, 0, &pa) == 0)
		heap_free((char *)hal_pa_to_va(pa) + 64);
}

static void free_host_pointer(void *arg) { heap_free((char *)arg + 8); }

static void test_heap_double_free_is_caught(void **state)
{
	(void)state;
	fake_expect_panic(double_free_small, NULL, "assertion");
	fake_expect_panic(double_free_large, NULL, "assertion");
}

static void test_heap_foreign_pointers_are_caught(void **state)
{
	static char not_heap[64];
	(void)state;
	fake_expect_panic(free_interior_pointer, NULL, "assertion");
	fake_expect_panic(free_domain_frame, NULL, "assertion");
	fake_expect_panic(free_host_pointer, not_heap, "assertion");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_heap_objects_are_zeroed_aligned_and_disjoint, setup),
		cmocka_unit_test_setup(test_heap_small_objects_share_a_frame, setup),
		cmocka_unit_test_setup(test_heap_large_objects_take_whole_aligned_frames, setup),
		cmocka_unit_test_setup(test_heap_double_free_is_caught, setup),
		cmocka_unit_test_setup(test_heap_foreign_pointers_are_caught, setup),
		/* Last: it leaves the heap full. */
		cmocka_unit_test_setup(test_heap_refuses_zero_huge_and_exhausted_sizes, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
