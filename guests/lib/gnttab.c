/* The guest side of grant tables: one table frame of the domain's own, mapped where the /hypervisor
 * node says, and a window of that region for peers' grants. Entries are edited as Xen's frontends
 * edit them: frame first, then {flags, domid} in one store; ended only by compare-and-swap while the
 * hypervisor's GTF_reading/GTF_writing are clear. */
#include "lib/gnttab.h"

#include <libfdt.h>

#include "lib/guest.h"
#include "public/errno.h"
#include "public/shared.h"

#define PAGE    4096u
#define ENTRY   sizeof(struct grant_entry_v1)
#define ENTRIES (PAGE / ENTRY) /* one table frame: 512 refs are plenty for the library */
#define IN_USE  (GTF_reading | GTF_writing)

struct gnttab {
	uint64_t table;    /* the table frame's guest address */
	uint64_t map_base; /* the mapping window */
	uint32_t map_slots;
	uint64_t map_used; /* a bit a slot */
	grant_ref_t next;  /* where the search for a free entry starts: after the last one handed out */
	void *arg;         /* hypercall argument page, guest RAM */
	uint64_t arg_gva;
};

static struct gnttab *state(void) { return *gl_domain_local(GL_LOCAL_GNTTAB); }

/* The /hypervisor node's first reg (two address and two size cells, as both hypervisors write). */
static void region(const void *fdt, uint64_t *base, uint64_t *size)
{
	int node = fdt ? fdt_node_offset_by_compatible(fdt, -1, "xen,xen") : -1, len;
	const fdt32_t *reg = node < 0 ? NULL : fdt_getprop(fdt, node, "reg", &len);

	*base = GUEST_GNTTAB_BASE;
	*size = GUEST_GNTTAB_SIZE;
	if (reg && len >= 16) {
		*base = (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
		*size = (uint64_t)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]);
	}
}

int gnttab_init(const void *fdt)
{
	void **slot = gl_domain_local(GL_LOCAL_GNTTAB);
	uint64_t base, size, gva;

	if (*slot)
		return 0;
	region(fdt, &base, &size);
	if ((base & (PAGE - 1)) || size < 2 * PAGE)
		return -XEN_EINVAL;
	struct xen_add_to_physmap *x = gl_alloc(sizeof(*x), &gva);
	*x = (struct xen_add_to_physmap){
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = base / PAGE
	};
	long rc = gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, gva, 0, 0, 0);
	if (rc)
		return (int)rc;
	struct gnttab *g = gl_alloc(sizeof(*g), &gva);
	g->table = base;
	/* The upper half: far from the table frames, which may grow upwards from the base. */
	g->map_base = base + (size / 2 & ~(uint64_t)(PAGE - 1));
	g->map_slots = (uint32_t)((base + size - g->map_base) / PAGE);
	g->map_slots = g->map_slots < GNTTAB_MAX_MAPS ? g->map_slots : GNTTAB_MAX_MAPS;
	g->next = GNTTAB_FIRST_FREE;
	g->arg = gl_alloc(64, &g->arg_gva);
	*slot = g;
	return 0;
}

static uint64_t entry(const struct gnttab *g, grant_ref_t ref) { return g->table + (uint64_t)ref * ENTRY; }

int gnttab_grant(domid_t to, uint64_t gfn, bool readonly)
{
	struct gnttab *g = state();

	if (!g || gfn > UINT32_MAX)
		return -XEN_EINVAL;
	/* Round the table from the cursor: a frontend granting and ending a page per request finds a
	 * free entry at once instead of walking past every grant still in flight. */
	for (unsigned i = 0; i < ENTRIES - GNTTAB_FIRST_FREE; i++) {
		grant_ref_t ref = GNTTAB_FIRST_FREE + (g->next - GNTTAB_FIRST_FREE + i) % (ENTRIES - GNTTAB_FIRST_FREE);
		uint32_t w = gl_read32(entry(g, ref));
		if (w & 0xffff)
			continue; /* granted, or still mapped by a grantee after a failed end */
		gl_write32(entry(g, ref) + 4, (uint32_t)gfn);
		gl_mb(); /* the frame before the flags that make it valid */
		uint32_t flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
		if (gl_cmpxchg32(entry(g, ref), w, (uint32_t)to << 16 | flags) == w) {
			g->next = ref + 1 < ENTRIES ? ref + 1 : GNTTAB_FIRST_FREE;
			return (int)ref;
		}
	}
	return -XEN_ENOSPC;
}

int gnttab_end(grant_ref_t ref)
{
	struct gnttab *g = state();

	if (!g || ref >= ENTRIES)
		return -XEN_EINVAL;
	/* The hypervisor sets the in-use bits with compare-and-swap too: either it sees our cleared
	 * entry and refuses the map, or we see its bits and keep the entry. */
	for (;;) {
		uint32_t w = gl_read32(entry(g, ref));
		if (w & IN_USE)
			return -XEN_EBUSY;
		if (gl_cmpxchg32(entry(g, ref), w, 0) == w)
			return 0;
	}
}

uint16_t gnttab_flags(grant_ref_t ref)
{
	struct gnttab *g = state();

	return g && ref < ENTRIES ? (uint16_t)gl_read32(entry(g, ref)) : 0;
}

int gnttab_status_errno(int16_t status)
{
	switch (status) {
	case GNTST_okay: return 0;
	case GNTST_bad_domain: return -XEN_ESRCH;
	case GNTST_permission_denied: return -XEN_EPERM;
	case GNTST_no_space:
	case GNTST_no_device_space: return -XEN_ENOMEM;
	case GNTST_eagain: return -XEN_EAGAIN;
	case GNTST_bad_page:
	case GNTST_bad_copy_arg:
	case GNTST_bad_virt_addr: return -XEN_EFAULT;
	default: return -XEN_EINVAL;
	}
}

/* One op of @size bytes through the argument page; the op's status field comes back in *@op. */
static int op(struct gnttab *g, unsigned cmd, void *o, size_t size)
{
	__builtin_memcpy(g->arg, o, size);
	long rc = gl_hypercall(__HYPERVISOR_grant_table_op, cmd, g->arg_gva, 1, 0, 0);
	__builtin_memcpy(o, g->arg, size);
	return (int)rc;
}

int gnttab_map(domid_t dom, grant_ref_t ref, bool readonly, struct gnttab_mapping *m)
{
	struct gnttab *g = state();
	unsigned s = 0;

	if (!g)
		return -XEN_EINVAL;
	while (s < g->map_slots && (g->map_used >> s & 1))
		s++;
	if (s == g->map_slots)
		return -XEN_ENOSPC;
	struct gnttab_map_grant_ref o = { .host_addr = g->map_base + (uint64_t)s * PAGE,
					  .ref = ref,
					  .dom = dom,
					  .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0) };
	int rc = op(g, GNTTABOP_map_grant_ref, &o, sizeof(o));
	if (rc || (rc = gnttab_status_errno(o.status)))
		return rc;
	g->map_used |= 1ull << s;
	*m = (struct gnttab_mapping){ .gva = o.host_addr, .handle = o.handle };
	return 0;
}

int gnttab_unmap(const struct gnttab_mapping *m)
{
	struct gnttab *g = state();
	uint64_t s = g ? (m->gva - g->map_base) / PAGE : 0;

	if (!g || m->gva < g->map_base || s >= g->map_slots || (m->gva & (PAGE - 1)) || !(g->map_used >> s & 1))
		return -XEN_EINVAL;
	struct gnttab_unmap_grant_ref o = { .host_addr = m->gva, .handle = m->handle };
	int rc = op(g, GNTTABOP_unmap_grant_ref, &o, sizeof(o));
	if (rc || (rc = gnttab_status_errno(o.status)))
		return rc;
	g->map_used &= ~(1ull << s);
	return 0;
}

int gnttab_copy(domid_t dom, grant_ref_t ref, unsigned off, uint64_t gva, size_t len, bool to_peer)
{
	struct gnttab *g = state();

	if (!g || off > PAGE || len > PAGE - off)
		return -XEN_EINVAL;
	for (size_t done = 0, n; done < len; done += n) {
		uint64_t at = gva + done;
		n = PAGE - (at & (PAGE - 1));
		n = n < len - done ? n : len - done;
		struct gnttab_copy_ptr peer = { .u.ref = ref, .domid = dom, .offset = (uint16_t)(off + done) };
		struct gnttab_copy_ptr own = { .u.gmfn = at / PAGE,
					       .domid = DOMID_SELF,
					       .offset = (uint16_t)(at & (PAGE - 1)) };
		struct gnttab_copy o = { .source = to_peer ? own : peer,
					 .dest = to_peer ? peer : own,
					 .len = (uint16_t)n,
					 .flags = to_peer ? GNTCOPY_dest_gref : GNTCOPY_source_gref };
		int rc = op(g, GNTTABOP_copy, &o, sizeof(o));
		if (rc || (rc = gnttab_status_errno(o.status)))
			return rc;
	}
	return 0;
}
