/* frame_alloc_ram: with bootscrub=0 a domain may have RAM nobody has had since boot as it is, but
 * never a frame another owner had, even one merged back into a block with untouched frames. */
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

#define MIB   (UINT64_C(1) << 20)
#define BOOT  0x5b /* what the firmware and the loader left in RAM */
#define OWNED 0xc3 /* what a domain wrote */

/* 16 MiB of RAM filled with BOOT, then frame_init under @bootargs. A second bank of 17 pages takes
 * the frame table exactly, so the first is all free and merges into two 8 MiB blocks. */
static void boot_with(const char *bootargs)
{
	struct platform plat = { .bootargs = bootargs };

	fake_reset();
	fake_ram_add(FAKE_RAM_BASE, 16 * MIB, &plat);
	fake_ram_add(FAKE_RAM_BASE + 64 * MIB, 17 * PAGE_SIZE, &plat);
	memset(fake_ram(FAKE_RAM_BASE), BOOT, 16 * MIB);
	assert_int_equal(frame_init(&plat, NULL, 0), 0);
	assert_int_equal(frame_free_count(), 4096);
}

/* Every byte of the 2^@order frames at @pa is @v. */
static bool filled(paddr_t pa, unsigned order, uint8_t v)
{
	const uint8_t *p = fake_ram(pa_addr(pa));

	for (uint64_t i = 0; i < (PAGE_SIZE << order); i++)
		if (p[i] != v)
			return false;
	return true;
}

static void test_frame_alloc_ram_hands_out_untouched_boot_ram_as_is_with_bootscrub_0(void **state)
{
	paddr_t pa;
	(void)state;

	boot_with("console=dtuart bootscrub=0 dom0_mem=512M");
	fake_cleaned_bytes = 0;
	assert_int_equal(frame_alloc_ram(1, 8, &pa), 0);
	assert_true(filled(pa, 8, BOOT));
	assert_int_equal(fake_cleaned_bytes, 0);
	assert_int_equal(frame_owner(pa), 1);
	assert_int_equal(frame_count(1), 256);
}

static void test_frame_alloc_ram_clears_boot_ram_unless_bootscrub_is_false(void **state)
{
	const char *args[] = {
		NULL, "", "bootscrub", "bootscrub=1", "bootscrub=idle", "bootscrub=0x", "nobootscrub=0"
	};
	paddr_t pa;
	(void)state;

	for (unsigned i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		boot_with(args[i]);
		assert_int_equal(frame_alloc_ram(1, 4, &pa), 0);
		if (!filled(pa, 4, 0))
			fail_msg("bootargs \"%s\": boot RAM handed out uncleared", args[i] ? args[i] : "(none)");
	}
	const char *no[] = { "bootscrub=no", "bootscrub=false", "bootscrub=off", "bootscrub=disable" };
	for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		boot_with(no[i]);
		assert_int_equal(frame_alloc_ram(1, 4, &pa), 0);
		assert_true(filled(pa, 4, BOOT));
	}
}

static void test_frame_alloc_zeroes_untouched_boot_ram_too(void **state)
{
	paddr_t pa;
	(void)state;

	/* The hypervisor's tables and a domain's shared_info rely on zeroes, which boot RAM need not hold. */
	boot_with("bootscrub=0");
	assert_int_equal(frame_alloc(DOMID_XEN, 3, &pa), 0);
	assert_true(filled(pa, 3, 0));
	assert_int_equal(frame_alloc(2, 0, &pa), 0);
	assert_true(filled(pa, 0, 0));
}

/* Takes all free RAM for domain 9 through frame_alloc_ram in blocks of @order: none may hold OWNED,
 * and the page at @had, which another owner wrote OWNED into, must come back cleared. */
static void take_all_for_domain_9(unsigned order, paddr_t had)
{
	paddr_t got;
	bool seen = false;

	while (frame_alloc_ram(9, order, &got) == 0) {
		const uint8_t *p = fake_ram(pa_addr(got));
		for (uint64_t i = 0; i < (PAGE_SIZE << order); i++)
			if (p[i] == OWNED)
				fail_msg("order %u: a byte at %#llx another owner wrote went to domain 9", order,
					 (unsigned long long)(pa_addr(got) + i));
		seen |= pa_addr(had) - pa_addr(got) < (PAGE_SIZE << order);
	}
	assert_true(seen);
	assert_true(filled(had, 0, 0));
}

/* @owner writes OWNED into a page and frees it; then domain 9 takes everything. */
static void reuse_after(domid_t owner, unsigned order)
{
	paddr_t pa;

	assert_int_equal(frame_alloc_ram(owner, 0, &pa), 0);
	memset(fake_ram(pa_addr(pa)), OWNED, PAGE_SIZE);
	assert_int_equal(frame_free(owner, pa, 0), 0);
	take_all_for_domain_9(order, pa);
}

static void test_frame_alloc_ram_clears_a_page_a_domain_had(void **state)
{
	(void)state;
	boot_with("bootscrub=0");
	reuse_after(1, 0);
}

static void test_frame_alloc_ram_clears_a_block_merged_from_used_and_untouched_frames(void **state)
{
	(void)state;
	/* The freed page merges with its untouched buddies back into large blocks: all must be cleared. */
	for (unsigned order = 1; order <= 11; order += 2) {
		boot_with("bootscrub=0");
		reuse_after(1, order);
	}
	boot_with("bootscrub=0");
	reuse_after(DOMID_XEN, 11);
}

static void test_frame_alloc_ram_clears_pages_of_a_torn_down_domain(void **state)
{
	paddr_t pa;
	(void)state;

	boot_with("bootscrub=0");
	assert_int_equal(frame_alloc_ram(1, 10, &pa), 0);
	memset(fake_ram(pa_addr(pa)), OWNED, PAGE_SIZE << 10);
	assert_int_equal(frame_release_all(1), 1024);
	take_all_for_domain_9(10, pa_add(pa, 5 * PAGE_SIZE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_alloc_ram_hands_out_untouched_boot_ram_as_is_with_bootscrub_0),
		cmocka_unit_test(test_frame_alloc_ram_clears_boot_ram_unless_bootscrub_is_false),
		cmocka_unit_test(test_frame_alloc_zeroes_untouched_boot_ram_too),
		cmocka_unit_test(test_frame_alloc_ram_clears_a_page_a_domain_had),
		cmocka_unit_test(test_frame_alloc_ram_clears_a_block_merged_from_used_and_untouched_frames),
		cmocka_unit_test(test_frame_alloc_ram_clears_pages_of_a_torn_down_domain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
