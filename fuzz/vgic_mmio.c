/* Fuzz harness for the vGIC's guest-facing side: GICv2 and GICv3 distributor/redistributor
 * accesses of any size and offset, as stage-2 data aborts decoded by traps/mmio, mixed with
 * injections, SGIs and guest runs over the list registers. Each access completes (only the loaded
 * register and the PC change), aborts (the guest gets a data abort) or is not the vGIC's at all;
 * reads have no side effects; the pending lists and LRs stay consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dom/vcpu.h"
#include "hal/gic.h"
#include "public/errno.h"
#include "traps/esr.h"
#include "traps/mmio.h"
#include "vgic/vgic_int.h"

#define CHECK(c) ((c) ? (void)0 : abort())

#define NV         4
#define DIST       0x03001000ull /* Xen's DomU GICD and GICR */
#define REDIST     0x03020000ull
#define CPUIF      0x03002000ull
#define GUEST_PC   0x40080000ull
#define GUEST_VBAR 0x40100000ull

static struct domain dom;
static struct vcpu vc[NV];
static unsigned lrs, prio_bits;

/* What the vGIC needs around it: the heap, the HAL's GIC facts, and the scheduler's kick. */
void *heap_alloc(size_t size) { return calloc(1, size); }
void heap_free(void *p) { free(p); }
unsigned hal_vgic_lrs(void) { return lrs; }
unsigned hal_vgic_prio_bits(void) { return prio_bits; }
void hal_irq_deactivate(uint32_t intid) { CHECK(intid >= 16 && intid < 1020); }
void vcpu_kick(struct vcpu *v) { CHECK(v >= vc && v < vc + NV && v->dom == &dom); }
void domain_shutdown(struct domain *d, unsigned reason)
{
	(void)reason;
	d->state = DOMAIN_SHUTDOWN;
}

/* One step: 16 bytes. */
struct step {
	uint8_t kind; /* % 8: 0-3 an access, 4 inject, 5 a level, 6 a guest run, 7 SGI / reset / HW link */
	uint8_t vcpu;
	uint8_t sel; /* [1:0] where (dense GICD, whole GICD, GICR or GICC, anywhere near); [5] size-aligned;
		      * [6] no valid syndrome; [7] from EL0 */
	uint8_t acc; /* [1:0] SAS, [2] WnR, [3] SSE, [4] SF, [7:5] which register */
	uint32_t off;
	uint64_t val;
};

static const uint8_t regs[8] = { 0, 1, 2, 3, 17, 29, 30, 31 };

static uint64_t where(const struct step *s)
{
	uint64_t span = dom.vgic->cfg.version == 3 ? 0x10000 : 0x1000;
	uint64_t a;

	switch (s->sel & 3) {
	case 0: a = DIST + s->off % 0x1000; break;
	case 1: a = DIST + s->off % span; break;
	case 2: /* v3: every redistributor frame and one past them; v2: the CPU interface window */
		a = dom.vgic->cfg.version == 3 ? REDIST + s->off % ((NV + 1) * 0x20000ull) : CPUIF + s->off % 0x2000;
		break;
	default: a = DIST - 0x1000 + s->off % 0x80000; break;
	}
	if (s->sel & 0x20)
		a &= ~((1ull << (s->acc & 3)) - 1);
	return a;
}

static bool claimed(uint64_t a)
{
	for (unsigned i = 0; i < dom.nr_mmio; i++)
		if (a >= dom.mmio[i].base && a - dom.mmio[i].base < dom.mmio[i].size)
			return true;
	return false;
}

/* A guest load or store at @ipa, trapped as the CPU reports it; returns the ctx after it. */
static bool access(struct vcpu *v, uint64_t ipa, uint32_t iss)
{
	uint64_t esr = (uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT | ESR_IL | iss | 0x5; /* L1 translation */
	return mmio_handle(v, ipa_init(ipa), esr, ipa);
}

static void run_access(struct vcpu *v, const struct step *s)
{
	unsigned sas = s->acc & 3, rt = regs[s->acc >> 5];
	bool write = s->acc & 4;
	uint32_t iss = (s->sel & 0x40 ? 0 : 1u << 24) | sas << 22 | (s->acc & 8 ? 1u << 21 : 0) | rt << 16 |
		       (s->acc & 0x10 ? 1u << 15 : 0) | (write ? 1u << 6 : 0);
	uint64_t ipa = where(s);

	v->ctx.pc = GUEST_PC;
	v->ctx.pstate = s->sel & 0x80 ? 0x0 : 0x5; /* EL0t or EL1h */
	v->ctx.el1.vbar = GUEST_VBAR;
	for (unsigned i = 0; i < 31; i++)
		v->ctx.x[i] = s->val ^ (0x0101010101010101ull * i);
	struct hal_vcpu_ctx before = v->ctx;

	bool handled = access(v, ipa, iss);
	CHECK(handled == claimed(ipa));
	if (!handled) {
		CHECK(!memcmp(&before, &v->ctx, sizeof(before)));
		return;
	}
	if (v->ctx.pc != GUEST_PC + 4) {
		/* Aborted: the guest's data abort vector, from where it was, with the address. */
		CHECK(v->ctx.pc == GUEST_VBAR + (s->sel & 0x80 ? 0x400 : 0x200));
		CHECK(v->ctx.el1.elr == GUEST_PC && v->ctx.el1.far == ipa);
		CHECK(!memcmp(before.x, v->ctx.x, sizeof(before.x)));
		return;
	}
	/* Completed: only the destination of a load changed, and only within its size. */
	for (unsigned i = 0; i < 31; i++)
		CHECK(i == rt && !write ? true : v->ctx.x[i] == before.x[i]);
	if (write || rt == 31)
		return;
	/* Zero- or sign-extended from the access size (SSE), to 32 bits for a W register (SF clear). */
	uint64_t got = v->ctx.x[rt], mask = sas == 3 ? ~0ull : (1ull << (8u << sas)) - 1, want = got & mask;
	if ((s->acc & 8) && sas < 3 && (want >> ((8u << sas) - 1) & 1))
		want |= ~mask;
	if (!(s->acc & 0x10))
		want &= 0xffffffffull;
	CHECK(got == want);
	/* Reading a GIC register has no side effects: the same load again gives the same value. */
	v->ctx.pc = GUEST_PC;
	v->ctx.x[rt] = ~got;
	CHECK(access(v, ipa, iss) && v->ctx.pc == GUEST_PC + 4 && v->ctx.x[rt] == got);
}

/* The guest on @v for a moment: it may take the best pending interrupt and end active ones, as
 * the virtual CPU interface lets it (EOImode 0); then the exit folds the LRs and the entry refills. */
static void run_guest(struct vcpu *v, uint64_t choices)
{
	struct hal_vgic_cpu *hw = &v->ctx.vgic;

	if (choices & 1)
		hw->vmcr |= 3u | 0xf8u << 24; /* group enables, priority mask open */
	unsigned best = HAL_VGIC_MAX_LRS;
	for (unsigned i = 0; i < hw->nr_lr; i++)
		if ((hw->lr[i] & HAL_LR_STATE_MASK) == HAL_LR_PENDING &&
		    (best == HAL_VGIC_MAX_LRS || (hw->lr[i] & HAL_LR_PRIO_MASK) < (hw->lr[best] & HAL_LR_PRIO_MASK)))
			best = i;
	if (best < HAL_VGIC_MAX_LRS && (choices & 2))
		hw->lr[best] ^= HAL_LR_PENDING | HAL_LR_ACTIVE;
	for (unsigned i = 0; i < hw->nr_lr; i++) {
		if (!(hw->lr[i] & HAL_LR_ACTIVE) || !(choices >> (8 + i) & 1))
			continue;
		hw->lr[i] &= ~HAL_LR_ACTIVE;
		if (hw->lr[i] & HAL_LR_HW)
			hal_irq_deactivate((uint32_t)((hw->lr[i] & HAL_LR_PINTID_MASK) >> HAL_LR_PINTID_SHIFT));
		else if (!(hw->lr[i] & HAL_LR_STATE_MASK) && (hw->lr[i] & HAL_LR_EOI))
			hw->eisr |= 1u << i;
	}
	vgic_sync(v);
	hw->eisr = 0;
	vgic_flush(v);
	/* What flush loaded: valid, known, each interrupt once. */
	CHECK(hw->nr_lr <= lrs);
	for (unsigned i = 0; i < hw->nr_lr; i++) {
		CHECK(hw->lr[i] & HAL_LR_STATE_MASK);
		CHECK(v->vgic->lr_irq[i] && v->vgic->lr_irq[i]->intid == (hw->lr[i] & 0x3ff));
		for (unsigned j = 0; j < i; j++)
			CHECK((hw->lr[i] & 0x3ff) != (hw->lr[j] & 0x3ff));
	}
	(void)vgic_vcpu_pending(v);
}

/* Every vCPU's list is well formed and holds what its LRs hold. */
static void check_lists(void)
{
	for (unsigned n = 0; n < dom.nr_vcpus; n++) {
		struct vgic_cpu *c = vc[n].vgic;
		unsigned len = 0;
		for (struct vgic_irq *irq = c->head; irq; irq = irq->next) {
			CHECK(irq->owner == c && (!irq->next || irq->next->prev == irq));
			CHECK(++len <= VGIC_MAX_INTID);
		}
		CHECK(len == c->nr_listed);
		for (unsigned i = 0; i < vc[n].ctx.vgic.nr_lr; i++)
			CHECK(c->lr_irq[i]->owner == c && c->lr_irq[i]->lr == (int)i);
	}
}

static void run_step(const struct step *s)
{
	struct vcpu *v = &vc[s->vcpu % dom.nr_vcpus];
	uint32_t intid = s->off % 1100;
	uint32_t have = VGIC_PRIV_IRQS + dom.vgic->cfg.nr_spis;
	int rc;

	switch (s->kind % 8) {
	case 4:
		rc = vgic_inject(&dom, v, intid);
		CHECK(rc == (intid < have ? 0 : -XEN_EINVAL));
		break;
	case 5:
		rc = vgic_set_level(&dom, v, intid, s->val & 1);
		CHECK(rc == (intid < have ? 0 : -XEN_EINVAL));
		break;
	case 6: run_guest(v, s->val); break;
	case 7:
		if (s->val % 16 == 0) {
			vgic_vcpu_reset(v);
		} else if (s->val % 16 == 1) {
			rc = vgic_link_hw(&dom, intid, (uint32_t)(s->val >> 8) % 1100);
			CHECK(rc == 0 || rc == -XEN_EINVAL);
		} else if (dom.vgic->cfg.version == 3) {
			vgic_sgi1r_write(v, s->val);
		}
		break;
	default: run_access(v, s); break;
	}
	check_lists();
}

/* GICD_TYPER, the same before and after everything the guest did. */
static uint32_t typer(void)
{
	vc[0].ctx.pc = GUEST_PC;
	CHECK(access(&vc[0], DIST + 4, 1u << 24 | 2u << 22) && vc[0].ctx.pc == GUEST_PC + 4);
	return (uint32_t)vc[0].ctx.x[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* The machine: byte 0 picks the GIC version, vCPUs and SPIs; byte 1 the LRs and priority bits. */
	memset(&dom, 0, sizeof(dom));
	memset(vc, 0, sizeof(vc));
	dom.id = 1;
	dom.state = DOMAIN_RUNNING;
	dom.nr_vcpus = 1 + (data[0] >> 1) % NV;
	for (unsigned i = 0; i < dom.nr_vcpus; i++) {
		vc[i].dom = &dom;
		vc[i].id = i;
		vc[i].ctx.vmpidr = 1ull << 31 | i;
		dom.vcpu[i] = &vc[i];
	}
	lrs = 1 + data[1] % HAL_VGIC_MAX_LRS;
	prio_bits = 5 + (data[1] >> 4) % 4;
	struct vgic_config cfg = {
		.version = data[0] & 1 ? 3 : 2,
		.nr_spis = 32 * (1 + (data[0] >> 3) % 8),
		.dist = ipa_init(DIST),
		.redist = ipa_init(REDIST),
		.cpuif = ipa_init(CPUIF),
	};
	CHECK(vgic_domain_init(&dom, &cfg) == 0);
	for (unsigned i = 0; i < dom.nr_vcpus; i++)
		vgic_vcpu_reset(&vc[i]);
	uint32_t t = typer();

	data += 2, size -= 2;
	for (unsigned n = 0; n < 256 && size >= sizeof(struct step); n++) {
		struct step s;
		memcpy(&s, data, sizeof(s));
		data += sizeof(s), size -= sizeof(s);
		run_step(&s);
	}
	CHECK(typer() == t);
	vgic_domain_destroy(&dom);
	return 0;
}
