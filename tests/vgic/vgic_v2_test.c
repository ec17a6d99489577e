/* The GICv2 front end as a guest's driver sees it: banked registers, CPU targets, TYPER, IDs,
 * access sizes, and interrupts left in group 0 as Linux's gic driver leaves them. */
#include "tests/vgic/vgic_fake.h"

#define GICD FAKE_DIST
#define NV   3
#define NSPI 64

static struct vcpu *v0 = &fake_vcpu[0], *v1 = &fake_vcpu[1], *v2 = &fake_vcpu[2];

static int setup(void **state)
{
	(void)state;
	fake_lrs = 4;
	fake_prio_bits = 5;
	fake_domain(NV, 2, NSPI);
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

static int access_rc(struct vcpu *v, uint64_t ipa, unsigned size, bool write)
{
	uint64_t val = 0;
	return fake_mmio(v, ipa, size, write, &val);
}

static void test_vgic_v2_typer_reports_cpus_and_lines(void **state)
{
	(void)state;
	uint32_t typer = fake_read32(v0, GICD + 0x004);
	assert_int_equal(typer & 0x1f, (NSPI + 32) / 32 - 1);
	assert_int_equal((typer >> 5) & 7, NV - 1);
	assert_int_equal(typer & (1u << 10), 0); /* no Security Extensions */
	assert_int_equal((fake_read32(v0, GICD + 0xfe8) >> 4) & 0xf, 2);
	assert_int_equal(fake_read32(v0, GICD + 0x000), 0);
	fake_write32(v0, GICD + 0x000, 0xffffffff);
	assert_int_equal(fake_read32(v0, GICD + 0x000), 3);
}

static void test_vgic_v2_itargetsr_private_reads_own_cpu_bit_and_ignores_writes(void **state)
{
	(void)state;
	for (unsigned n = 0; n < NV; n++) {
		uint32_t own = 0x01010101u << n;
		for (unsigned r = 0; r < 8; r++)
			assert_int_equal(fake_read32(&fake_vcpu[n], GICD + 0x800 + 4 * r), own);
		fake_write32(&fake_vcpu[n], GICD + 0x800, 0xffffffff);
		assert_int_equal(rd(&fake_vcpu[n], GICD + 0x81f, 1), 1u << n);
	}
}

static void test_vgic_v2_itargetsr_spi_masks_absent_cpus_and_routes(void **state)
{
	(void)state;
	assert_int_equal(fake_read32(v0, GICD + 0x820), 0x01010101); /* reset: CPU 0 */
	fake_write32(v0, GICD + 0x820, 0xff060402);
	assert_int_equal(fake_read32(v1, GICD + 0x820), 0x07060402);
	/* SPI 33 goes to CPU 2; 35 to 0, 1 and 2 is taken by the lowest; a zero list (34) nowhere. */
	uint64_t none = 0;
	assert_int_equal(fake_mmio(v0, GICD + 0x822, 1, true, &none), 0);
	fake_write32(v0, GICD + 0x000, 1);
	fake_write32(v0, GICD + 0x104, 0xe);
	vgic_inject(&fake_dom, NULL, 33);
	vgic_inject(&fake_dom, NULL, 35);
	assert_int_equal(v2->vgic->nr_listed, 1);
	assert_int_equal(v0->vgic->nr_listed, 1);
	vgic_inject(&fake_dom, NULL, 34);
	assert_int_equal(v0->vgic->nr_listed + v1->vgic->nr_listed + v2->vgic->nr_listed, 2);
}

static void test_vgic_v2_bank_zero_registers_are_per_accessing_cpu(void **state)
{
	(void)state;
	fake_write32(v1, GICD + 0x100, 0x8000ffff);
	assert_int_equal(fake_read32(v1, GICD + 0x100), 0x8000ffff);
	assert_int_equal(fake_read32(v0, GICD + 0x100), 0);
	fake_write32(v2, GICD + 0x41c, 0xa0b0c0d0);
	assert_int_equal(fake_read32(v2, GICD + 0x41c), 0xa0b0c0d0);
	assert_int_equal(fake_read32(v1, GICD + 0x41c), 0);
	assert_int_equal(fake_read32(v1, GICD + 0xc00), 0xaaaaaaaa);
}

static void test_vgic_v2_ispendr_sgi_bits_ignored_spendsgir_sets_per_source(void **state)
{
	(void)state;
	fake_write32(v0, GICD + 0x200, 0xffff);
	assert_int_equal(fake_read32(v0, GICD + 0x200), 0);
	uint64_t src = 0x06; /* SGI 2 from CPUs 1 and 2 */
	assert_int_equal(fake_mmio(v0, GICD + 0xf22, 1, true, &src), 0);
	assert_int_equal(fake_read32(v0, GICD + 0xf20), 0x060000);
	assert_int_equal(fake_read32(v0, GICD + 0x200), 1u << 2);
	assert_int_equal(fake_read32(v1, GICD + 0xf20), 0);
	fake_write32(v0, GICD + 0xf10, 0x020000);
	assert_int_equal(fake_read32(v0, GICD + 0xf10), 0x040000);
	fake_write32(v0, GICD + 0xf20, 0xf0000000); /* sources 4..7 do not exist */
	assert_int_equal(fake_read32(v0, GICD + 0xf20), 0x040000);
}

static void test_vgic_v2_bad_sizes_and_alignment_abort(void **state)
{
	(void)state;
	assert_int_equal(access_rc(v0, GICD + 0x000, 8, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x000, 2, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x004, 1, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x100, 1, true), -1);
	assert_int_equal(access_rc(v0, GICD + 0xc00, 1, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0xf00, 1, true), -1);
	assert_int_equal(access_rc(v0, GICD + 0x402, 4, false), -1);
	assert_int_equal(access_rc(v0, GICD + 0x403, 1, false), 0);
	assert_int_equal(access_rc(v0, GICD + 0x823, 1, true), 0);
	assert_int_equal(access_rc(v0, GICD + 0xf2f, 1, false), 0);
}

static void test_vgic_v2_reserved_raz_wi(void **state)
{
	(void)state;
	static const uint64_t offs[] = { 0x00c, 0x040, 0xd00, 0xe00, 0xf04, 0xf30, 0xfc0 };
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		fake_write32(v0, GICD + offs[i], 0xffffffff);
		assert_int_equal(fake_read32(v0, GICD + offs[i]), 0);
	}
	assert_int_equal(fake_read32(v0, GICD + 0x000), 0);
	assert_int_equal(fake_read32(v0, GICD + 0x100), 0);
}

static void test_vgic_v2_group0_interrupts_delivered_as_linux_sets_them_up(void **state)
{
	(void)state;
	/* Linux's gic_dist_init: targets to itself, level, priorities, CTLR = 1; groups untouched. */
	for (unsigned i = 32; i < NSPI + 32; i += 4)
		fake_write32(v0, GICD + 0x800 + i, 0x01010101);
	for (unsigned i = 32; i < NSPI + 32; i += 16)
		fake_write32(v0, GICD + 0xc00 + i / 4, 0);
	for (unsigned i = 32; i < NSPI + 32; i += 4)
		fake_write32(v0, GICD + 0x400 + i, 0xa0a0a0a0);
	fake_write32(v0, GICD + 0x000, 1);
	fake_write32(v0, GICD + 0x104, 1u << 8);
	v0->ctx.vgic.vmcr = 0xf0u << 24 | 1; /* GICC_CTLR.EnableGrp0, PMR 0xf0 */
	vgic_set_level(&fake_dom, NULL, 40, true);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	assert_false(v0->ctx.vgic.lr[0] & HAL_LR_GROUP1);
	assert_int_equal(fake_guest_ack(v0), 40);
	vgic_set_level(&fake_dom, NULL, 40, false);
	fake_guest_eoi(v0, 40);
	assert_int_equal(fake_drain(v0, NULL), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_vgic_v2_typer_reports_cpus_and_lines),
		T(test_vgic_v2_itargetsr_private_reads_own_cpu_bit_and_ignores_writes),
		T(test_vgic_v2_itargetsr_spi_masks_absent_cpus_and_routes),
		T(test_vgic_v2_bank_zero_registers_are_per_accessing_cpu),
		T(test_vgic_v2_ispendr_sgi_bits_ignored_spendsgir_sets_per_source),
		T(test_vgic_v2_bad_sizes_and_alignment_abort),
		T(test_vgic_v2_reserved_raz_wi),
		T(test_vgic_v2_group0_interrupts_delivered_as_linux_sets_them_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
