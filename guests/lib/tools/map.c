/* The toolstack's start and its window onto other domains: a few of the caller's own RAM pages,
 * ballooned out once (as Linux's privcmd maps foreign frames over ballooned pages), where frames
 * of a domain being built are mapped one at a time to be written. */
#include "guests/lib/tools/int.h"

#include "lib/guest.h"
#include "public/errno.h"
#include "public/version.h"

struct tools_state *tools_get(void) { return *gl_domain_local(GL_LOCAL_TOOLS); }

int gl_tools_init(const void *fdt)
{
	uint64_t base, size, gva, gfns[TOOLS_SLOTS];

	if (tools_get())
		return 0;
	if (!gl_ram_bank(fdt, &base, &size) || size < 2 * TOOLS_SLOTS * TOOLS_PAGE_SIZE) {
		gl_printf("tools: no RAM bank in the tree to take the map window from\n");
		return -XEN_EINVAL;
	}
	struct tools_state *s = gl_alloc(sizeof(*s), &gva);
	s->gva = gva;
	/* The top of the first bank: the boot protocol puts the kernel, tree and ramdisk at its bottom. */
	s->window = ((base + size) >> TOOLS_PAGE_SHIFT) - TOOLS_SLOTS;
	for (unsigned i = 0; i < TOOLS_SLOTS; i++)
		gfns[i] = s->window + i;
	long done = tools_reservation(s, XENMEM_decrease_reservation, DOMID_SELF, gfns, TOOLS_SLOTS, 0);
	if (done != TOOLS_SLOTS) {
		gl_printf("tools: decrease_reservation of the map window at %#llx: %ld\n",
			  (unsigned long long)(s->window << TOOLS_PAGE_SHIFT), done);
		return done < 0 ? (int)done : -XEN_ENOMEM;
	}
	long ver = gl_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
	s->xen_major = (unsigned)(ver >> 16) & 0xffff;
	s->xen_minor = (unsigned)ver & 0xffff;
	*gl_domain_local(GL_LOCAL_TOOLS) = s;
	return 0;
}

int gl_tools_map_foreign(domid_t dom, uint64_t gfn, uint64_t *va)
{
	struct tools_state *s = tools_get();
	unsigned i = 0;

	if (!s)
		return -XEN_EINVAL;
	while (i < TOOLS_SLOTS && s->used[i])
		i++;
	if (i == TOOLS_SLOTS)
		return -XEN_ENOSPC;
	struct xen_add_to_physmap_batch *b = &s->a.op.batch;
	for (size_t k = 0; k < sizeof(*b) / 8; k++)
		((volatile uint64_t *)b)[k] = 0;
	s->a.idx[0] = gfn;
	s->a.gfn[0] = s->window + i;
	s->a.err[0] = 0;
	b->domid = DOMID_SELF;
	b->space = XENMAPSPACE_gmfn_foreign;
	b->size = 1;
	b->foreign_domid = dom;
	b->idxs = tools_gva(s, s->a.idx);
	b->gpfns = tools_gva(s, s->a.gfn);
	b->errs = tools_gva(s, s->a.err);
	long rc = gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, tools_gva(s, b), 0, 0, 0);
	if (!rc)
		rc = s->a.err[0];
	if (rc)
		return (int)rc;
	s->used[i] = true;
	*va = (s->window + i) << TOOLS_PAGE_SHIFT;
	return 0;
}

int gl_tools_unmap_foreign(uint64_t va)
{
	struct tools_state *s = tools_get();
	uint64_t i = (va >> TOOLS_PAGE_SHIFT) - (s ? s->window : 0);

	if (!s || (va & (TOOLS_PAGE_SIZE - 1)) || i >= TOOLS_SLOTS || !s->used[i])
		return -XEN_EINVAL;
	int rc = tools_remove_from_physmap(s, DOMID_SELF, s->window + i);
	if (!rc)
		s->used[i] = false;
	return rc;
}

int tools_copy_to_domain(domid_t dom, uint64_t gfn, const void *src, size_t len)
{
	const uint8_t *p = src;

	for (; len; gfn++) {
		size_t n = len < TOOLS_PAGE_SIZE ? len : TOOLS_PAGE_SIZE;
		uint64_t va;
		int rc = gl_tools_map_foreign(dom, gfn, &va);
		if (rc)
			return rc;
		gl_copy_to(va, p, n);
		rc = gl_tools_unmap_foreign(va);
		if (rc)
			return rc;
		p += n;
		len -= n;
	}
	return 0;
}
