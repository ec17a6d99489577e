/* The fake hypervisor of tools_fake.h. Hypercall arguments are host pointers (gl_alloc's gva is
 * the pointer), as the library's argument area is; the caller's window GFNs resolve to the foreign
 * pages mapped there. */
#include "tools_fake.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/guest.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/memory.h"
#include "public/sysctl.h"
#include "public/version.h"

#define PAGE 4096u

struct fake fake;

void fake_reset(void)
{
	void **tools = gl_domain_local(GL_LOCAL_TOOLS);

	/* The library starts afresh too (its state came from gl_alloc, calloc here). */
	free(*tools);
	*tools = NULL;
	for (unsigned d = 0; d < FAKE_DOMS; d++)
		for (unsigned e = 0; e < fake.dom[d].nr_ext; e++)
			free(fake.dom[d].ext[e].data);
	memset(&fake, 0, sizeof(fake));
	fake.dom[0].exists = true;
	fake.free_pages = fake.total_pages = 4096;
}

uint8_t *fake_page(domid_t dom, uint64_t gfn)
{
	struct fake_dom *d = dom < FAKE_DOMS ? &fake.dom[dom] : NULL;

	if (!d || !d->exists)
		return NULL;
	if (d->gnttab_gfn && gfn == d->gnttab_gfn)
		return d->gnttab;
	for (unsigned e = 0; e < d->nr_ext; e++)
		if (gfn >= d->ext[e].gfn && gfn < d->ext[e].gfn + (1ull << d->ext[e].order))
			return d->ext[e].data + (gfn - d->ext[e].gfn) * PAGE;
	return NULL;
}

int fake_call_index(const char *prefix)
{
	for (unsigned i = 0; i < fake.nr_calls; i++)
		if (strncmp(fake.call[i], prefix, strlen(prefix)) == 0)
			return (int)i;
	return -1;
}

/* Records the call; true if it is the one set to fail. */
static bool record(const char *fmt, ...)
{
	char *c = fake.call[fake.nr_calls < FAKE_CALLS ? fake.nr_calls++ : FAKE_CALLS - 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c, sizeof(fake.call[0]), fmt, ap);
	va_end(ap);
	if (fake.fail_call && strncmp(c, fake.fail_call, strlen(fake.fail_call)) == 0) {
		fake.fail_call = NULL;
		return true;
	}
	return false;
}

static struct fake_dom *dom_of(domid_t id) { return id < FAKE_DOMS && fake.dom[id].exists ? &fake.dom[id] : NULL; }

static long destroy(domid_t id)
{
	struct fake_dom *d = &fake.dom[id];

	for (unsigned e = 0; e < d->nr_ext; e++) {
		free(d->ext[e].data);
		fake.free_pages += 1ull << d->ext[e].order;
	}
	memset(d, 0, sizeof(*d));
	return 0;
}

static long domctl(struct xen_domctl *op)
{
	struct fake_dom *d = dom_of(op->domain);

	assert_int_equal(op->interface_version, XEN_DOMCTL_INTERFACE_VERSION);
	switch (op->cmd) {
	case XEN_DOMCTL_createdomain: {
		if (record("createdomain"))
			return fake.fail_rc;
		domid_t id = 1;
		while (id < FAKE_DOMS && fake.dom[id].exists)
			id++;
		if (id == FAKE_DOMS)
			return -XEN_ENOMEM;
		fake.dom[id] =
		    (struct fake_dom){ .exists = true, .paused = true, .cfg = op->u.createdomain, .next_port = 1 };
		op->domain = id;
		/* The hypervisor answers with the GIC it gave (the host's for NATIVE: v3 here). */
		if (op->u.createdomain.arch.gic_version == XEN_DOMCTL_CONFIG_GIC_NATIVE)
			op->u.createdomain.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
		return 0;
	}
	case XEN_DOMCTL_destroydomain:
		if (record("destroydomain d%u", op->domain))
			return fake.fail_rc;
		if (fake.destroy_eagain) {
			fake.destroy_eagain--;
			return -XEN_EAGAIN;
		}
		return d ? destroy(op->domain) : -XEN_ESRCH;
	case XEN_DOMCTL_unpausedomain:
		if (record("unpause d%u", op->domain))
			return fake.fail_rc;
		if (!d)
			return -XEN_ESRCH;
		d->paused = false;
		return 0;
	case XEN_DOMCTL_getdomaininfo: {
		record("getdomaininfo d%u", op->domain);
		domid_t id = op->domain; /* the first domain at or after it */
		while (id < FAKE_DOMS && !fake.dom[id].exists)
			id++;
		if (id == FAKE_DOMS)
			return -XEN_ESRCH;
		memset(&op->u.getdomaininfo, 0, sizeof(op->u.getdomaininfo));
		op->u.getdomaininfo.domain = id;
		op->u.getdomaininfo.flags = fake.dom[id].paused ? XEN_DOMINF_paused : XEN_DOMINF_running;
		op->u.getdomaininfo.tot_pages = fake.dom[id].tot_pages;
		return 0;
	}
	case XEN_DOMCTL_max_mem:
		if (record("max_mem d%u %llu", op->domain, (unsigned long long)op->u.max_mem.max_memkb))
			return fake.fail_rc;
		d->max_memkb = op->u.max_mem.max_memkb;
		return 0;
	case XEN_DOMCTL_setvcpucontext:
		if (record("setvcpucontext d%u v%u", op->domain, op->u.vcpucontext.vcpu))
			return fake.fail_rc;
		memcpy(&d->ctx, (void *)(uintptr_t)op->u.vcpucontext.ctxt, sizeof(d->ctx));
		d->ctx_set = true;
		return 0;
	case XEN_DOMCTL_iomem_permission:
		if (record("iomem_permission d%u", op->domain))
			return fake.fail_rc;
		d->perm[d->nr_perm++] = op->u.iomem_permission;
		return 0;
	case XEN_DOMCTL_memory_mapping:
		if (record("memory_mapping d%u", op->domain))
			return fake.fail_rc;
		if (op->u.memory_mapping.nr_mfns > 64)
			return -XEN_E2BIG; /* Xen's limit per call */
		assert_true(d->nr_map < FAKE_IOMEM);
		d->map[d->nr_map++] = op->u.memory_mapping;
		return 0;
	case XEN_DOMCTL_assign_device: {
		/* The path as the hypervisor reads it: @size bytes, no NUL needed. */
		const struct xen_domctl_assign_device *a = &op->u.assign_device;
		assert_int_equal(a->dev, XEN_DOMCTL_DEV_DT);
		assert_true(a->u.dt.size < 32);
		return record("assign_device d%u %.*s", op->domain, (int)a->u.dt.size,
			      (const char *)(uintptr_t)a->u.dt.path)
			   ? fake.fail_rc
			   : 0;
	}
	default: fail_msg("unexpected domctl %u", op->cmd); return -XEN_ENOSYS;
	}
}

static long populate(struct xen_memory_reservation *r)
{
	struct fake_dom *d = dom_of(r->domid);
	const uint64_t *gfn = (const uint64_t *)(uintptr_t)r->extent_start;

	if (record("populate d%u o%u n%llu", r->domid, r->extent_order, (unsigned long long)r->nr_extents))
		return fake.fail_rc;
	assert_non_null(d);
	for (uint64_t i = 0; i < r->nr_extents; i++) {
		uint64_t pages = 1ull << r->extent_order;
		if (pages > fake.free_pages || d->nr_ext == FAKE_EXTENTS)
			return (long)i;
		fake.free_pages -= pages;
		d->tot_pages += pages;
		d->ext[d->nr_ext++] =
		    (struct fake_extent){ .gfn = gfn[i], .order = r->extent_order, .data = calloc(pages, PAGE) };
	}
	return (long)r->nr_extents;
}

static long balloon(struct xen_memory_reservation *r)
{
	const uint64_t *gfn = (const uint64_t *)(uintptr_t)r->extent_start;

	if (record("decrease d%u o%u n%llu", r->domid, r->extent_order, (unsigned long long)r->nr_extents))
		return fake.fail_rc;
	assert_int_equal(r->domid, DOMID_SELF);
	for (uint64_t i = 0; i < r->nr_extents && fake.nr_ballooned < FAKE_SLOTS; i++)
		fake.ballooned[fake.nr_ballooned++] = gfn[i];
	return (long)r->nr_extents;
}

static bool ballooned(uint64_t gfn)
{
	for (unsigned i = 0; i < fake.nr_ballooned; i++)
		if (fake.ballooned[i] == gfn)
			return true;
	return false;
}

static long map_batch(struct xen_add_to_physmap_batch *b)
{
	const uint64_t *idx = (const uint64_t *)(uintptr_t)b->idxs, *gpfn = (const uint64_t *)(uintptr_t)b->gpfns;
	int32_t *err = (int32_t *)(uintptr_t)b->errs;

	if (record("map_foreign d%u %#llx", b->foreign_domid, (unsigned long long)idx[0]))
		return fake.fail_rc;
	assert_int_equal(b->domid, DOMID_SELF);
	assert_int_equal(b->space, XENMAPSPACE_gmfn_foreign);
	for (unsigned i = 0; i < b->size; i++) {
		unsigned s = 0;
		while (s < FAKE_SLOTS && fake.slot[s].used)
			s++;
		/* Only over ballooned GFNs, never over the caller's own RAM; only pages the domain has. */
		err[i] = !ballooned(gpfn[i]) || s == FAKE_SLOTS ? -XEN_EINVAL
			 : !fake_page(b->foreign_domid, idx[i]) ? -XEN_EINVAL
								: 0;
		if (!err[i])
			fake.slot[s] = (typeof(fake.slot[0])){ true, gpfn[i], b->foreign_domid, idx[i] };
	}
	return 0;
}

static long unmap(struct xen_remove_from_physmap *r)
{
	if (record("remove d%u %#llx", r->domid, (unsigned long long)r->gpfn))
		return fake.fail_rc;
	if (r->domid != DOMID_SELF) {
		struct fake_dom *d = dom_of(r->domid);
		if (!d || d->gnttab_gfn != r->gpfn)
			return -XEN_EINVAL;
		d->gnttab_gfn = 0;
		return 0;
	}
	for (unsigned s = 0; s < FAKE_SLOTS; s++)
		if (fake.slot[s].used && fake.slot[s].gfn == r->gpfn) {
			fake.slot[s].used = false;
			return 0;
		}
	return -XEN_EINVAL;
}

static long memory_op(uint64_t cmd, uint64_t arg)
{
	void *p = (void *)(uintptr_t)arg;

	switch (cmd) {
	case XENMEM_populate_physmap: return populate(p);
	case XENMEM_decrease_reservation: return balloon(p);
	case XENMEM_add_to_physmap_batch: return map_batch(p);
	case XENMEM_remove_from_physmap: return unmap(p);
	case XENMEM_add_to_physmap: {
		struct xen_add_to_physmap *a = p;
		struct fake_dom *d = dom_of(a->domid);
		if (record("add_to_physmap d%u space%u %#llx", a->domid, a->space, (unsigned long long)a->gpfn))
			return fake.fail_rc;
		if (!d || a->space != XENMAPSPACE_grant_table || a->idx != 0)
			return -XEN_EINVAL;
		d->gnttab_gfn = a->gpfn;
		return 0;
	}
	default: fail_msg("unexpected memory_op %llu", (unsigned long long)cmd); return -XEN_ENOSYS;
	}
}

static long hvm_op(uint64_t cmd, struct xen_hvm_param *p)
{
	struct fake_dom *d = dom_of(p->domid);

	if (record("hvm %s d%u %u", cmd == HVMOP_set_param ? "set" : "get", p->domid, p->index))
		return fake.fail_rc;
	if (!d || p->index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (cmd == HVMOP_set_param)
		d->hvm[p->index] = p->value;
	else
		p->value = d->hvm[p->index];
	return 0;
}

long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	(void)a2, (void)a3, (void)a4;
	switch (op) {
	case __HYPERVISOR_domctl: return domctl((struct xen_domctl *)(uintptr_t)a0);
	case __HYPERVISOR_memory_op: return memory_op(a0, a1);
	case __HYPERVISOR_hvm_op: return hvm_op(a0, (struct xen_hvm_param *)(uintptr_t)a1);
	case __HYPERVISOR_xen_version: return a0 == XENVER_version ? 4 << 16 | 17 : -XEN_ENOSYS;
	case __HYPERVISOR_sched_op: record("yield"); return 0;
	case __HYPERVISOR_sysctl: {
		struct xen_sysctl *s = (struct xen_sysctl *)(uintptr_t)a0;
		assert_int_equal(s->interface_version, XEN_SYSCTL_INTERFACE_VERSION);
		if (record("sysctl %u", s->cmd))
			return fake.fail_rc;
		if (s->cmd != XEN_SYSCTL_physinfo)
			return -XEN_ENOSYS;
		s->u.physinfo.free_pages = fake.free_pages;
		s->u.physinfo.total_pages = fake.total_pages;
		return 0;
	}
	case __HYPERVISOR_event_channel_op: {
		struct evtchn_alloc_unbound *u = (struct evtchn_alloc_unbound *)(uintptr_t)a1;
		struct fake_dom *d = dom_of(u->dom);
		assert_int_equal(a0, EVTCHNOP_alloc_unbound);
		if (record("alloc_unbound d%u remote d%u", u->dom, u->remote_dom))
			return fake.fail_rc;
		if (!d)
			return -XEN_ESRCH;
		u->port = d->next_port++;
		return 0;
	}
	default: fail_msg("unexpected hypercall %u", op); return -XEN_ENOSYS;
	}
}

void *gl_alloc(size_t size, uint64_t *gva)
{
	void *p = calloc(1, size);
	*gva = (uintptr_t)p;
	return p;
}

static uint8_t *window(uint64_t addr, size_t len)
{
	for (unsigned s = 0; s < FAKE_SLOTS; s++)
		if (fake.slot[s].used && fake.slot[s].gfn == addr / PAGE) {
			assert_true(addr % PAGE + len <= PAGE);
			return fake_page(fake.slot[s].dom, fake.slot[s].foreign_gfn) + addr % PAGE;
		}
	fail_msg("access at %#llx outside the mapped window", (unsigned long long)addr);
	return NULL;
}

void gl_copy_to(uint64_t gva, const void *buf, size_t len) { memcpy(window(gva, len), buf, len); }
void gl_copy_from(uint64_t gva, void *buf, size_t len) { memcpy(buf, window(gva, len), len); }
void gl_write64(uint64_t addr, uint64_t val) { memcpy(window(addr, 8), &val, 8); }

uint64_t gl_read64(uint64_t addr)
{
	uint64_t v;
	memcpy(&v, window(addr, 8), 8);
	return v;
}

void gl_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void **gl_domain_local(enum gl_local slot)
{
	static void *locals[GL_LOCAL_COUNT];

	return &locals[slot];
}
