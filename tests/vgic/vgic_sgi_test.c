/* SGIs between vCPUs: GICv3 ICC_SGI1R_EL1 (affinity, target list, RS, IRM) and GICv2 GICD_SGIR
 * (target filters, one pending state per source), and seeded storms between four vCPUs. */
#include "tests/vgic/vgic_fake.h"

#define NV 4

static uint64_t redist_sgi(unsigned n) { return FAKE_REDIST + (uint64_t)n * 0x20000 + 0x10000; }

/* Every SGI group 1 (v3) / group 0 (v2), enabled, at priority 0x80 on every vCPU; the guests'
 * interfaces open. */
static void sgis_on(unsigned version)
{
	for (unsigned n = 0; n < NV; n++) {
		struct vcpu *v = &fake_vcpu[n];
		if (version == 3) {
			fake_write32(v, redist_sgi(n) + 0x080, 0xffff);
			fake_write32(v, redist_sgi(n) + 0x100, 0xffff);
			for (unsigned r = 0; r < 4; r++)
				fake_write32(v, redist_sgi(n) + 0x400 + 4 * r, 0x80808080);
		} else {
			fake_write32(v, FAKE_DIST + 0x100, 0xffff);
			for (unsigned r = 0; r < 4; r++)
				fake_write32(v, FAKE_DIST + 0x400 + 4 * r, 0x80808080);
		}
		fake_guest_enable(v);
	}
	fake_write32(&fake_vcpu[0], FAKE_DIST, version == 3 ? 0x12 : 0x3);
}

static int setup3(void **state)
{
	(void)state;
	fake_lrs = 4;
	fake_prio_bits = 5;
	fake_domain(NV, 3, 32);
	sgis_on(3);
	return 0;
}

static int setup2(void **state)
{
	(void)state;
	fake_lrs = 4;
	fake_prio_bits = 5;
	fake_domain(NV, 2, 32);
	sgis_on(2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_teardown();
	return 0;
}

static uint32_t pending_sgis(unsigned n)
{
	return fake_read32(&fake_vcpu[n], fake_dom.vgic->cfg.version == 3 ? redist_sgi(n) + 0x200 : FAKE_DIST + 0x200) &
	       0xffff;
}

static uint64_t sgi1r(unsigned sgi, unsigned targets, unsigned aff1, unsigned rs, bool irm)
{
	return (uint64_t)sgi << 24 | targets | (uint64_t)aff1 << 16 | (uint64_t)rs << 44 | (uint64_t)irm << 40;
}

static void test_vgic_sgi1r_target_list_reaches_named_vcpus_and_kicks_them(void **state)
{
	(void)state;
	vgic_sgi1r_write(&fake_vcpu[0], sgi1r(7, 0xa, 0, 0, false));
	assert_int_equal(pending_sgis(1), 1u << 7);
	assert_int_equal(pending_sgis(3), 1u << 7);
	assert_int_equal(pending_sgis(0) | pending_sgis(2), 0);
	assert_int_equal(fake_kicks[1], 1);
	assert_int_equal(fake_kicks[3], 1);
	assert_int_equal(fake_kicks[0] + fake_kicks[2], 0);
	/* To itself: pending, no kick (it is in the hypervisor already). */
	vgic_sgi1r_write(&fake_vcpu[0], sgi1r(2, 0x1, 0, 0, false));
	assert_int_equal(pending_sgis(0), 1u << 2);
	assert_int_equal(fake_kicks[0], 0);
}

static void test_vgic_sgi1r_irm_reaches_all_but_sender(void **state)
{
	(void)state;
	vgic_sgi1r_write(&fake_vcpu[2], sgi1r(15, 0, 0x55, 3, true));
	for (unsigned n = 0; n < NV; n++)
		assert_int_equal(pending_sgis(n), n == 2 ? 0 : 1u << 15);
}

static void test_vgic_sgi1r_other_cluster_or_range_reaches_nobody(void **state)
{
	(void)state;
	vgic_sgi1r_write(&fake_vcpu[0], sgi1r(1, 0xf, 1, 0, false));              /* Aff1 = 1 */
	vgic_sgi1r_write(&fake_vcpu[0], sgi1r(1, 0xf, 0, 1, false));              /* Aff0 16..31 */
	vgic_sgi1r_write(&fake_vcpu[0], sgi1r(1, 0xf, 0, 0, false) | 1ull << 48); /* Aff3 = 1 */
	vgic_sgi1r_write(&fake_vcpu[0], sgi1r(1, 0xfff0, 0, 0, false));           /* Aff0 4..15 */
	for (unsigned n = 0; n < NV; n++)
		assert_int_equal(pending_sgis(n), 0);
}

static void test_vgic_sgi_to_vcpu_delivered_once_with_its_intid(void **state)
{
	(void)state;
	vgic_sgi1r_write(&fake_vcpu[1], sgi1r(9, 0x1, 0, 0, false));
	vgic_sgi1r_write(&fake_vcpu[2], sgi1r(9, 0x1, 0, 0, false)); /* merges: v3 SGIs have no source */
	unsigned seen[1024] = { 0 };
	assert_int_equal(fake_drain(&fake_vcpu[0], seen), 1);
	assert_int_equal(seen[9], 1);
}

static void test_vgic_v2_sgir_filters_list_others_self_reserved(void **state)
{
	(void)state;
	struct vcpu *v1 = &fake_vcpu[1];
	fake_write32(v1, FAKE_DIST + 0xf00, 0x00050003); /* list: CPUs 0 and 2 */
	assert_int_equal(pending_sgis(0), 1u << 3);
	assert_int_equal(pending_sgis(2), 1u << 3);
	assert_int_equal(pending_sgis(1) | pending_sgis(3), 0);
	fake_write32(v1, FAKE_DIST + 0xf00, 0x01000004); /* all but self */
	for (unsigned n = 0; n < NV; n++)
		assert_int_equal(pending_sgis(n) & (1u << 4), n == 1 ? 0 : 1u << 4);
	fake_write32(v1, FAKE_DIST + 0xf00, 0x020f0005); /* self, whatever the list */
	for (unsigned n = 0; n < NV; n++)
		assert_int_equal(pending_sgis(n) & (1u << 5), n == 1 ? 1u << 5 : 0);
	fake_write32(v1, FAKE_DIST + 0xf00, 0x030f0006); /* reserved filter: nothing */
	fake_write32(v1, FAKE_DIST + 0xf00, 0x00f00006); /* CPUs 4-7 do not exist */
	for (unsigned n = 0; n < NV; n++)
		assert_int_equal(pending_sgis(n) & (1u << 6), 0);
	assert_int_equal(fake_read32(v1, FAKE_DIST + 0xf00), 0); /* write-only */
}

static void test_vgic_v2_sgi_from_each_source_delivered_with_its_cpuid(void **state)
{
	(void)state;
	for (unsigned n = 1; n < NV; n++)
		fake_write32(&fake_vcpu[n], FAKE_DIST + 0xf00, 0x00010005);
	assert_int_equal(fake_read32(&fake_vcpu[0], FAKE_DIST + 0xf24), 0x0e00);
	unsigned srcs = 0, taken = 0;
	struct vcpu *v0 = &fake_vcpu[0];
	for (unsigned round = 0; round < 20 && taken < 3; round++) {
		fake_cycle(v0);
		uint32_t iar = fake_guest_ack(v0);
		if (iar == HAL_IRQ_SPURIOUS) {
			assert_true(fake_maintenance(v0) || !v0->ctx.vgic.nr_lr);
			continue;
		}
		assert_int_equal(iar & 0x3ff, 5);
		srcs |= 1u << (iar >> 10);
		taken++;
		fake_guest_eoi(v0, iar);
		assert_true(fake_maintenance(v0) || taken == 3); /* the next source needs an exit */
	}
	assert_int_equal(taken, 3);
	assert_int_equal(srcs, 0xe);
	assert_int_equal(fake_drain(v0, NULL), 0);
}

/* xorshift64: the storms are seeded, so a failure replays. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * Random senders send random SGIs to random target sets while random vCPUs run: exit, take one
 * interrupt, end it or keep it active for a while. Every SGI sent must be taken by its target
 * after the send (sends may merge, as on hardware), and no LR state may ever break the rules.
 */
static void storm(unsigned version, unsigned steps)
{
	bool owed[NV][16] = { { false } };
	uint32_t held[NV] = { 0 }; /* an SGI (vINTID) the guest keeps active, + 1 */
	unsigned sent = 0, taken = 0;

	for (unsigned s = 0; s < steps; s++) {
		uint64_t r = next();
		unsigned from = r % NV, sgi = (r >> 8) % 16, targets = (r >> 16) & 0xf;
		unsigned who = (r >> 24) % NV;
		if ((r >> 32) % 3 == 0) {
			if (version == 3)
				vgic_sgi1r_write(&fake_vcpu[from], sgi1r(sgi, targets, 0, 0, false));
			else
				fake_write32(&fake_vcpu[from], FAKE_DIST + 0xf00, targets << 16 | sgi);
			for (unsigned t = 0; t < NV; t++)
				if (targets & (1u << t)) {
					owed[t][sgi] = true;
					sent++;
				}
			continue;
		}
		struct vcpu *v = &fake_vcpu[who];
		fake_cycle(v);
		uint32_t iar = fake_guest_ack(v);
		if (iar != HAL_IRQ_SPURIOUS) {
			owed[who][iar & 0xf] = false;
			taken++;
			if (!held[who] && (r >> 40) % 4 == 0) {
				held[who] = iar + 1;
				continue;
			}
			fake_guest_eoi(v, iar);
		}
		if (held[who] && (r >> 44) % 2 == 0) {
			fake_guest_eoi(v, held[who] - 1);
			held[who] = 0;
		}
	}
	for (unsigned n = 0; n < NV; n++) {
		struct vcpu *v = &fake_vcpu[n];
		if (held[n]) {
			fake_cycle(v);
			fake_guest_eoi(v, held[n] - 1);
		}
		unsigned seen[1024] = { 0 };
		taken += fake_drain(v, seen);
		for (unsigned sgi = 0; sgi < 16; sgi++)
			if (owed[n][sgi])
				assert_true(seen[sgi]); /* fake_drain counts vINTIDs without the v2 source */
		assert_int_equal(v->vgic->nr_listed, 0);
	}
	assert_true(sent > steps / 4);
	assert_true(taken <= sent && taken > 0);
}

static void test_vgic_v3_sgi_storm_between_4_vcpus_loses_nothing(void **state)
{
	(void)state;
	storm(3, 20000);
}

static void test_vgic_v2_sgi_storm_between_4_vcpus_loses_nothing(void **state)
{
	(void)state;
	storm(2, 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vgic_sgi1r_target_list_reaches_named_vcpus_and_kicks_them, setup3,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_sgi1r_irm_reaches_all_but_sender, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_sgi1r_other_cluster_or_range_reaches_nobody, setup3,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_sgi_to_vcpu_delivered_once_with_its_intid, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_v2_sgir_filters_list_others_self_reserved, setup2, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_v2_sgi_from_each_source_delivered_with_its_cpuid, setup2,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_v3_sgi_storm_between_4_vcpus_loses_nothing, setup3, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_v2_sgi_storm_between_4_vcpus_loses_nothing, setup2, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
