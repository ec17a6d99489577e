/* The vGIC core: injection, list registers in priority order, refill on underflow, edge and level,
 * active+pending, HW-linked interrupts, masking, SPI retargeting, WFI wake-up. GICv3 registers. */
#include "tests/vgic/vgic_fake.h"

#define GICD    FAKE_DIST
#define GICR(n) (FAKE_REDIST + (uint64_t)(n)*0x20000)
#define SGI(n)  (GICR(n) + 0x10000)

static struct vcpu *v0 = &fake_vcpu[0], *v1 = &fake_vcpu[1];

/* With the LR count and priority bits as they are (4 and 5 unless a test changes them). */
static int setup(void **state)
{
	(void)state;
	fake_domain(2, 3, 64);
	fake_write32(v0, GICD + 0x000, 0x12);       /* ARE | EnableGrp1 */
	fake_write32(v0, GICD + 0xc08, 0xaaaaaaaa); /* SPIs 32-95 edge-triggered */
	fake_write32(v0, GICD + 0xc0c, 0xaaaaaaaa);
	fake_write32(v0, GICD + 0xc10, 0xaaaaaaaa);
	fake_write32(v0, GICD + 0xc14, 0xaaaaaaaa);
	fake_guest_enable(v0);
	fake_guest_enable(v1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_teardown();
	fake_lrs = 4;
	fake_prio_bits = 5;
	return 0;
}

/* Group 1, enabled, priority @prio: as a guest's driver sets up @intid (v0's own if private). */
static void irq_on(uint32_t intid, uint8_t prio)
{
	uint64_t base = intid < 32 ? SGI(0) : GICD;
	uint64_t p = prio;
	fake_write32(v0, base + 0x080 + intid / 32 * 4, 0xffffffff);
	assert_int_equal(fake_mmio(v0, base + 0x400 + intid, 1, true, &p), 0);
	fake_write32(v0, base + 0x100 + intid / 32 * 4, 1u << (intid % 32));
}

static void irouter_to(uint32_t intid, uint64_t aff)
{
	assert_int_equal(fake_mmio(v0, GICD + 0x6000 + 8 * intid, 8, true, &aff), 0);
}

static uint32_t lr_id(const struct vcpu *v, unsigned i) { return (uint32_t)(v->ctx.vgic.lr[i] & 0x3ff); }
static uint64_t lr_state(const struct vcpu *v, unsigned i) { return v->ctx.vgic.lr[i] & HAL_LR_STATE_MASK; }

static void test_vgic_init_rejects_bad_config_returns_einval(void **state)
{
	(void)state;
	struct domain d = { .nr_vcpus = 1 };
	struct vcpu v = { .dom = &d };
	d.vcpu[0] = &v;
	struct vgic_config bad[] = {
		{ .version = 4, .nr_spis = 32 },
		{ .version = 3, .nr_spis = 33 },
		{ .version = 3, .nr_spis = 1024 },
		{ .version = 2, .nr_spis = 32, .dist = { 0x03000800 } },
		{ .version = 3, .nr_spis = 32, .redist = { 0x03020100 } },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vgic_domain_init(&d, &bad[i]), -XEN_EINVAL);
		assert_null(d.vgic);
		assert_null(v.vgic);
	}
	assert_int_equal(vgic_domain_init(&d, NULL), -XEN_EINVAL);
	/* A failed registration leaves nothing allocated (LeakSanitizer checks the frees). */
	fake_mmio_rc = -XEN_ENOSPC;
	struct vgic_config ok = { .version = 3, .nr_spis = 32, .dist = { 0x03001000 }, .redist = { 0x03020000 } };
	assert_int_equal(vgic_domain_init(&d, &ok), -XEN_ENOSPC);
	assert_null(d.vgic);
	assert_null(v.vgic);
	fake_mmio_rc = 0;
}

static void test_vgic_vcpu_reset_leaves_en_no_lrs_and_minimum_binary_points(void **state)
{
	(void)state;
	irq_on(27, 0x80);
	vgic_inject(&fake_dom, v0, 27);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	v0->ctx.vgic.hcr |= HAL_VGIC_HCR_UIE;
	vgic_vcpu_reset(v0);
	assert_int_equal(v0->vgic->nr_listed, 0);
	assert_int_equal(fake_read32(v0, SGI(0) + 0x100), 0); /* private state reset too */
	assert_int_equal(v0->ctx.vgic.hcr, HAL_VGIC_HCR_EN);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(v0->ctx.vgic.vmcr & 3, 0);                              /* both groups off, as after reset */
	assert_int_equal((v0->ctx.vgic.vmcr >> 21) & 7, 8 - fake_prio_bits - 1); /* VBPR0 */
	assert_int_equal((v0->ctx.vgic.vmcr >> 18) & 7, 8 - fake_prio_bits);     /* VBPR1 */
	assert_int_equal(v0->ctx.vgic.vmcr >> 24, 0);
}

static void test_vgic_vcpu_reset_keeps_spis_it_held_pending(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	irq_on(41, 0x80);
	vgic_inject(&fake_dom, NULL, 40);
	vgic_flush(v0);
	vgic_vcpu_reset(v0); /* its LRs never synced: 40 goes back to the distributor pending */
	fake_guest_enable(v0);
	vgic_inject(&fake_dom, NULL, 41);
	vgic_flush(v0);
	memset(&v0->ctx, 0, sizeof(v0->ctx)); /* vcpu_reset clears the ctx before calling in */
	vgic_vcpu_reset(v0);
	fake_guest_enable(v0);
	irouter_to(41, 1); /* not in any LR any more: moves to v1 at once */
	assert_int_equal(v1->vgic->nr_listed, 1);
	unsigned seen[1024] = { 0 };
	assert_int_equal(fake_drain(v0, seen), 1);
	assert_int_equal(seen[40], 1);
}

static void test_vgic_flush_with_nothing_pending_loads_no_lr(void **state)
{
	(void)state;
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(v0->ctx.vgic.hcr, HAL_VGIC_HCR_EN);
	vgic_sync(v0);
	assert_false(vgic_vcpu_pending(v0));
}

static void test_vgic_inject_edge_spi_appears_in_one_lr_then_leaves(void **state)
{
	(void)state;
	irq_on(40, 0xa0);
	assert_int_equal(vgic_inject(&fake_dom, NULL, 40), 0);
	assert_int_equal(fake_kicks[0], 1);
	assert_int_equal(fake_kicks[1], 0);
	assert_true(vgic_vcpu_pending(v0));
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	uint64_t lr = v0->ctx.vgic.lr[0];
	assert_int_equal(lr & HAL_LR_VINTID_MASK, 40);
	assert_int_equal((lr & HAL_LR_PRIO_MASK) >> HAL_LR_PRIO_SHIFT, 0xa0);
	assert_true(lr & HAL_LR_GROUP1);
	assert_int_equal(lr & HAL_LR_STATE_MASK, HAL_LR_PENDING);
	assert_false(lr & (HAL_LR_HW | HAL_LR_EOI));
	assert_int_equal(fake_guest_ack(v0), 40);
	fake_guest_eoi(v0, 40);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(v0->vgic->nr_listed, 0);
	assert_false(vgic_vcpu_pending(v0));
}

static void test_vgic_inject_unknown_intid_returns_einval(void **state)
{
	(void)state;
	assert_int_equal(vgic_inject(&fake_dom, NULL, 96), -XEN_EINVAL);
	assert_int_equal(vgic_inject(&fake_dom, NULL, 1020), -XEN_EINVAL);
	assert_int_equal(vgic_inject(&fake_dom, NULL, 5), -XEN_EINVAL); /* private without a vCPU */
	assert_int_equal(vgic_set_level(&fake_dom, NULL, 0xffffffff, true), -XEN_EINVAL);
	assert_int_equal(vgic_inject(&fake_dom, v1, 27), 0);
}

static void test_vgic_disabled_interrupt_is_masked_until_enabled(void **state)
{
	(void)state;
	uint64_t p = 0x80;
	assert_int_equal(fake_mmio(v0, GICD + 0x400 + 41, 1, true, &p), 0);
	fake_write32(v0, GICD + 0x084, 1u << 9);
	assert_int_equal(vgic_inject(&fake_dom, NULL, 41), 0);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_false(vgic_vcpu_pending(v0));
	assert_int_equal(fake_read32(v0, GICD + 0x204) & (1u << 9), 1u << 9); /* pending all the same */
	fake_write32(v1, GICD + 0x104, 1u << 9);                              /* enabled by another vCPU: v0 is told */
	assert_int_equal(fake_kicks[0], 1);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	assert_int_equal(lr_id(v0, 0), 41);
	/* Disabled again while in an LR: gone at the next exit, still pending. */
	fake_write32(v0, GICD + 0x184, 1u << 9);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(fake_read32(v0, GICD + 0x204) & (1u << 9), 1u << 9);
}

static void test_vgic_lrs_filled_in_priority_order_with_underflow_armed(void **state)
{
	(void)state;
	static const uint8_t prio[6] = { 0x80, 0x20, 0xc0, 0x40, 0x10, 0x60 };
	for (unsigned i = 0; i < 6; i++) {
		irq_on(32 + i, prio[i]);
		vgic_inject(&fake_dom, NULL, 32 + i);
	}
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 4);
	static const uint32_t want[4] = { 36, 33, 35, 37 }; /* 0x10, 0x20, 0x40, 0x60 */
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(lr_id(v0, i), want[i]);
	assert_true(v0->ctx.vgic.hcr & HAL_VGIC_HCR_UIE);
	unsigned order[6], n = 0;
	for (uint32_t id; n < 6 && (id = fake_guest_ack(v0)) != HAL_IRQ_SPURIOUS;) {
		order[n++] = id;
		fake_guest_eoi(v0, id);
		if (fake_maintenance(v0))
			fake_cycle(v0);
	}
	assert_int_equal(n, 6);
	for (unsigned i = 1; i < 6; i++)
		assert_true(prio[order[i - 1] - 32] < prio[order[i] - 32]);
}

static void test_vgic_more_pending_than_lrs_refills_on_underflow(void **state)
{
	(void)state;
	unsigned seen[1024] = { 0 }, exits = 0;
	for (unsigned i = 0; i < 30; i++) {
		irq_on(32 + i, (uint8_t)(0x08 * (i % 16)));
		vgic_inject(&fake_dom, NULL, 32 + i);
	}
	vgic_flush(v0);
	for (unsigned taken = 0; taken < 30;) {
		uint32_t id = fake_guest_ack(v0);
		if (id == HAL_IRQ_SPURIOUS) {
			/* Nothing left in the LRs: the underflow must have asked for an exit. */
			assert_true(fake_maintenance(v0));
			fake_cycle(v0);
			exits++;
			continue;
		}
		seen[id]++;
		taken++;
		fake_guest_eoi(v0, id);
	}
	for (unsigned i = 0; i < 30; i++)
		assert_int_equal(seen[32 + i], 1);
	assert_true(exits >= 30 / 4);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_false(v0->ctx.vgic.hcr & (HAL_VGIC_HCR_UIE | HAL_VGIC_HCR_NPIE));
}

static void test_vgic_overflow_with_one_or_two_lrs_never_arms_a_cause_that_already_holds(void **state)
{
	(void)state;
	for (unsigned lrs = 1; lrs <= 2; lrs++) {
		fake_teardown();
		fake_lrs = lrs;
		setup(NULL);
		for (unsigned i = 0; i < 5; i++) {
			irq_on(32 + i, (uint8_t)(0x10 * i));
			vgic_inject(&fake_dom, NULL, 32 + i);
		}
		unsigned seen[1024] = { 0 };
		/* fake_cycle checks no maintenance holds at entry; every exit the guest needs comes. */
		for (unsigned taken = 0, round = 0; taken < 5; round++) {
			assert_true(round < 50);
			fake_cycle(v0);
			uint32_t id = fake_guest_ack(v0);
			assert_int_not_equal(id, HAL_IRQ_SPURIOUS);
			seen[id]++;
			taken++;
			fake_guest_eoi(v0, id);
			assert_true(fake_maintenance(v0) || taken == 5 || v0->ctx.vgic.nr_lr > 1);
		}
		for (unsigned i = 0; i < 5; i++)
			assert_int_equal(seen[32 + i], 1);
	}
}

static void test_vgic_active_lrs_held_by_guest_still_let_pending_through_npie(void **state)
{
	(void)state;
	/* Two interrupts the guest keeps active (higher priority first, so the second preempts
	 * nothing but nests), then more pending than the two free LRs. */
	irq_on(50, 0x40);
	irq_on(51, 0x20);
	vgic_inject(&fake_dom, NULL, 50);
	vgic_flush(v0);
	assert_int_equal(fake_guest_ack(v0), 50);
	vgic_inject(&fake_dom, NULL, 51);
	fake_cycle(v0);
	assert_int_equal(fake_guest_ack(v0), 51);
	for (unsigned i = 0; i < 5; i++) {
		irq_on(32 + i, 0x10);
		vgic_inject(&fake_dom, NULL, 32 + i);
	}
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 4);
	assert_true(v0->ctx.vgic.hcr & HAL_VGIC_HCR_NPIE);
	unsigned got = 0;
	for (unsigned round = 0; round < 20 && got < 5; round++) {
		uint32_t id = fake_guest_ack(v0);
		if (id != HAL_IRQ_SPURIOUS) {
			fake_guest_eoi(v0, id);
			got++;
		} else {
			assert_true(fake_maintenance(v0)); /* no pending LR left while more wait */
			fake_cycle(v0);
		}
	}
	assert_int_equal(got, 5);
	/* The two active ones never left their LRs. */
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 2);
	assert_int_equal(lr_state(v0, 0) | lr_state(v0, 1), HAL_LR_ACTIVE);
}

static void test_vgic_level_interrupt_pending_again_while_line_high(void **state)
{
	(void)state;
	fake_write32(v0, GICD + 0xc08, 0); /* 32-47 level */
	irq_on(45, 0x80);
	assert_int_equal(vgic_set_level(&fake_dom, NULL, 45, true), 0);
	vgic_flush(v0);
	assert_true(v0->ctx.vgic.lr[0] & HAL_LR_EOI);
	assert_int_equal(fake_guest_ack(v0), 45);
	fake_guest_eoi(v0, 45);
	assert_true(fake_maintenance(v0)); /* EOI of a level interrupt: resample */
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	assert_int_equal(lr_state(v0, 0), HAL_LR_PENDING);
	assert_int_equal(fake_guest_ack(v0), 45);
	vgic_set_level(&fake_dom, NULL, 45, false);
	fake_guest_eoi(v0, 45);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(v0->vgic->nr_listed, 0);
}

/* The virtual timer's way (Xen's too): the PPI latched by an injection, its line low because the
 * hypervisor masked the timer. The guest's EOI ends it: no maintenance exit to resample a line that
 * is not there, and the next sync lets it go. */
static void test_vgic_latched_level_with_line_low_takes_no_eoi_maintenance(void **state)
{
	(void)state;
	irq_on(27, 0xa0); /* PPIs are level-sensitive */
	assert_int_equal(vgic_inject(&fake_dom, v0, 27), 0);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	assert_int_equal(lr_state(v0, 0), HAL_LR_PENDING);
	assert_false(v0->ctx.vgic.lr[0] & HAL_LR_EOI);
	assert_int_equal(fake_guest_ack(v0), 27);
	fake_guest_eoi(v0, 27);
	assert_false(fake_maintenance(v0));
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(v0->vgic->nr_listed, 0);
	/* Injected again while its LR is still loaded, twice: taken each time, once. */
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(vgic_inject(&fake_dom, v0, 27), 0);
		fake_cycle(v0);
		assert_int_equal(fake_guest_ack(v0), 27);
		fake_guest_eoi(v0, 27);
	}
	fake_cycle(v0);
	assert_int_equal(fake_guest_ack(v0), HAL_IRQ_SPURIOUS);
	assert_int_equal(v0->vgic->nr_listed, 0);
}

static void test_vgic_level_dropped_before_ack_is_withdrawn(void **state)
{
	(void)state;
	fake_write32(v0, GICD + 0xc08, 0);
	irq_on(46, 0x80);
	vgic_set_level(&fake_dom, NULL, 46, true);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	vgic_set_level(&fake_dom, NULL, 46, false);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	/* An edge-configured line latches the rising edge even if it falls again. */
	fake_write32(v0, GICD + 0xc08, 0xffffffff & 0xaaaaaaaa);
	vgic_set_level(&fake_dom, NULL, 46, true);
	vgic_set_level(&fake_dom, NULL, 46, false);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
}

static void test_vgic_active_interrupt_injected_again_becomes_active_pending(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	vgic_inject(&fake_dom, NULL, 40);
	vgic_flush(v0);
	assert_int_equal(fake_guest_ack(v0), 40);
	unsigned kicks = fake_kicks[0];
	vgic_inject(&fake_dom, NULL, 40);
	assert_int_equal(fake_kicks[0], kicks + 1);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	assert_int_equal(lr_state(v0, 0), HAL_LR_ACTIVE | HAL_LR_PENDING);
	fake_guest_eoi(v0, 40);
	assert_int_equal(fake_guest_ack(v0), 40);
	fake_guest_eoi(v0, 40);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
}

static void test_vgic_hw_linked_injection_uses_hw_lr_and_guest_deactivates_physical(void **state)
{
	(void)state;
	irq_on(60, 0x80);
	assert_int_equal(vgic_link_hw(&fake_dom, 60, 77), 0);
	vgic_inject(&fake_dom, NULL, 60);
	vgic_flush(v0);
	uint64_t lr = v0->ctx.vgic.lr[0];
	assert_true(lr & HAL_LR_HW);
	assert_int_equal((lr & HAL_LR_PINTID_MASK) >> HAL_LR_PINTID_SHIFT, 77);
	assert_int_equal(lr & HAL_LR_STATE_MASK, HAL_LR_PENDING);
	assert_int_equal(fake_guest_ack(v0), 60);
	/* Active in the guest: HW LRs never hold active+pending, even if the line fires again. */
	vgic_inject(&fake_dom, NULL, 60);
	fake_cycle(v0);
	assert_int_equal(lr_state(v0, 0), HAL_LR_ACTIVE);
	fake_guest_eoi(v0, 60);
	assert_int_equal(fake_deact_count, 1);
	assert_int_equal(fake_deact_last, 77);
	fake_cycle(v0);
	assert_int_equal(lr_state(v0, 0), HAL_LR_PENDING);
}

static void test_vgic_hw_linked_withdrawn_by_icpendr_deactivates_physical(void **state)
{
	(void)state;
	irq_on(61, 0x80);
	vgic_link_hw(&fake_dom, 61, 78);
	fake_write32(v0, GICD + 0x184, 1u << 29); /* disabled: it waits in software */
	vgic_inject(&fake_dom, NULL, 61);
	fake_write32(v0, GICD + 0x284, 1u << 29);
	assert_int_equal(fake_deact_count, 1);
	assert_int_equal(fake_deact_last, 78);
	/* In an LR of the running vCPU when withdrawn by another: settled at its exit. */
	fake_write32(v0, GICD + 0x104, 1u << 29);
	vgic_inject(&fake_dom, NULL, 61);
	vgic_flush(v0);
	fake_write32(v1, GICD + 0x284, 1u << 29);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(fake_deact_count, 2);
}

static void test_vgic_link_hw_rejects_private_and_unknown_intids(void **state)
{
	(void)state;
	assert_int_equal(vgic_link_hw(&fake_dom, 27, 40), -XEN_EINVAL);
	assert_int_equal(vgic_link_hw(&fake_dom, 96, 40), -XEN_EINVAL);
	assert_int_equal(vgic_link_hw(&fake_dom, 40, 16), -XEN_EINVAL);
	assert_int_equal(vgic_link_hw(&fake_dom, 40, 1020), -XEN_EINVAL);
}

static void irouter(struct vcpu *v, uint32_t intid, uint64_t aff)
{
	assert_int_equal(fake_mmio(v, GICD + 0x6000 + 8 * intid, 8, true, &aff), 0);
}

static void test_vgic_spi_retargeted_while_pending_moves_to_new_vcpu(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	vgic_inject(&fake_dom, NULL, 40);
	irouter(v0, 40, 1); /* before v0 ran: moves at once, and v1 is told */
	assert_int_equal(fake_kicks[1], 1);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	vgic_flush(v1);
	assert_int_equal(v1->ctx.vgic.nr_lr, 1);
	assert_int_equal(lr_id(v1, 0), 40);
	/* In v1's LR (it runs) when routed back: v1 lets it go at its exit, v0 takes it. */
	irouter(v0, 40, 0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	fake_cycle(v1);
	assert_int_equal(v1->ctx.vgic.nr_lr, 0);
	fake_cycle(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	assert_int_equal(fake_guest_ack(v0), 40);
}

static void test_vgic_active_spi_retargeted_stays_until_deactivated(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	vgic_inject(&fake_dom, NULL, 40);
	vgic_flush(v0);
	assert_int_equal(fake_guest_ack(v0), 40);
	irouter(v1, 40, 1);
	vgic_inject(&fake_dom, NULL, 40); /* pending again while active on v0 */
	fake_cycle(v0);
	fake_cycle(v1);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
	assert_int_equal(lr_state(v0, 0), HAL_LR_ACTIVE | HAL_LR_PENDING);
	assert_int_equal(v1->ctx.vgic.nr_lr, 0);
	fake_guest_eoi(v0, 40);
	fake_cycle(v0);
	fake_cycle(v1);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(v1->ctx.vgic.nr_lr, 1);
	assert_int_equal(fake_guest_ack(v1), 40);
}

static void test_vgic_irouter_naming_no_vcpu_holds_interrupt(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	irouter(v0, 40, 0x0100); /* Aff1 = 1: no such vCPU */
	vgic_inject(&fake_dom, NULL, 40);
	vgic_flush(v0);
	vgic_flush(v1);
	assert_int_equal(v0->ctx.vgic.nr_lr + v1->ctx.vgic.nr_lr, 0);
	irouter(v0, 40, 1ull << 31); /* 1 of N: someone takes it */
	vgic_flush(v0);
	vgic_flush(v1);
	assert_int_equal(v0->ctx.vgic.nr_lr + v1->ctx.vgic.nr_lr, 1);
}

static void test_vgic_wfi_wakes_only_for_what_pmr_and_groups_let_through(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	vgic_inject(&fake_dom, NULL, 40);
	v0->ctx.vgic.vmcr = 0x80u << 24 | 2; /* PMR 0x80: priority 0x80 is masked */
	assert_false(vgic_vcpu_pending(v0));
	v0->ctx.vgic.vmcr = 0x90u << 24 | 1; /* group 1 off */
	assert_false(vgic_vcpu_pending(v0));
	v0->ctx.vgic.vmcr = 0x90u << 24 | 2;
	assert_true(vgic_vcpu_pending(v0));
	v0->ctx.vgic.apr[0] = 1u << (0x40 >> 3); /* running at 0x40: 0x80 cannot preempt */
	assert_false(vgic_vcpu_pending(v0));
	assert_false(vgic_vcpu_pending(v1));
}

static void test_vgic_priority_truncated_to_implemented_bits(void **state)
{
	(void)state;
	irq_on(40, 0xff);
	uint64_t p;
	assert_int_equal(fake_mmio(v0, GICD + 0x400 + 40, 1, false, &p), 0);
	assert_int_equal(p, 0xf8);
	fake_prio_bits = 8; /* only the domain built with it changes */
	vgic_inject(&fake_dom, NULL, 40);
	vgic_flush(v0);
	assert_int_equal((v0->ctx.vgic.lr[0] & HAL_LR_PRIO_MASK) >> HAL_LR_PRIO_SHIFT, 0xf8);
}

static void test_vgic_group_disabled_in_ctlr_holds_interrupts(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	fake_write32(v0, GICD + 0x000, 0x10);
	vgic_inject(&fake_dom, NULL, 40);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	fake_write32(v1, GICD + 0x000, 0x12);
	assert_true(fake_kicks[0] >= 1);
	vgic_flush(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 1);
}

static void test_vgic_ppi_level_from_timer_reaches_only_its_vcpu(void **state)
{
	(void)state;
	irq_on(27, 0x80); /* v0's PPI 27 */
	fake_write32(v1, SGI(1) + 0x080, 0xffffffff);
	fake_write32(v1, SGI(1) + 0x100, 1u << 27);
	vgic_set_level(&fake_dom, v1, 27, true);
	vgic_flush(v0);
	vgic_flush(v1);
	assert_int_equal(v0->ctx.vgic.nr_lr, 0);
	assert_int_equal(v1->ctx.vgic.nr_lr, 1);
	assert_int_equal(lr_id(v1, 0), 27);
}

static void test_vgic_flush_twice_without_running_keeps_one_lr_each(void **state)
{
	(void)state;
	irq_on(40, 0x80);
	irq_on(41, 0x80);
	vgic_inject(&fake_dom, NULL, 40);
	vgic_inject(&fake_dom, NULL, 41);
	vgic_flush(v0);
	vgic_flush(v0);
	fake_check_lrs(v0);
	assert_int_equal(v0->ctx.vgic.nr_lr, 2);
	assert_int_equal(fake_drain(v0, NULL), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vgic_init_rejects_bad_config_returns_einval),
		cmocka_unit_test_setup_teardown(test_vgic_vcpu_reset_leaves_en_no_lrs_and_minimum_binary_points, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_vcpu_reset_keeps_spis_it_held_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_flush_with_nothing_pending_loads_no_lr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_inject_edge_spi_appears_in_one_lr_then_leaves, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_inject_unknown_intid_returns_einval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_disabled_interrupt_is_masked_until_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_lrs_filled_in_priority_order_with_underflow_armed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_more_pending_than_lrs_refills_on_underflow, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_vgic_overflow_with_one_or_two_lrs_never_arms_a_cause_that_already_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_active_lrs_held_by_guest_still_let_pending_through_npie,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_level_interrupt_pending_again_while_line_high, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_latched_level_with_line_low_takes_no_eoi_maintenance, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_level_dropped_before_ack_is_withdrawn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_active_interrupt_injected_again_becomes_active_pending, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_hw_linked_injection_uses_hw_lr_and_guest_deactivates_physical,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_hw_linked_withdrawn_by_icpendr_deactivates_physical, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_link_hw_rejects_private_and_unknown_intids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_spi_retargeted_while_pending_moves_to_new_vcpu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_active_spi_retargeted_stays_until_deactivated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_irouter_naming_no_vcpu_holds_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_wfi_wakes_only_for_what_pmr_and_groups_let_through, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vgic_priority_truncated_to_implemented_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_group_disabled_in_ctlr_holds_interrupts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_ppi_level_from_timer_reaches_only_its_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vgic_flush_twice_without_running_keeps_one_lr_each, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
