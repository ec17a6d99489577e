/* guest_copy: buffers split per page through the guest's stage 1 (off, or tables the test builds
 * in guest RAM) and the p2m; holes, read-only mappings, MMIO and foreign frames give -EFAULT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_hal.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "mm/p2m.h"
#include "public/errno.h"

#define K4       UINT64_C(0x1000)
#define RAM_IPA  UINT64_C(0x40000000)
#define RAM_PGS  32
#define S1_L1    (RAM_IPA + 20 * K4) /* the guest's stage-1 tables, in its own RAM */
#define S1_L2    (RAM_IPA + 21 * K4)
#define S1_L3    (RAM_IPA + 22 * K4)
#define VA       UINT64_C(0x10000000)            /* where the guest's stage 1 maps things */
#define S1_PAGE  (3ull | 1ull << 10 | 3ull << 8) /* page, AF, inner shareable, AttrIndx 0 */
#define S1_RO    (1ull << 7)
#define S1_TABLE 3ull
#define TCR_39   (25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23 | 2ull << 32)

static struct p2m p2m;
static struct hal_vcpu_ctx vcpu;
static paddr_t ram, other; /* d1's RAM; a frame of d2 */

static uint8_t *gmem(uint64_t ipa) { return fake_ram(pa_addr(ram) + (ipa - RAM_IPA)); }

static void put64(uint64_t ipa, uint64_t v) { memcpy(gmem(ipa), &v, 8); }

static int setup(void **state)
{
	(void)state;
	fake_frames(16 << 20);
	assert_int_equal(p2m_init(&p2m, 1, 3), 0);
	assert_int_equal(frame_alloc(1, 5, &ram), 0);
	assert_int_equal(frame_alloc(2, 0, &other), 0);
	assert_int_equal(p2m_map(&p2m, ipa_init(RAM_IPA), ram, RAM_PGS * K4, P2M_RAM_RW), 0);
	vcpu = (struct hal_vcpu_ctx){ .hcr = 1, .vtcr = p2m.geo.vtcr, .vttbr = p2m_vttbr(&p2m) };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	p2m_destroy(&p2m);
	assert_int_equal(frame_refs(ram), 0);
	frame_release_all(1);
	frame_release_all(2);
	return 0;
}

/* Turns the guest's stage 1 on: VA + n*4K maps to @ipas[n] (read-only where @ro has bit n). */
static void stage1(const uint64_t *ipas, unsigned n, unsigned ro)
{
	put64(S1_L1 + 8 * (VA >> 30), S1_L2 | S1_TABLE);
	put64(S1_L2 + 8 * ((VA >> 21) & 511), S1_L3 | S1_TABLE);
	for (unsigned i = 0; i < n; i++)
		put64(S1_L3 + 8 * (((VA >> 12) & 511) + i), ipas[i] | S1_PAGE | ((ro >> i) & 1 ? S1_RO : 0));
	vcpu.el1.ttbr0 = S1_L1;
	vcpu.el1.tcr = TCR_39;
	vcpu.el1.mair = 0xff;
	vcpu.el1.sctlr = 1 | 1 << 2 | 1 << 12; /* M, C, I */
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void test_copy_roundtrip_in_one_page_with_stage1_off(void **state)
{
	uint8_t in[100], out[100];
	(void)state;

	fill(in, sizeof(in), 1);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, RAM_IPA + 3 * K4 + 40, in, sizeof(in)), 0);
	assert_memory_equal(gmem(RAM_IPA + 3 * K4 + 40), in, sizeof(in));
	assert_int_equal(copy_from_guest(&vcpu, &p2m, out, RAM_IPA + 3 * K4 + 40, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(copy_from_guest(&vcpu, &p2m, out, RAM_IPA, 0), 0);
}

static void test_copy_crossing_pages_follows_stage1_page_by_page(void **state)
{
	/* VA pages 0, 1, 2 land on IPA pages 7, 2, 9: not contiguous anywhere below the guest. */
	const uint64_t ipas[] = { RAM_IPA + 7 * K4, RAM_IPA + 2 * K4, RAM_IPA + 9 * K4 };
	uint8_t in[2 * K4 + 100], out[sizeof(in)]; /* 100 bytes, then two whole pages */
	(void)state;

	stage1(ipas, 3, 0);
	fill(in, sizeof(in), 5);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, VA + K4 - 100, in, sizeof(in)), 0);
	assert_memory_equal(gmem(RAM_IPA + 8 * K4 - 100), in, 100);
	assert_memory_equal(gmem(RAM_IPA + 2 * K4), in + 100, K4);
	assert_memory_equal(gmem(RAM_IPA + 9 * K4), in + 100 + K4, K4);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, out, VA + K4 - 100, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(out));
}

static void test_copy_from_guest_crossing_into_hole_returns_efault(void **state)
{
	uint8_t buf[64];
	(void)state;

	/* Stage 2 ends at the RAM's last page. */
	uint64_t end = RAM_IPA + RAM_PGS * K4;
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, end - 32, 64), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, end - 32, 32), 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, end, 1), -XEN_EFAULT);
	/* A hole punched into the middle. */
	assert_int_equal(p2m_unmap(&p2m, ipa_init(RAM_IPA + 4 * K4), K4), 0);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, RAM_IPA + 4 * K4 - 8, buf, 16), -XEN_EFAULT);
	/* Stage 1 ends after one page. */
	const uint64_t ipas[] = { RAM_IPA + 7 * K4 };
	stage1(ipas, 1, 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, VA + K4 - 8, 8), 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, VA + K4 - 8, 16), -XEN_EFAULT);
	assert_int_equal(frame_refs(ram), 0);
}

static void test_copy_to_guest_stops_at_the_first_bad_page(void **state)
{
	uint8_t in[2 * K4];
	(void)state;

	memset(in, 0xee, sizeof(in));
	assert_int_equal(p2m_unmap(&p2m, ipa_init(RAM_IPA + 6 * K4), K4), 0);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, RAM_IPA + 5 * K4, in, sizeof(in)), -XEN_EFAULT);
	assert_int_equal(gmem(RAM_IPA + 5 * K4)[K4 - 1], 0xee); /* the good page before: copied */
	assert_int_equal(gmem(RAM_IPA + 6 * K4)[0], 0);         /* the frame behind the hole: not */
}

static void test_copy_to_guest_into_read_only_mapping_returns_efault(void **state)
{
	uint8_t buf[16] = { 1, 2, 3 };
	(void)state;

	assert_int_equal(p2m_protect(&p2m, ipa_init(RAM_IPA + K4), K4, P2M_RAM_RO), 0);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, RAM_IPA + K4 + 8, buf, 8), -XEN_EFAULT);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, RAM_IPA + K4 - 8, buf, 16), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, RAM_IPA + K4 + 8, 8), 0);
	/* Read-only at stage 1 only: the guest itself could not write there either. */
	const uint64_t ipas[] = { RAM_IPA + 3 * K4, RAM_IPA + 4 * K4 };
	stage1(ipas, 2, 2);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, VA + 8, buf, 8), 0);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, VA + K4 + 8, buf, 8), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, VA + K4 + 8, 8), 0);
}

static void test_copy_from_mmio_returns_efault(void **state)
{
	uint8_t buf[8];
	paddr_t pa;
	(void)state;

	/* Even when the "device" is the domain's own RAM frame: MMIO is never a buffer. */
	assert_int_equal(frame_alloc(1, 0, &pa), 0);
	assert_int_equal(p2m_map(&p2m, ipa_init(0x09000000), pa, K4, P2M_MMIO), 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, 0x09000000, 8), -XEN_EFAULT);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, 0x09000000, buf, 8), -XEN_EFAULT);
}

static void test_copy_through_ram_mapping_of_a_foreign_frame_returns_efault(void **state)
{
	uint8_t buf[8] = { 9 };
	paddr_t free_frame;
	(void)state;

	assert_int_equal(p2m_map(&p2m, ipa_init(0x50000000), other, K4, P2M_RAM_RW), 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, 0x50000000, 8), -XEN_EFAULT);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, 0x50000000, buf, 8), -XEN_EFAULT);
	/* A free frame, a frame outside RAM, the hypervisor's own. */
	assert_int_equal(frame_alloc(1, 0, &free_frame), 0);
	assert_int_equal(frame_free(1, free_frame, 0), 0);
	assert_int_equal(p2m_map(&p2m, ipa_init(0x50001000), free_frame, K4, P2M_RAM_RW), 0);
	assert_int_equal(p2m_map(&p2m, ipa_init(0x50002000), pa_init(0x1000000), K4, P2M_RAM_RW), 0);
	assert_int_equal(p2m_map(&p2m, ipa_init(0x50003000), p2m.root, K4, P2M_RAM_RW), 0);
	for (uint64_t ipa = 0x50001000; ipa < 0x50004000; ipa += K4) {
		assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, ipa, 8), -XEN_EFAULT);
		assert_int_equal(copy_to_guest(&vcpu, &p2m, ipa, buf, 8), -XEN_EFAULT);
	}
	assert_int_equal(frame_refs(other), 0);
}

static void test_copy_through_a_grant_mapping_reaches_the_granted_frame(void **state)
{
	uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];
	(void)state;

	assert_int_equal(p2m_map(&p2m, ipa_init(0x60000000), other, K4, P2M_GRANT_RW), 0);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, 0x60000010, in, 8), 0);
	assert_memory_equal(fake_ram(pa_addr(other) + 0x10), in, 8);
	assert_int_equal(p2m_protect(&p2m, ipa_init(0x60000000), K4, P2M_GRANT_RO), 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, out, 0x60000010, 8), 0);
	assert_memory_equal(in, out, 8);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, 0x60000010, in, 8), -XEN_EFAULT);
}

static void test_copy_with_a_wrapping_range_returns_efault(void **state)
{
	uint8_t buf[16];
	(void)state;

	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, UINT64_MAX - 7, 16), -XEN_EFAULT);
	assert_int_equal(copy_to_guest(&vcpu, &p2m, UINT64_MAX - 7, buf, 16), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, UINT64_C(1) << 41, 8), -XEN_EFAULT);
}

static void test_copy_with_stage1_tables_outside_stage2_returns_efault(void **state)
{
	uint8_t buf[8];
	const uint64_t ipas[] = { RAM_IPA + 3 * K4 };
	(void)state;

	stage1(ipas, 1, 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, VA, 8), 0);
	/* The guest's own tables vanish from stage 2: its walk faults (S1PTW). */
	assert_int_equal(p2m_unmap(&p2m, ipa_init(S1_L3), K4), 0);
	assert_int_equal(copy_from_guest(&vcpu, &p2m, buf, VA, 8), -XEN_EFAULT);
}

static void test_guest_page_get_pins_the_frame_until_put(void **state)
{
	void *va;
	paddr_t pa;
	(void)state;

	assert_int_equal(guest_page_get(&vcpu, &p2m, RAM_IPA + 5 * K4 + 0x123, true, &va, &pa), 0);
	assert_int_equal(pa_addr(pa), pa_addr(ram) + 5 * K4 + 0x123);
	assert_ptr_equal(va, gmem(RAM_IPA + 5 * K4 + 0x123));
	assert_int_equal(frame_refs(pa), 1);
	paddr_t page = pa_init(pa_addr(pa) & ~(K4 - 1));
	assert_int_equal(frame_free(1, page, 0), -XEN_EINVAL); /* pinned */
	guest_page_put(pa);
	assert_int_equal(frame_refs(pa), 0);

	assert_int_equal(p2m_protect(&p2m, ipa_init(RAM_IPA), K4, P2M_RAM_RO), 0);
	assert_int_equal(guest_page_get(&vcpu, &p2m, RAM_IPA, true, &va, &pa), -XEN_EFAULT);
	assert_int_equal(guest_page_get(&vcpu, &p2m, RAM_IPA, false, &va, &pa), 0);
	guest_page_put(pa);
	assert_int_equal(p2m_map(&p2m, ipa_init(0x50000000), other, K4, P2M_RAM_RW), 0);
	assert_int_equal(guest_page_get(&vcpu, &p2m, 0x50000000, false, &va, &pa), -XEN_EFAULT);
	assert_int_equal(frame_refs(other), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_copy_roundtrip_in_one_page_with_stage1_off),
		T(test_copy_crossing_pages_follows_stage1_page_by_page),
		T(test_copy_from_guest_crossing_into_hole_returns_efault),
		T(test_copy_to_guest_stops_at_the_first_bad_page),
		T(test_copy_to_guest_into_read_only_mapping_returns_efault),
		T(test_copy_from_mmio_returns_efault),
		T(test_copy_through_ram_mapping_of_a_foreign_frame_returns_efault),
		T(test_copy_through_a_grant_mapping_reaches_the_granted_frame),
		T(test_copy_with_a_wrapping_range_returns_efault),
		T(test_copy_with_stage1_tables_outside_stage2_returns_efault),
		T(test_guest_page_get_pins_the_frame_until_put),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
