/* Fakes around the vGIC for its unit tests, and a model of the guest's side of the LRs. */
#include <sched.h>
#include <stdlib.h>

#include "tests/vgic/vgic_fake.h"

struct domain fake_dom;
struct vcpu fake_vcpu[FAKE_MAX_V];
unsigned fake_kicks[FAKE_MAX_V];
unsigned fake_lrs = 4, fake_prio_bits = 5;
unsigned fake_deact_count;
uint32_t fake_deact_last;
int fake_mmio_rc;

void *heap_alloc(size_t size) { return calloc(1, size); }
void heap_free(void *p) { free(p); }
void hal_cpu_relax(void) { sched_yield(); /* the lock holder may be a preempted thread */ }
unsigned hal_vgic_lrs(void) { return fake_lrs; }
unsigned hal_vgic_prio_bits(void) { return fake_prio_bits; }

void hal_irq_deactivate(uint32_t intid)
{
	fake_deact_count++;
	fake_deact_last = intid;
}

void vcpu_kick(struct vcpu *v)
{
	assert_true(v->id < FAKE_MAX_V);
	__atomic_fetch_add(&fake_kicks[v->id], 1, __ATOMIC_RELAXED); /* from any thread in the SMP test */
}

int mmio_register(struct domain *d, ipa_t base, uint64_t size, mmio_fn fn, void *priv)
{
	if (fake_mmio_rc)
		return fake_mmio_rc;
	assert_true(d->nr_mmio < DOMAIN_MMIO_MAX);
	for (unsigned i = 0; i < d->nr_mmio; i++)
		assert_true(ipa_addr(base) + size <= d->mmio[i].base ||
			    d->mmio[i].base + d->mmio[i].size <= ipa_addr(base));
	d->mmio[d->nr_mmio].base = ipa_addr(base);
	d->mmio[d->nr_mmio].size = size;
	d->mmio[d->nr_mmio].fn = fn;
	d->mmio[d->nr_mmio].priv = priv;
	d->nr_mmio++;
	return 0;
}

void fake_domain(unsigned n, unsigned version, unsigned spis)
{
	memset(&fake_dom, 0, sizeof(fake_dom));
	memset(fake_vcpu, 0, sizeof(fake_vcpu));
	memset(fake_kicks, 0, sizeof(fake_kicks));
	fake_deact_count = 0;
	fake_mmio_rc = 0;
	fake_dom.id = 1;
	fake_dom.nr_vcpus = n;
	for (unsigned i = 0; i < n; i++) {
		fake_vcpu[i].dom = &fake_dom;
		fake_vcpu[i].id = i;
		fake_vcpu[i].ctx.vmpidr = (1ull << 31) | i;
		fake_dom.vcpu[i] = &fake_vcpu[i];
	}
	struct vgic_config cfg = {
		.version = version,
		.nr_spis = spis,
		.dist = ipa_init(FAKE_DIST),
		.redist = ipa_init(FAKE_REDIST),
		.cpuif = ipa_init(0x03002000),
	};
	assert_int_equal(vgic_domain_init(&fake_dom, &cfg), 0);
}

void fake_teardown(void) { vgic_domain_destroy(&fake_dom); }

int fake_mmio(struct vcpu *v, uint64_t ipa, unsigned size, bool write, uint64_t *val)
{
	struct domain *d = v->dom;

	for (unsigned i = 0; i < d->nr_mmio; i++) {
		if (ipa >= d->mmio[i].base && ipa - d->mmio[i].base < d->mmio[i].size) {
			if (write && size < 8)
				*val &= (1ull << (8 * size)) - 1;
			int rc = d->mmio[i].fn(v, ipa - d->mmio[i].base, size, write, val, d->mmio[i].priv);
			if (!write && size < 8 && rc == 0)
				assert_true(*val < (1ull << (8 * size)));
			return rc;
		}
	}
	fail_msg("no region at %#llx", (unsigned long long)ipa);
	return -1;
}

uint32_t fake_read32(struct vcpu *v, uint64_t ipa)
{
	uint64_t val = 0xdeadbeef;
	assert_int_equal(fake_mmio(v, ipa, 4, false, &val), 0);
	return (uint32_t)val;
}

void fake_write32(struct vcpu *v, uint64_t ipa, uint32_t val)
{
	uint64_t x = val;
	assert_int_equal(fake_mmio(v, ipa, 4, true, &x), 0);
}

static unsigned lr_prio(uint64_t lr) { return (lr & HAL_LR_PRIO_MASK) >> HAL_LR_PRIO_SHIFT; }

uint32_t fake_guest_ack(struct vcpu *v)
{
	struct hal_vgic_cpu *hw = &v->ctx.vgic;
	unsigned rpr = 0x100, pmr = hw->vmcr >> 24, best = HAL_VGIC_MAX_LRS;

	for (unsigned i = 0; i < hw->nr_lr; i++)
		if ((hw->lr[i] & HAL_LR_ACTIVE) && lr_prio(hw->lr[i]) < rpr)
			rpr = lr_prio(hw->lr[i]);
	for (unsigned i = 0; i < hw->nr_lr; i++) {
		uint64_t lr = hw->lr[i];
		bool grp = hw->vmcr & (lr & HAL_LR_GROUP1 ? 2u : 1u);
		if ((lr & HAL_LR_STATE_MASK) != HAL_LR_PENDING || !grp || lr_prio(lr) >= pmr || lr_prio(lr) >= rpr)
			continue;
		if (best == HAL_VGIC_MAX_LRS || lr_prio(lr) < lr_prio(hw->lr[best]))
			best = i;
	}
	if (best == HAL_VGIC_MAX_LRS)
		return HAL_IRQ_SPURIOUS;
	hw->lr[best] = (hw->lr[best] & ~HAL_LR_STATE_MASK) | HAL_LR_ACTIVE;
	return (uint32_t)(hw->lr[best] & 0x1fff);
}

void fake_guest_eoi(struct vcpu *v, uint32_t vintid)
{
	struct hal_vgic_cpu *hw = &v->ctx.vgic;

	for (unsigned i = 0; i < hw->nr_lr; i++) {
		uint64_t lr = hw->lr[i];
		if ((lr & 0x1fff) != vintid || !(lr & HAL_LR_ACTIVE))
			continue;
		lr &= ~HAL_LR_ACTIVE;
		if (lr & HAL_LR_HW) {
			hal_irq_deactivate((uint32_t)((lr & HAL_LR_PINTID_MASK) >> HAL_LR_PINTID_SHIFT));
		} else if (!(lr & HAL_LR_STATE_MASK) && (lr & HAL_LR_EOI)) {
			hw->eisr |= 1u << i;
		}
		hw->lr[i] = lr;
		return;
	}
	fail_msg("EOI of %u which no LR holds active", vintid);
}

bool fake_maintenance(const struct vcpu *v)
{
	const struct hal_vgic_cpu *hw = &v->ctx.vgic;
	unsigned valid = 0, pending = 0;

	for (unsigned i = 0; i < hw->nr_lr; i++) {
		valid += (hw->lr[i] & HAL_LR_STATE_MASK) != 0;
		pending += (hw->lr[i] & HAL_LR_PENDING) != 0;
	}
	return hw->eisr || ((hw->hcr & HAL_VGIC_HCR_UIE) && valid <= 1) || ((hw->hcr & HAL_VGIC_HCR_NPIE) && !pending);
}

void fake_cycle(struct vcpu *v)
{
	vgic_sync(v);
	v->ctx.vgic.eisr = 0;
	vgic_flush(v);
	fake_check_lrs(v);
	assert_false(fake_maintenance(v)); /* armed on entry, it would fire before the guest ran */
}

void fake_check_lrs(const struct vcpu *v)
{
	const struct hal_vgic_cpu *hw = &v->ctx.vgic;

	assert_true(hw->nr_lr <= fake_lrs);
	for (unsigned i = 0; i < hw->nr_lr; i++) {
		assert_true(hw->lr[i] & HAL_LR_STATE_MASK);
		assert_ptr_not_equal(v->vgic->lr_irq[i], NULL);
		assert_int_equal(v->vgic->lr_irq[i]->intid, hw->lr[i] & 0x3ff);
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(hw->lr[i] & 0x3ff, hw->lr[j] & 0x3ff);
	}
}

unsigned fake_drain(struct vcpu *v, unsigned *seen)
{
	unsigned taken = 0;

	for (unsigned round = 0; round < 10000; round++) {
		fake_cycle(v);
		uint32_t id = fake_guest_ack(v);
		if (id == HAL_IRQ_SPURIOUS) {
			if (!v->ctx.vgic.nr_lr)
				return taken;
			continue;
		}
		taken++;
		if (seen)
			seen[id & 0x3ff]++;
		fake_guest_eoi(v, id);
	}
	fail_msg("the guest never ran out of interrupts");
	return taken;
}

void fake_guest_enable(struct vcpu *v) { v->ctx.vgic.vmcr |= 3u | 0xf0u << 24; }
