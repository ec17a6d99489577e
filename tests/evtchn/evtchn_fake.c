/* Fakes around event channels: domains, heap, vGIC injection, guest copies. */
#include <stdlib.h>

#include "tests/evtchn/evtchn_fake.h"

#include "hal/mmu.h"
#include "mm/guest_copy.h"
#include "mm/heap.h"
#include "vgic/vgic.h"

static const domid_t ids[FAKE_DOMS] = { 0, 1, 2, 7 };
struct domain fake_dom[FAKE_DOMS];
struct vcpu fake_vcpu[FAKE_DOMS][FAKE_VCPUS];
struct shared_info *fake_shared[FAKE_DOMS];
struct vcpu_info fake_vinfo[FAKE_DOMS];
unsigned fake_injects[FAKE_DOMS][FAKE_VCPUS];
long fake_heap_left = -1;
uint8_t fake_guest[FAKE_GLEN];
static char vgic_dummy;

void *heap_alloc(size_t size)
{
	if (fake_heap_left == 0)
		return NULL;
	if (fake_heap_left > 0)
		fake_heap_left--;
	return calloc(1, size);
}
void heap_free(void *p) { free(p); }
void hal_cpu_relax(void) {}

/* Physical addresses are host addresses here. */
void *hal_pa_to_va(paddr_t pa) { return (void *)(uintptr_t)pa_addr(pa); }

struct domain *domain_by_id(domid_t id)
{
	for (unsigned i = 0; i < FAKE_DOMS; i++)
		if (fake_dom[i].id == id && fake_dom[i].evtchn)
			return &fake_dom[i];
	return NULL;
}

/* References the operations take on foreign domains: every one must be put again. */
unsigned fake_refs;
struct domain *domain_get(domid_t id)
{
	struct domain *d = domain_by_id(id);
	fake_refs += d != NULL;
	return d;
}
void domain_put(struct domain *d)
{
	assert_non_null(d);
	assert_true(fake_refs > 0);
	fake_refs--;
}

unsigned fake_pauses, fake_unpauses, fake_kicks;
void domain_pause(struct domain *d)
{
	d->pause_count++;
	fake_pauses++;
}
int domain_unpause(struct domain *d)
{
	assert_true(d->pause_count > 0);
	d->pause_count--;
	fake_unpauses++;
	return 0;
}
void vcpu_kick(struct vcpu *v)
{
	(void)v;
	fake_kicks++;
}

int vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid)
{
	unsigned i = (unsigned)(d - fake_dom);
	assert_true(i < FAKE_DOMS);
	assert_ptr_equal(v->dom, d);
	assert_int_equal(intid, DOMAIN_EVTCHN_PPI);
	fake_injects[i][v->id]++;
	return 0;
}

static uint64_t window(uint64_t gva, size_t len, uint64_t limit)
{
	if (gva < FAKE_GVA || gva + len > FAKE_GVA + limit || gva + len < gva)
		return UINT64_MAX;
	return gva - FAKE_GVA;
}

int copy_from_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, void *dst, uint64_t gva, size_t len)
{
	(void)v;
	(void)p2m;
	uint64_t off = window(gva, len, FAKE_GLEN);
	if (off == UINT64_MAX)
		return -XEN_EFAULT;
	memcpy(dst, fake_guest + off, len);
	return 0;
}

int copy_to_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, const void *src, size_t len)
{
	(void)v;
	(void)p2m;
	uint64_t off = window(gva, len, FAKE_GWLEN);
	if (off == UINT64_MAX)
		return -XEN_EFAULT;
	memcpy(fake_guest + off, src, len);
	return 0;
}

void fake_world(void)
{
	memset(fake_dom, 0, sizeof(fake_dom));
	memset(fake_vcpu, 0, sizeof(fake_vcpu));
	memset(fake_vinfo, 0, sizeof(fake_vinfo));
	memset(fake_injects, 0, sizeof(fake_injects));
	memset(fake_guest, 0, sizeof(fake_guest));
	fake_heap_left = -1;
	fake_pauses = fake_unpauses = fake_kicks = fake_refs = 0;
	evtchn_guest_tries = 16;
	for (unsigned i = 0; i < FAKE_DOMS; i++) {
		struct domain *d = &fake_dom[i];
		d->id = ids[i];
		d->privileged = ids[i] == 0;
		d->nr_vcpus = FAKE_VCPUS;
		d->vgic = (struct vgic_dist *)&vgic_dummy;
		fake_shared[i] = calloc(1, 4096);
		d->shared_info = pa_init((uintptr_t)fake_shared[i]);
		for (unsigned v = 0; v < FAKE_VCPUS; v++) {
			fake_vcpu[i][v].dom = d;
			fake_vcpu[i][v].id = v;
			d->vcpu[v] = &fake_vcpu[i][v];
		}
		fake_vcpu[i][0].vcpu_info = d->shared_info; /* the legacy slot */
		assert_int_equal(evtchn_domain_init(d), 0);
	}
}

void fake_world_end(void)
{
	assert_int_equal(fake_refs, 0);
	for (unsigned i = 0; i < FAKE_DOMS; i++) {
		evtchn_domain_destroy(&fake_dom[i]);
		free(fake_shared[i]);
	}
}

int fake_setup(void **state)
{
	(void)state;
	fake_world();
	return 0;
}

int fake_teardown(void **state)
{
	(void)state;
	fake_world_end();
	return 0;
}

void fake_register_vinfo(unsigned i) { fake_vcpu[i][1].vcpu_info = pa_init((uintptr_t)&fake_vinfo[i]); }

bool fake_pending(unsigned i, evtchn_port_t port)
{
	return fake_shared[i]->evtchn_pending[port / 64] >> (port % 64) & 1;
}

void fake_mask(unsigned i, evtchn_port_t port, bool masked)
{
	uint64_t bit = 1ull << (port % 64);
	if (masked)
		fake_shared[i]->evtchn_mask[port / 64] |= bit;
	else
		fake_shared[i]->evtchn_mask[port / 64] &= ~bit;
}

struct vcpu_info *fake_vi(unsigned i, unsigned v) { return v == 0 ? &fake_shared[i]->vcpu_info[0] : &fake_vinfo[i]; }

void fake_ack_upcall(unsigned i, unsigned v)
{
	fake_vi(i, v)->evtchn_upcall_pending = 0;
	fake_vi(i, v)->evtchn_pending_sel = 0;
}
