/* The GICv3 front end as a guest's driver reads and writes it: GICD and each vCPU's GICR frames,
 * identification, RAZ/WI ranges, access sizes, routing, the WAKER handshake. */
#include "tests/vgic/vgic_fake.h"

#define GICD    FAKE_DIST
#define GICR(n) (FAKE_REDIST + (uint64_t)(n)*0x20000)
#define SGI(n)  (GICR(n) + 0x10000)
#define NV      3
#define NSPI    96

static struct vcpu *v0 = &fake_vcpu[0], *v1 = &fake_vcpu[1], *v2 = &fake_vcpu[2];

static int setup(void **state)
{
	(void)state;
	fake_lrs = 4;
	fake_prio_bits = 5;
	fake_domain(NV, 3, NSPI);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_teardown();
	return 0;
}

static uint64_t rd(struct vcpu *v, uint64_t ipa, unsigned size)
{
	uint64_t val = 0x5a5a5a5a5a5a5a5aull;
	assert_int_equal(fake_mmio(v, ipa, size, false, &val), 0);
	return val;
}

static void wr(struct vcpu *v, uint64_t ipa, unsigned size, uint64_t val)
{
	assert_int_equal(fake_mmio(v, ipa, size, true, &val), 0);
}

static int access_rc(struct vcpu *v, uint64_t ipa, unsigned size, bool write)
{
	uint64_t val = 0;
	return fake_mmio(v, ipa, size, write, &val);
}

static void test_vgic_v3_gicd_typer_reports_lines_idbits_and_no_lpis(void **state)
{
	(void)state;
	uint32_t typer = fake_read32(v0, GICD + 0x004);
	assert_int_equal(typer & 0x1f, (NSPI + 32) / 32 - 1);
	assert_int_equal((typer >> 19) & 0x1f, 9);          /* INTIDs up to 1023 */
	assert_int_equal(typer & (1u << 17), 0);            /* LPIS */
	assert_int_equal(typer & (1u << 16), 0);            /* MBIS */
	assert_int_equal(typer & (1u << 10), 0);            /* SecurityExtn */
	assert_int_equal(fake_read32(v0, GICD + 0x00c), 0); /* TYPER2 */
	assert_int_equal(fake_read32(v0, GICD + 0x008) & 0xfff, 0x43b);
}

static void test_vgic_v3_pidr2_archrev_is_3_in_gicd_and_gicr(void **state)
{
	(void)state;
	assert_int_equal((fake_read32(v0, GICD + 0xffe8) >> 4) & 0xf, 3);
	assert_int_equal((fake_read32(v0, GICR(2) + 0xffe8) >> 4) & 0xf, 3);
	assert_int_equal(fake_read32(v0, GICD + 0xfffc), 0xb1); /* CIDR3 */
}

static void test_vgic_v3_gicd_ctlr_are_and_ds_read_as_one_group_bits_stick(void **state)
{
	(void)state;
	assert_int_equal(fake_read32(v0, GICD + 0x000), 0x50);
	fake_write32(v0, GICD + 0x000, 0xffffffff);
	assert_int_equal(fake_read32(v0, GICD + 0x000), 0x53);
	fake_write32(v0, GICD + 0x000, 0);
	assert_int_equal(fake_read32(v0, GICD + 0x000), 0x50); /* ARE is RAO/WI */
}

static void test_vgic_v3_gicd_private_ranges_are_raz_wi(void **state)
{
	(void)state;
	fake_write32(v0, GICD + 0x100, 0xffffffff);
	assert_int_equal(fake_read32(v0, GICD + 0x100), 0);
	assert_int_equal(fake_read32(v0, SGI(0) + 0x100), 0); /* not through to the redistributor */
	fake_write32(v0, GICD + 0x400, 0xffffffff);
	assert_int_equal(fake_read32(v0, GICD + 0x400), 0);
	fake_write32(v0, GICD + 0x800 + 32, 0xffffffff); /* ITARGETSR: RES0 with ARE */
	assert_int_equal(fake_read32(v0, GICD + 0x800 + 32), 0);
	assert_int_equal(fake_read32(v0, GICD + 0xc00), 0);
	/* Beyond the implemented SPIs likewise. */
	fake_write32(v0, GICD + 0x100 + (NSPI + 32) / 8, 0xffffffff);
	assert_int_equal(fake_read32(v0, GICD + 0x100 + (NSPI + 32) / 8), 0);
	assert_int_equal(rd(v0, GICD + 0x6000 + 8 * (NSPI + 32), 8), 0);
}

static void test_vgic_v3_enable_set_clear_read_back_per_bit(void **state)
{
	(void)state;
	fake_write32(v0, GICD + 0x104, 0x00f0000f);
	fake_write32(v1, GICD + 0x104, 0x00000100);
	assert_int_equal(fake_read32(v2, GICD + 0x104), 0x00f0010f);
	assert_int_equal(fake_read32(v2, GICD + 0x184), 0x00f0010f);
	fake_write32(v0, GICD + 0x184, 0x00300001);
	assert_int_equal(fake_read32(v0, GICD + 0x104), 0x00c0010e);
}

static void test_vgic_v3_pending_and_active_set_clear(void **state)
{
	(void)state;
	fake_write32(v0, GICD + 0x208, 0x5); /* SPIs 64, 66 */
	assert_int_equal(fake_read32(v0, GICD + 0x208), 0x5);
	assert_int_equal(fake_read32(v0, GICD + 0x288), 0x5);
	fake_write32(v0, GICD + 0x288, 0x1);
	assert_int_equal(fake_read32(v0, GICD + 0x208), 0x4);
	fake_write32(v0, GICD + 0x308, 0x3);
	assert_int_equal(fake_read32(v0, GICD + 0x388), 0x3);
	fake_write32(v0, GICD + 0x388, 0x2);
	assert_int_equal(fake_read32(v0, GICD + 0x308), 0x1);
	/* SGIs through the redistributor: GICv3 lets ISPENDR0 set them. */
	fake_write32(v0, SGI(1) + 0x200, 1u << 3);
	assert_int_equal(fake_read32(v0, SGI(1) + 0x200), 1u << 3);
	assert_int_equal(fake_read32(v0, SGI(0) + 0x200), 0);
}

static void test_vgic_v3_ipriorityr_byte_and_word_agree(void **state)
{
	(void)state;
	wr(v0, GICD + 0x400 + 40, 1, 0x80);
	wr(v0, GICD + 0x400 + 41, 1, 0x47); /* low bits unimplemented: 0x40 */
	assert_int_equal(fake_read32(v0, GICD + 0x400 + 40), 0x4080);
	fake_write32(v0, GICD + 0x400 + 44, 0x10203040);
	assert_int_equal(rd(v0, GICD + 0x400 + 46, 1), 0x20);
	wr(v0, SGI(2) + 0x400 + 27, 1, 0xa0);
	assert_int_equal(fake_read32(v0, SGI(2) + 0x418), 0xa0000000);
	assert_int_equal(fake_read32(v0, SGI(1) + 0x418), 0);
}

static void test_vgic_v3_icfgr_sgis_rao_wi_ppis_and_spis_writable(void **state)
{
	(void)state;
	assert_int_equal(fake_read32(v0, SGI(0) + 0xc00), 0xaaaaaaaa);
	fake_write32(v0, SGI(0) + 0xc00, 0);
	assert_int_equal(fake_read32(v0, SGI(0) + 0xc00), 0xaaaaaaaa);
	fake_write32(v0, SGI(0) + 0xc04, 0x80000000);
	assert_int_equal(fake_read32(v0, SGI(0) + 0xc04), 0x80000000);
	fake_write32(v0, GICD + 0xc08, 0xffffffff); /* the odd bits are RES0 */
	assert_int_equal(fake_read32(v0, GICD + 0xc08), 0xaaaaaaaa);
}

static void test_vgic_v3_irouter_64_and_32_bit_access_masks_reserved(void **state)
{
	(void)state;
	uint64_t r = GICD + 0x6000 + 8 * 40;
	assert_int_equal(rd(v0, r, 8), 0);
	wr(v0, r, 8, ~0ull);
	assert_int_equal(rd(v0, r, 8), 0xff80ffffffull); /* Aff3, IRM, Aff2..0 */
	wr(v0, r, 4, 0x2);
	assert_int_equal(rd(v0, r, 8), 0xff00000002ull);
	wr(v0, r + 4, 4, 0);
	assert_int_equal(rd(v0, r, 4), 2);
	assert_int_equal(rd(v0, r + 4, 4), 0);
	/* Routed to vCPU 2 (Aff0 2): its injection reaches v2's list only. */
	fake_write32(v0, GICD + 0x000, 0x12);
	fake_write32(v0, GICD + 0x084, 0xffffffff);
	fake_write32(v0, GICD + 0x104, 1u << 8);
	vgic_inject(&fake_dom, NULL, 40);
	assert_int_equal(fake_kicks[2], 1);
	assert_int_equal(v2->vgic->nr_listed, 1);
	assert_int_equal(v0->vgic->nr_listed, 0);
}

static void test_vgic_v3_bad_sizes_and_alignment_abort(void **state)
{
	(void)state;
	assert_int_equal(access_rc(v0, GICD + 0x000, 2, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x000, 8, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x000, 1, true), -1);
	assert_int_equal(access_rc(v0, GICD + 0x104, 1, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x106, 4, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x400, 8, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x6104, 8, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x6100, 2, false), -1);
	assert_int_equal(access_rc(v0, GICR(0) + 0x0014, 8, false), -1);
	assert_int_equal(access_rc(v0, GICR(0) + 0x0008, 2, false), -1);
	assert_int_equal(access_rc(v0, SGI(0) + 0x100, 8, false), -1);
	/* What the spec allows goes through. */
	assert_int_equal(access_rc(v0, GICD + 0x401, 1, true), 0);
	assert_int_equal(access_rc(v0, GICR(0) + 0x0008, 8, false), 0);
	assert_int_equal(access_rc(v0, GICR(0) + 0x000c, 4, false), 0);
	assert_int_equal(access_rc(v0, SGI(0) + 0x41f, 1, false), 0);
}

static void test_vgic_v3_gicr_typer_affinity_processor_number_last(void **state)
{
	(void)state;
	for (unsigned n = 0; n < NV; n++) {
		uint64_t typer = rd(v0, GICR(n) + 0x0008, 8);
		assert_int_equal(typer >> 32, fake_vcpu[n].ctx.vmpidr & 0xffffff);
		assert_int_equal((typer >> 8) & 0xffff, n);
		assert_int_equal(!!(typer & (1u << 4)), n == NV - 1);
		assert_int_equal(typer & 1, 0); /* PLPIS */
		assert_int_equal(rd(v1, GICR(n) + 0x000c, 4), typer >> 32);
	}
}

static void test_vgic_v3_gicr_waker_handshake_as_linux_does_it(void **state)
{
	(void)state;
	assert_int_equal(fake_read32(v1, GICR(1) + 0x0014), 0x6); /* asleep after reset */
	fake_write32(v1, GICR(1) + 0x0014, 0);
	assert_int_equal(fake_read32(v1, GICR(1) + 0x0014) & 0x4, 0); /* ChildrenAsleep follows */
	assert_int_equal(fake_read32(v1, GICR(0) + 0x0014), 0x6);     /* each frame its own */
	fake_write32(v1, GICR(1) + 0x0014, 0x2);
	assert_int_equal(fake_read32(v1, GICR(1) + 0x0014), 0x6);
	vgic_vcpu_reset(v1);
	assert_int_equal(fake_read32(v0, GICR(1) + 0x0014), 0x6);
}

static void test_vgic_v3_gicr_frames_bank_private_state_by_frame_not_accessor(void **state)
{
	(void)state;
	fake_write32(v0, SGI(1) + 0x100, 1u << 27);
	assert_int_equal(fake_read32(v1, SGI(1) + 0x100), 1u << 27);
	assert_int_equal(fake_read32(v1, SGI(0) + 0x100), 0);
	assert_int_equal(fake_read32(v0, SGI(1) + 0x180), 1u << 27);
	fake_write32(v2, SGI(1) + 0x080, 0xffffffff);
	assert_int_equal(fake_read32(v1, SGI(1) + 0x080), 0xffffffff);
	assert_int_equal(fake_read32(v1, SGI(2) + 0x080), 0);
}

static void test_vgic_v3_reserved_and_lpi_registers_raz_wi(void **state)
{
	(void)state;
	static const uint64_t offs[] = { GICD + 0x0010,    GICD + 0x0040,    GICD + 0x0d00,   GICD + 0x0e00,
					 GICD + 0x0f00,    GICD + 0x5000,    GICD + 0xc000,   GICR(0) + 0x0000,
					 GICR(0) + 0x0010, GICR(0) + 0x0070, SGI(0) + 0x0d00, SGI(0) + 0x0e00,
					 SGI(0) + 0x0004,  SGI(1) + 0xc08 };
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		fake_write32(v0, offs[i], 0xffffffff);
		assert_int_equal(fake_read32(v0, offs[i]), 0);
	}
	wr(v0, GICR(1) + 0x0070, 8, ~0ull); /* PROPBASER */
	assert_int_equal(rd(v0, GICR(1) + 0x0070, 8), 0);
	/* The reserved writes changed nothing a guest can see. */
	assert_int_equal(fake_read32(v0, GICD + 0x000), 0x50);
	assert_int_equal(fake_read32(v0, SGI(1) + 0x100), 0);
}

static void test_vgic_v3_guest_setup_as_linux_then_spi_delivered(void **state)
{
	(void)state;
	/* gic_dist_init: groups, priorities, disable, then CTLR with ARE and both group enables. */
	fake_write32(v0, GICD + 0x000, 0);
	for (unsigned i = 32; i < NSPI + 32; i += 32)
		fake_write32(v0, GICD + 0x080 + i / 8, 0xffffffff);
	for (unsigned i = 32; i < NSPI + 32; i += 4)
		fake_write32(v0, GICD + 0x400 + i, 0xa0a0a0a0);
	fake_write32(v0, GICD + 0x000, 0x13);
	for (unsigned i = 32; i < NSPI + 32; i++)
		wr(v0, GICD + 0x6000 + 8 * i, 8, 0);
	/* gic_cpu_init for v1: wake the redistributor, SGI frame groups and priorities. */
	fake_write32(v1, GICR(1) + 0x0014, 0);
	fake_write32(v1, SGI(1) + 0x080, 0xffffffff);
	fake_write32(v1, SGI(1) + 0x400, 0xa0a0a0a0);
	fake_guest_enable(v0);
	fake_write32(v0, GICD + 0x0c08, 0xaaaaaaaa);
	wr(v0, GICD + 0x6000 + 8 * 33, 8, 1); /* SPI 33 to vCPU 1 */
	fake_write32(v0, GICD + 0x104, 1u << 1);
	fake_guest_enable(v1);
	vgic_inject(&fake_dom, NULL, 33);
	unsigned seen[1024] = { 0 };
	assert_int_equal(fake_drain(v1, seen), 1);
	assert_int_equal(seen[33], 1);
	assert_int_equal(fake_drain(v0, NULL), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_vgic_v3_gicd_typer_reports_lines_idbits_and_no_lpis),
		T(test_vgic_v3_pidr2_archrev_is_3_in_gicd_and_gicr),
		T(test_vgic_v3_gicd_ctlr_are_and_ds_read_as_one_group_bits_stick),
		T(test_vgic_v3_gicd_private_ranges_are_raz_wi),
		T(test_vgic_v3_enable_set_clear_read_back_per_bit),
		T(test_vgic_v3_pending_and_active_set_clear),
		T(test_vgic_v3_ipriorityr_byte_and_word_agree),
		T(test_vgic_v3_icfgr_sgis_rao_wi_ppis_and_spis_writable),
		T(test_vgic_v3_irouter_64_and_32_bit_access_masks_reserved),
		T(test_vgic_v3_bad_sizes_and_alignment_abort),
		T(test_vgic_v3_gicr_typer_affinity_processor_number_last),
		T(test_vgic_v3_gicr_waker_handshake_as_linux_does_it),
		T(test_vgic_v3_gicr_frames_bank_private_state_by_frame_not_accessor),
		T(test_vgic_v3_reserved_and_lpi_registers_raz_wi),
		T(test_vgic_v3_guest_setup_as_linux_then_spi_delivered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
