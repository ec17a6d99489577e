/* frame: ownership is exclusive, reserved RAM is never handed out, runs are aligned, references
 * block frees, and a domain's teardown returns everything it held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_hal.h"
#include "mm/frame.h"
#include "public/errno.h"

#define MIB (UINT64_C(1) << 20)

/* Frames the table takes for @frames frames (16 bytes each). */
static uint64_t table_pages(uint64_t frames) { return (frames * 16 + PAGE_SIZE - 1) / PAGE_SIZE; }

static void test_frame_init_frees_every_frame_but_the_table(void **state)
{
	(void)state;
	fake_frames(16 * MIB);
	assert_int_equal(frame_free_count(), 4096 - table_pages(4096));
	assert_int_equal(frame_count(DOMID_XEN), 0);
	assert_int_equal(frame_count(0), 0);
}

static void test_frame_init_skips_reserved_regions_of_hal_and_caller(void **state)
{
	struct platform plat = { 0 };
	/* Unaligned edges: the partly covered pages are reserved whole. */
	struct plat_region boot_modules[] = { { pa_init(FAKE_RAM_BASE + 0x300800), 0x2000 } };
	(void)state;

	fake_reset();
	fake_ram_add(FAKE_RAM_BASE, 8 * MIB, &plat);
	fake_ram_add(FAKE_RAM_BASE + 64 * MIB, 4 * MIB, &plat);
	fake_reserve(FAKE_RAM_BASE, 2 * MIB - 1);
	assert_int_equal(frame_init(&plat, boot_modules, 1), 0);
	uint64_t frames = 3 * 1024, expect = frames - table_pages(frames) - 512 - 3;
	assert_int_equal(frame_free_count(), expect);

	paddr_t pa;
	for (uint64_t i = 0; i < expect; i++) {
		assert_int_equal(frame_alloc(1, 0, &pa), 0);
		uint64_t a = pa_addr(pa);
		assert_false(a < FAKE_RAM_BASE + 2 * MIB);
		assert_false(a >= FAKE_RAM_BASE + 0x300000 && a < FAKE_RAM_BASE + 0x303000);
	}
	assert_int_equal(frame_alloc(1, 0, &pa), -XEN_ENOMEM);
	assert_int_equal(frame_owner(pa_init(FAKE_RAM_BASE)), DOMID_INVALID);
	assert_int_equal(frame_owner(pa_init(FAKE_RAM_BASE + 0x302000)), DOMID_INVALID);
	assert_true(frame_is_ram(pa_init(FAKE_RAM_BASE + 0x302000)));
	assert_int_equal(frame_get(pa_init(FAKE_RAM_BASE + 0x302000)), -XEN_EINVAL);
	assert_int_equal(frame_free(1, pa_init(FAKE_RAM_BASE + 0x302000), 0), -XEN_EINVAL);
}

static void test_frame_alloc_gives_zeroed_runs_aligned_to_their_order(void **state)
{
	paddr_t pa;
	(void)state;

	fake_frames(16 * MIB);
	for (unsigned order = 0; order <= 10; order++) {
		assert_int_equal(frame_alloc(3, order, &pa), 0);
		assert_int_equal(pa_addr(pa) & ((PAGE_SIZE << order) - 1), 0);
		memset(fake_ram(pa_addr(pa)), 0xa5, PAGE_SIZE << order);
		assert_int_equal(frame_free(3, pa, order), 0);
		assert_int_equal(frame_alloc(3, order, &pa), 0);
		const uint8_t *p = fake_ram(pa_addr(pa));
		for (uint64_t i = 0; i < (PAGE_SIZE << order); i++)
			if (p[i])
				fail_msg("order %u: byte %llu not zeroed", order, (unsigned long long)i);
		assert_int_equal(frame_owner(pa_add(pa, (PAGE_SIZE << order) - 1)), 3);
	}
}

static void test_frame_alloc_cleans_guest_frames_but_not_the_hypervisors(void **state)
{
	paddr_t pa;
	(void)state;

	fake_frames(16 * MIB);
	fake_cleaned_bytes = 0;
	assert_int_equal(frame_alloc(DOMID_XEN, 2, &pa), 0);
	assert_int_equal(fake_cleaned_bytes, 0);
	assert_int_equal(frame_alloc(4, 3, &pa), 0);
	assert_int_equal(fake_cleaned_bytes, PAGE_SIZE << 3);
}

static void test_frame_alloc_order_18_takes_the_one_aligned_gib(void **state)
{
	struct platform plat = { 0 };
	paddr_t pa;
	(void)state;

	/* 2 GiB from 0x40200000: only [0x80000000, 0xc0000000) is a whole aligned GiB. */
	fake_reset();
	fake_ram_add(0x40200000, 2048 * MIB, &plat);
	assert_int_equal(frame_init(&plat, NULL, 0), 0);
	assert_int_equal(frame_alloc(7, FRAME_MAX_ORDER, &pa), 0);
	assert_int_equal(pa_addr(pa), 0x80000000);
	assert_int_equal(frame_count(7), 1u << FRAME_MAX_ORDER);
	assert_int_equal(frame_alloc(7, FRAME_MAX_ORDER, &pa), -XEN_ENOMEM);
	assert_int_equal(frame_alloc(7, 9, &pa), 0);
	assert_int_equal(pa_addr(pa) & (2 * MIB - 1), 0);
}

static void test_frame_exhaustion_gives_enomem_and_frees_restore_all(void **state)
{
	static paddr_t got[4096];
	unsigned n = 0;
	(void)state;

	fake_frames(16 * MIB);
	uint64_t total = frame_free_count();
	while (frame_alloc(2, 0, &got[n]) == 0)
		n++;
	assert_int_equal(n, total);
	assert_int_equal(frame_alloc(2, 0, &got[n]), -XEN_ENOMEM);
	assert_int_equal(frame_free_count(), 0);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(frame_free(2, got[i], 0), 0);
	assert_int_equal(frame_free_count(), total);
	/* Single frames merged back: the largest run the bank holds is there again. */
	assert_int_equal(frame_alloc(2, 11, &got[0]), 0);
}

static void test_frame_no_frame_ever_has_two_owners(void **state)
{
	enum { FRAMES = 4096, ROUNDS = 3000 };
	static domid_t shadow[FRAMES];
	static struct {
		paddr_t pa;
		unsigned order;
		domid_t owner;
	} live[ROUNDS];
	unsigned nlive = 0;
	(void)state;

	fake_frames(16 * MIB);
	memset(shadow, 0xff, sizeof(shadow));
	srand(7);
	for (unsigned r = 0; r < ROUNDS; r++) {
		if (nlive && rand() % 3 == 0) {
			unsigned i = (unsigned)rand() % nlive;
			assert_int_equal(frame_free(live[i].owner, live[i].pa, live[i].order), 0);
			for (uint64_t f = 0; f < (1u << live[i].order); f++)
				shadow[(pa_addr(live[i].pa) - FAKE_RAM_BASE) / PAGE_SIZE + f] = 0xffff;
			live[i] = live[--nlive];
			continue;
		}
		unsigned order = (unsigned)rand() % 6;
		domid_t owner = (domid_t)(rand() % 4);
		paddr_t pa;
		if (frame_alloc(owner, order, &pa))
			continue;
		for (uint64_t f = 0; f < (1u << order); f++) {
			uint64_t idx = (pa_addr(pa) - FAKE_RAM_BASE) / PAGE_SIZE + f;
			if (shadow[idx] != 0xffff)
				fail_msg("frame %llu handed to d%u while d%u holds it", (unsigned long long)idx, owner,
					 shadow[idx]);
			shadow[idx] = owner;
		}
		live[nlive++] = (typeof(live[0])){ pa, order, owner };
	}
	uint64_t held[4] = { 0 };
	for (uint64_t i = 0; i < FRAMES; i++) {
		domid_t want = shadow[i] == 0xffff ? FRAME_OWNER_NONE : shadow[i];
		domid_t o = frame_owner(pa_init(FAKE_RAM_BASE + i * PAGE_SIZE));
		if (i >= FRAMES - table_pages(FRAMES)) /* the table, at the top of the bank */
			want = DOMID_INVALID;
		if (o != want)
			fail_msg("frame %llu: owner %u, expected %u", (unsigned long long)i, o, want);
		if (want != FRAME_OWNER_NONE)
			held[want]++;
	}
	for (domid_t d = 0; d < 4; d++)
		assert_int_equal(frame_count(d), held[d]);
}

static void test_frame_release_all_returns_exactly_the_owners_frames(void **state)
{
	paddr_t pa, other;
	(void)state;

	fake_frames(16 * MIB);
	uint64_t total = frame_free_count();
	for (unsigned order = 0; order < 8; order++)
		assert_int_equal(frame_alloc(5, order, &pa), 0);
	assert_int_equal(frame_alloc(6, 3, &other), 0);
	assert_int_equal(frame_release_all(5), 255);
	assert_int_equal(frame_count(5), 0);
	assert_int_equal(frame_count(6), 8);
	assert_int_equal(frame_owner(other), 6);
	assert_int_equal(frame_free_count(), total - 8);
	assert_int_equal(frame_release_all(6), 8);
	assert_int_equal(frame_free_count(), total);
	assert_int_equal(frame_release_all(6), 0);
}

static void test_frame_referenced_frame_cannot_be_freed(void **state)
{
	paddr_t pa;
	(void)state;

	fake_frames(16 * MIB);
	assert_int_equal(frame_alloc(1, 1, &pa), 0);
	paddr_t second = pa_add(pa, PAGE_SIZE);
	assert_int_equal(frame_get(second), 0);
	assert_int_equal(frame_get(second), 0);
	assert_int_equal(frame_refs(second), 2);
	assert_int_equal(frame_free(1, pa, 1), -XEN_EINVAL);
	assert_int_equal(frame_owner(second), 1);
	frame_put(second);
	assert_int_equal(frame_free(1, pa, 1), -XEN_EINVAL);
	frame_put(second);
	assert_int_equal(frame_free(1, pa, 1), 0);
	assert_int_equal(frame_get(second), -XEN_EINVAL); /* free now */
}

static void test_frame_release_all_keeps_referenced_frames_until_last_put(void **state)
{
	paddr_t pa;
	(void)state;

	fake_frames(16 * MIB);
	uint64_t total = frame_free_count();
	assert_int_equal(frame_alloc(4, 2, &pa), 0);
	assert_int_equal(frame_get(pa), 0);
	assert_int_equal(frame_release_all(4), 3);
	assert_int_equal(frame_count(4), 0);
	assert_int_equal(frame_owner(pa), DOMID_XEN);
	assert_int_equal(frame_count(DOMID_XEN), 1);
	assert_int_equal(frame_get(pa), -XEN_EINVAL); /* no new references to a dead domain's page */
	assert_int_equal(frame_free(DOMID_XEN, pa, 0), -XEN_EINVAL);
	frame_put(pa);
	assert_int_equal(frame_count(DOMID_XEN), 0);
	assert_int_equal(frame_free_count(), total);
}

static void test_frame_free_rejects_foreign_misaligned_and_free_frames(void **state)
{
	paddr_t pa;
	(void)state;

	fake_frames(16 * MIB);
	assert_int_equal(frame_alloc(1, 2, &pa), 0);
	assert_int_equal(frame_free(2, pa, 2), -XEN_EINVAL);                    /* not d2's */
	assert_int_equal(frame_free(1, pa_add(pa, PAGE_SIZE), 1), -XEN_EINVAL); /* misaligned */
	assert_int_equal(frame_free(1, pa_add(pa, 1), 0), -XEN_EINVAL);         /* not page aligned */
	assert_int_equal(frame_free(1, pa, 3), -XEN_EINVAL);                    /* runs into free frames */
	assert_int_equal(frame_free(FRAME_OWNER_NONE, pa_add(pa, 4 * PAGE_SIZE), 0), -XEN_EINVAL);
	assert_int_equal(frame_free(1, pa_init(0x1000), 0), -XEN_EINVAL); /* not RAM */
	assert_int_equal(frame_free(1, pa, FRAME_MAX_ORDER + 1), -XEN_EINVAL);
	assert_int_equal(frame_owner(pa), 1);
	/* Any aligned part of a run may go back on its own. */
	assert_int_equal(frame_free(1, pa_add(pa, 2 * PAGE_SIZE), 1), 0);
	assert_int_equal(frame_free(1, pa, 0), 0);
	assert_int_equal(frame_free(1, pa, 0), -XEN_EINVAL); /* double free */
	assert_int_equal(frame_count(1), 1);
}

static void test_frame_alloc_rejects_bad_owner_and_order(void **state)
{
	paddr_t pa;
	(void)state;

	fake_frames(16 * MIB);
	assert_int_equal(frame_alloc(FRAME_OWNER_NONE, 0, &pa), -XEN_EINVAL);
	assert_int_equal(frame_alloc(FRAME_MAX_DOMAINS, 0, &pa), -XEN_EINVAL);
	assert_int_equal(frame_alloc(DOMID_IO, 0, &pa), -XEN_EINVAL);
	assert_int_equal(frame_alloc(1, FRAME_MAX_ORDER + 1, &pa), -XEN_EINVAL);
	assert_int_equal(frame_owner(pa_init(0x1000)), DOMID_INVALID);
	assert_false(frame_is_ram(pa_init(0x1000)));
	assert_int_equal(frame_get(pa_init(0x1000)), -XEN_EINVAL);
	assert_int_equal(frame_refs(pa_init(0x1000)), 0);
	assert_int_equal(frame_count(DOMID_IO), 0);
}

static void put_unreferenced(void *arg)
{
	(void)arg;
	paddr_t pa;
	if (frame_alloc(1, 0, &pa) == 0)
		frame_put(pa);
}

static void test_frame_put_without_a_reference_is_a_hypervisor_bug(void **state)
{
	(void)state;
	fake_frames(16 * MIB);
	fake_expect_panic(put_unreferenced, NULL, "assertion");
}

static void test_frame_init_fails_without_room_for_its_table(void **state)
{
	struct platform plat = { 0 };
	(void)state;

	fake_reset();
	fake_ram_add(FAKE_RAM_BASE, 4 * MIB, &plat);
	fake_reserve(FAKE_RAM_BASE, 4 * MIB - 2 * PAGE_SIZE);
	fake_reserve(FAKE_RAM_BASE + 4 * MIB - PAGE_SIZE, PAGE_SIZE);
	/* One free page: the 4-page table does not fit. */
	assert_int_equal(frame_init(&plat, NULL, 0), -XEN_ENOMEM);
	struct platform none = { 0 };
	assert_int_equal(frame_init(&none, NULL, 0), -XEN_ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_init_frees_every_frame_but_the_table),
		cmocka_unit_test(test_frame_init_skips_reserved_regions_of_hal_and_caller),
		cmocka_unit_test(test_frame_alloc_gives_zeroed_runs_aligned_to_their_order),
		cmocka_unit_test(test_frame_alloc_cleans_guest_frames_but_not_the_hypervisors),
		cmocka_unit_test(test_frame_alloc_order_18_takes_the_one_aligned_gib),
		cmocka_unit_test(test_frame_exhaustion_gives_enomem_and_frees_restore_all),
		cmocka_unit_test(test_frame_no_frame_ever_has_two_owners),
		cmocka_unit_test(test_frame_release_all_returns_exactly_the_owners_frames),
		cmocka_unit_test(test_frame_referenced_frame_cannot_be_freed),
		cmocka_unit_test(test_frame_release_all_keeps_referenced_frames_until_last_put),
		cmocka_unit_test(test_frame_free_rejects_foreign_misaligned_and_free_frames),
		cmocka_unit_test(test_frame_alloc_rejects_bad_owner_and_order),
		cmocka_unit_test(test_frame_put_without_a_reference_is_a_hypervisor_bug),
		cmocka_unit_test(test_frame_init_fails_without_room_for_its_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
