/* Hostile guests: every offset and access size in the GICv2 and GICv3 frames, with random values,
 * mixed with injections, SGIs, resets and runs, from a seeded generator. Nothing may crash
 * (ASan/UBSan watch), every access completes or aborts, and the lists and LRs stay consistent. */
#include "tests/vgic/vgic_fake.h"

#define NV 4

static uint64_t rng;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Each vCPU's list is well formed, and what sits in its LRs is on it. */
static void check_lists(void)
{
	for (unsigned n = 0; n < fake_dom.nr_vcpus; n++) {
		struct vgic_cpu *c = fake_vcpu[n].vgic;
		unsigned len = 0;
		for (struct vgic_irq *irq = c->head; irq; irq = irq->next) {
			assert_ptr_equal(irq->owner, c);
			assert_true(!irq->next || irq->next->prev == irq);
			assert_true(++len <= VGIC_MAX_INTID);
		}
		assert_int_equal(len, c->nr_listed);
		const struct hal_vgic_cpu *hw = &fake_vcpu[n].ctx.vgic;
		for (unsigned i = 0; i < hw->nr_lr; i++) {
			assert_ptr_equal(c->lr_irq[i]->owner, c);
			assert_int_equal(c->lr_irq[i]->lr, (int)i);
		}
	}
}

static uint64_t frame_offset(unsigned version)
{
	uint64_t r = next();
	unsigned pick = r % 8;
	uint64_t span = version == 3 ? 0x10000 : 0x1000;

	if (version == 3 && pick >= 5) {
		/* A redistributor frame; SGI_base's registers are in its first 4 KiB. */
		uint64_t off = (r >> 8) % ((uint64_t)NV * 0x20000);
		return FAKE_REDIST + (pick == 7 ? (off & ~0xffffull) | 0x10000 | ((r >> 40) & 0xfff) : off);
	}
	if (pick < 3) /* the dense part where registers live */
		return FAKE_DIST + (r >> 8) % 0x1000;
	return FAKE_DIST + (r >> 8) % span;
}

/* Returns how many interrupts the guest took. */
static unsigned hostile(unsigned version, uint64_t seed, unsigned lrs, unsigned steps)
{
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned completed = 0, aborted = 0, acked = 0;

	fake_lrs = lrs;
	fake_prio_bits = 5 + lrs % 4;
	fake_domain(NV, version, 32 * (1 + (unsigned)(seed % 8)));
	rng = seed;
	for (unsigned n = 0; n < NV; n++)
		fake_guest_enable(&fake_vcpu[n]);
	for (unsigned s = 0; s < steps; s++) {
		uint64_t r = next();
		struct vcpu *v = &fake_vcpu[r % NV];
		switch ((r >> 4) % 16) {
		case 0: vgic_inject(&fake_dom, v, (uint32_t)(next() % 1100)); break;
		case 1: vgic_set_level(&fake_dom, v, (uint32_t)(next() % 300), next() & 1); break;
		case 2: vgic_sgi1r_write(v, next()); break;
		case 3: vgic_link_hw(&fake_dom, (uint32_t)(next() % 300), (uint32_t)(next() % 1100)); break;
		case 4:
			if ((next() % 64) == 0)
				vgic_vcpu_reset(v); /* fake_guest_enable below: the guest sets its interface up */
			fake_guest_enable(v);
			break;
		case 5:
		case 6: {
			fake_cycle(v);
			(void)vgic_vcpu_pending(v);
			uint32_t iar = fake_guest_ack(v);
			if (iar != HAL_IRQ_SPURIOUS) {
				fake_guest_eoi(v, iar);
				acked++;
			}
			/* Active ones it never acknowledged (ISACTIVER): the guest ends one now and then. */
			struct hal_vgic_cpu *hw = &v->ctx.vgic;
			for (unsigned i = 0; i < hw->nr_lr; i++)
				if ((hw->lr[i] & HAL_LR_STATE_MASK) == HAL_LR_ACTIVE && next() % 4 == 0)
					fake_guest_eoi(v, (uint32_t)(hw->lr[i] & 0x1fff));
			break;
		}
		default: {
			uint64_t ipa = frame_offset(version), val = next();
			unsigned size = sizes[(r >> 12) % 4];
			bool write = (r >> 16) & 1;
			if ((r >> 20) % 4)
				ipa &= ~(uint64_t)(size - 1); /* mostly aligned, to get past the size checks */
			struct domain *d = &fake_dom;
			bool covered = false;
			for (unsigned i = 0; i < d->nr_mmio; i++)
				covered =
				    covered || (ipa >= d->mmio[i].base && ipa - d->mmio[i].base < d->mmio[i].size);
			if (!covered)
				break;
			int rc = fake_mmio(v, ipa, size, write, &val);
			assert_true(rc == 0 || rc == -1);
			completed += rc == 0;
			aborted += rc != 0;
			break;
		}
		}
		if (s % 64 == 0)
			check_lists();
	}
	check_lists();
	/* Both outcomes happened: the generator reached valid and invalid accesses. */
	assert_true(completed > steps / 8);
	assert_true(aborted > steps / 32);
	fake_teardown();
	return acked;
}

static void test_vgic_v3_hostile_mmio_never_crashes_and_keeps_lists_consistent(void **state)
{
	(void)state;
	unsigned acked = 0;
	for (uint64_t seed = 1; seed <= 8; seed++)
		acked += hostile(3, seed * 0x9e3779b97f4a7c15ull, (unsigned)seed * 2 - 1, 40000);
	assert_true(acked > 8 * 40000 / 200); /* interrupts did flow through the LRs */
}

static void test_vgic_v2_hostile_mmio_never_crashes_and_keeps_lists_consistent(void **state)
{
	(void)state;
	unsigned acked = 0;
	for (uint64_t seed = 1; seed <= 8; seed++)
		acked += hostile(2, seed * 0xc2b2ae3d27d4eb4full, (unsigned)seed * 2 - 1, 40000);
	assert_true(acked > 8 * 40000 / 200);
}

static void test_vgic_every_aligned_offset_and_size_answers_in_both_front_ends(void **state)
{
	(void)state;
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	for (unsigned version = 2; version <= 3; version++) {
		fake_domain(2, version, 64);
		uint64_t end = version == 3 ? 0x10000 : 0x1000;
		for (unsigned k = 0; k < 4; k++) {
			for (uint64_t off = 0; off < end; off += sizes[k]) {
				uint64_t val = ~0ull;
				int rc = fake_mmio(&fake_vcpu[1], FAKE_DIST + off, sizes[k], true, &val);
				assert_true(rc == 0 || rc == -1);
				rc = fake_mmio(&fake_vcpu[0], FAKE_DIST + off, sizes[k], false, &val);
				assert_true(rc == 0 || rc == -1);
				if (sizes[k] == 2)
					assert_int_equal(rc, -1); /* no GIC register takes halfwords */
			}
			for (uint64_t off = 0; version == 3 && off < 2 * 0x20000; off += sizes[k]) {
				uint64_t val = ~0ull;
				int rc = fake_mmio(&fake_vcpu[0], FAKE_REDIST + off, sizes[k], true, &val);
				assert_true(rc == 0 || rc == -1);
				rc = fake_mmio(&fake_vcpu[1], FAKE_REDIST + off, sizes[k], false, &val);
				assert_true(rc == 0 || rc == -1);
			}
		}
		check_lists();
		fake_teardown();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vgic_v3_hostile_mmio_never_crashes_and_keeps_lists_consistent),
		cmocka_unit_test(test_vgic_v2_hostile_mmio_never_crashes_and_keeps_lists_consistent),
		cmocka_unit_test(test_vgic_every_aligned_offset_and_size_answers_in_both_front_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
