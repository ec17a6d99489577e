#include "tests/dom/pv_world.h"

#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "hal/mmu.h"
#include "hal/vcpu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "tests/gnttab/fake_hal.h"

static struct domain *doms[PW_MAX];
static struct vcpu vcpus[PW_MAX];
static uint64_t free_at_start, heap_at_start, xen_at_start;
static int refs[PW_MAX];
unsigned pw_continuations;

struct domain *domain_by_id(domid_t id) { return id < PW_MAX ? doms[id] : NULL; }
struct domain *domain_get(domid_t id)
{
	struct domain *d = domain_by_id(id);
	if (d)
		refs[id]++;
	return d;
}
void domain_put(struct domain *d)
{
	assert_true(refs[d->id] > 0);
	refs[d->id]--;
}
/* As hyp/dom counts it: shared_info is not the domain's memory. */
bool domain_may_grow(const struct domain *d, uint64_t pages)
{
	uint64_t tot = frame_count(d->id) - 1;
	return tot <= d->max_pages && pages <= d->max_pages - tot;
}
unsigned sched_pcpus(void) { return 2; }
uint64_t hal_counter_freq(void) { return 62500000; }
void domain_pause(struct domain *d) { d->pause_count++; }
int domain_unpause(struct domain *d)
{
	d->pause_count--;
	return 0;
}
void vcpu_kick(struct vcpu *v) { (void)v; }
int vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid)
{
	(void)d;
	(void)v;
	(void)intid;
	return 0;
}
/* No stage 1: the guest's VAs are its IPAs. */
bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, bool write, ipa_t *ipa)
{
	(void)ctx;
	(void)write;
	*ipa = ipa_init(va);
	return true;
}

void pw_reset(void)
{
	memset(doms, 0, sizeof(doms));
	memset(refs, 0, sizeof(refs));
	pw_continuations = 0;
	fake_hal_reset();
	free_at_start = frame_free_count();
	heap_at_start = heap_bytes_in_use();
	xen_at_start = frame_count(DOMID_XEN);
}

struct domain *pw_domain(domid_t id)
{
	assert_true(id < PW_MAX && !doms[id]);
	struct domain *d = heap_alloc(sizeof(*d));
	assert_non_null(d);
	d->id = id;
	d->privileged = id == 0;
	d->max_pages = UINT64_MAX;
	d->shared_gfn = SHARED_UNMAPPED;
	assert_int_equal(p2m_init(&d->p2m, id, (uint16_t)(id + 1)), 0);
	assert_int_equal(frame_alloc(id, 0, &d->shared_info), 0);
	for (unsigned i = 0; i < PW_PAGES; i++) {
		paddr_t pa;
		assert_int_equal(frame_alloc(id, 0, &pa), 0);
		assert_int_equal(p2m_map(&d->p2m, ipa_init((PW_RAM_GFN + i) << 12), pa, 4096, P2M_RAM_RW), 0);
	}
	memset(&vcpus[id], 0, sizeof(vcpus[id]));
	vcpus[id].dom = d;
	vcpus[id].vcpu_info = d->shared_info;
	d->vcpu[0] = &vcpus[id];
	d->nr_vcpus = 1;
	assert_int_equal(gnttab_domain_init(d), 0);
	assert_int_equal(evtchn_domain_init(d), 0);
	doms[id] = d;
	return d;
}

void pw_destroy(struct domain *d)
{
	evtchn_domain_destroy(d);
	gnttab_domain_destroy(d);
	p2m_destroy(&d->p2m);
	frame_release_all(d->id);
	doms[d->id] = NULL;
	heap_free(d);
}

void *pw_ptr(struct domain *d, uint64_t ipa)
{
	paddr_t pa;
	if (p2m_lookup(&d->p2m, ipa_init(ipa), &pa, NULL) == P2M_INVALID)
		return NULL;
	return hal_pa_to_va(pa);
}

void pw_assert_clean(void)
{
	for (domid_t id = 0; id < PW_MAX; id++)
		assert_int_equal(frame_count(id), 0);
	assert_int_equal(frame_count(DOMID_XEN), xen_at_start);
	assert_int_equal(frame_free_count(), free_at_start);
	assert_int_equal(heap_bytes_in_use(), heap_at_start);
	for (unsigned i = 0; i < PW_MAX; i++)
		assert_int_equal(refs[i], 0);
}

int pw_setup(void **state)
{
	(void)state;
	pw_reset();
	for (domid_t id = 0; id < 3; id++)
		pw_domain(id);
	return 0;
}

int pw_teardown(void **state)
{
	(void)state;
	for (unsigned i = PW_MAX; i-- > 0;)
		if (doms[i])
			pw_destroy(doms[i]);
	pw_assert_clean();
	return 0;
}

#define HVC_PC 0x1000 /* where the guest's HVC is; ELR points past it */

long pw_call(struct domain *d, long (*op)(struct vcpu *v, const uint64_t *a, bool *yield), uint64_t a0, uint64_t a1,
	     uint64_t a2)
{
	struct vcpu *v = d->vcpu[0];
	bool yield = false;

	v->ctx.x[0] = a0;
	v->ctx.x[1] = a1;
	v->ctx.x[2] = a2;
	for (;;) {
		v->ctx.pc = HVC_PC + 4;
		v->ctx.x[0] = (uint64_t)op(v, v->ctx.x, &yield);
		if (v->ctx.pc != HVC_PC)
			return (long)v->ctx.x[0];
		pw_continuations++;
	}
}

void *pw_arg(struct domain *d) { return pw_ptr(d, PW_ARG); }
