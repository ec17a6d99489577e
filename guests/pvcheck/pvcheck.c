/* A boot domain's PV channels from both ends. In a DomU: its HVM params name the console and
 * xenstore pages at Xen's magic GFNs and two ports left unbound for Dom0; it leaves a message in its
 * xenstore page and waits for Dom0's reply and binding. In Dom0 ("pvcheck.peers=N", DomUs 1..N): it
 * reads each DomU's params, maps its seeded grants 1 (xenstore) and 0 (console) with an ordinary
 * map_grant_ref, answers the message and binds the store port; as a toolstack would, it also maps the
 * DomU's pages by GFN (memory_op gmfn_foreign) and reads the machine's pages (sysctl physinfo); it
 * maps all that into pages of its own RAM it gave back (its 1:1 balloon), as Linux does, and takes
 * them again at the end. A DomU also balloons: never beyond its memory, a page given back can be had
 * elsewhere. No static state (several domains run it). */
#include <string.h>

#include "lib/guest.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/hvm.h"
#include "public/memory.h"
#include "public/sysctl.h"
#include "public/xen.h"

#define CONSOLE_GFN  ((GUEST_MAGIC_BASE >> 12) + GUEST_CONSOLE_PFN_OFFSET)
#define STORE_GFN    ((GUEST_MAGIC_BASE >> 12) + GUEST_XENSTORE_PFN_OFFSET)
#define HELLO        0x68656c6c6f000000ull /* "hello" | the DomU's store port */
#define REPLY        0x7265706c79000000ull /* "reply" | the same port */
#define WAIT_MAX     200000u
#define DOMU_RAM_GFN 0x40000u    /* Xen's GUEST_RAM0_BASE */
#define BATCH        100         /* foreign pages mapped in one call: continued */
#define HOLES        (BATCH + 2) /* Dom0's pages ballooned out: grant slot, foreign pages, and one more */

struct t {
	unsigned failures;
	void *arg;
	uint64_t arg_gva;
	struct xen_add_to_physmap_batch *batch; /* Dom0's: a batch and its three arrays */
	uint64_t batch_gva, *idxs, idxs_gva, *gfns, gfns_gva;
	int32_t *errs;
	uint64_t errs_gva;
	/* Dom0 maps into pages of its RAM it gave back (holes, as Linux maps grants and foreign
	 * pages): the first takes grants, the next BATCH foreign pages. */
	uint64_t *holes, holes_gva, map_at, foreign_at;
};

static void check(struct t *t, bool ok, const char *what, long got)
{
	gl_printf("pvcheck: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	t->failures += !ok;
}

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

static long hc(struct t *t, unsigned op, unsigned cmd, const void *in, size_t size, unsigned count)
{
	memcpy(t->arg, in, size);
	return gl_hypercall(op, cmd, t->arg_gva, count, 0, 0);
}

/* HVM param @index of @dom, or ~0 when the call fails. */
static uint64_t param(struct t *t, domid_t dom, uint32_t index)
{
	struct xen_hvm_param p = { .domid = dom, .index = index };
	long rc = hc(t, __HYPERVISOR_hvm_op, HVMOP_get_param, &p, sizeof(p), 0);
	return rc ? ~0ull : ((struct xen_hvm_param *)t->arg)->value;
}

static struct evtchn_status status(struct t *t, evtchn_port_t port)
{
	struct evtchn_status s = { .dom = DOMID_SELF, .port = port };
	if (hc(t, __HYPERVISOR_event_channel_op, EVTCHNOP_status, &s, sizeof(s), 0))
		s.status = ~0u;
	else
		memcpy(&s, t->arg, sizeof(s));
	return s;
}

static bool page_is_zero(uint64_t gfn)
{
	for (unsigned i = 0; i < 512; i++)
		if (gl_read64((gfn << 12) + 8 * i))
			return false;
	return true;
}

/* One page at @gfn given back (@out) or asked for; the extents done. */
static long reserve1(struct t *t, bool out, uint64_t gfn)
{
	uint64_t gva;
	uint64_t *list = gl_alloc(8, &gva);
	*list = gfn;
	struct xen_memory_reservation r = { .extent_start = gva, .nr_extents = 1, .domid = DOMID_SELF };
	return hc(t, __HYPERVISOR_memory_op, out ? XENMEM_decrease_reservation : XENMEM_populate_physmap, &r, sizeof(r),
		  0);
}

/* A DomU's balloon: it may grow back to what it was built with, never beyond (max_pages). */
static void domu_balloon(struct t *t, const void *fdt)
{
	uint64_t base, size, hole = 0x80000; /* a GFN above its 16 MiB */

	if (!gl_ram_bank(fdt, &base, &size))
		return;
	long beyond = reserve1(t, false, hole);
	long out = reserve1(t, true, (base + size) / 4096 - 1);
	long in = reserve1(t, false, hole);
	gl_write64(hole << 12, 0xba11);
	check(t, beyond == 0 && out == 1 && in == 1 && gl_read64(hole << 12) == 0xba11,
	      "no page beyond its memory; one given back can be had elsewhere", beyond);
}

static void domu(struct t *t, const void *fdt)
{
	uint64_t con = param(t, DOMID_SELF, HVM_PARAM_CONSOLE_PFN), store = param(t, DOMID_SELF, HVM_PARAM_STORE_PFN);
	evtchn_port_t con_port = (evtchn_port_t)param(t, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN);
	evtchn_port_t store_port = (evtchn_port_t)param(t, DOMID_SELF, HVM_PARAM_STORE_EVTCHN);
	check(t, con == CONSOLE_GFN, "CONSOLE_PFN is the magic region's first page", (long)con);
	check(t, store == STORE_GFN, "STORE_PFN is the magic region's second page", (long)store);
	struct evtchn_status s = status(t, con_port);
	check(t, con_port && s.status == EVTCHNSTAT_unbound && s.u.unbound.dom == 0,
	      "CONSOLE_EVTCHN is a port unbound for Dom0", con_port);
	s = status(t, store_port);
	check(t, store_port && store_port != con_port && s.status == EVTCHNSTAT_unbound && s.u.unbound.dom == 0,
	      "STORE_EVTCHN is another port unbound for Dom0", store_port);
	check(t, page_is_zero(CONSOLE_GFN) && page_is_zero(STORE_GFN), "both pages are zeroed RAM", 0);

	gl_write64((STORE_GFN << 12) + 8, 0);
	gl_write64(STORE_GFN << 12, HELLO | store_port);
	unsigned n = 0;
	while (gl_read64((STORE_GFN << 12) + 8) != (REPLY | store_port) && ++n < WAIT_MAX)
		yield();
	check(t, n < WAIT_MAX, "Dom0 answered in the xenstore page through its grant mapping", n);
	n = 0;
	while ((s = status(t, store_port)).status != EVTCHNSTAT_interdomain && ++n < WAIT_MAX)
		yield();
	check(t, s.status == EVTCHNSTAT_interdomain && s.u.interdomain.dom == 0, "Dom0 bound the store port", s.status);
	domu_balloon(t, fdt);
}

static struct gnttab_map_grant_ref map(struct t *t, domid_t dom, grant_ref_t ref)
{
	struct gnttab_map_grant_ref m = { .host_addr = t->map_at, .flags = GNTMAP_host_map, .ref = ref, .dom = dom };
	long rc = hc(t, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, &m, sizeof(m), 1);
	memcpy(&m, t->arg, sizeof(m));
	if (rc)
		m.status = (int16_t)rc;
	return m;
}

static int16_t unmap(struct t *t, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = t->map_at, .handle = h };
	long rc = hc(t, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1);
	return rc ? (int16_t)rc : ((struct gnttab_unmap_grant_ref *)t->arg)->status;
}

static long remove_gfn(struct t *t, uint64_t gfn)
{
	struct xen_remove_from_physmap r = { .domid = DOMID_SELF, .gpfn = gfn };
	return hc(t, __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, &r, sizeof(r), 0);
}

/* @n pages of @dom (@idxs) at t->foreign_at on; the call's result, errs[] filled. */
static long map_foreign(struct t *t, domid_t dom, unsigned n)
{
	*t->batch = (struct xen_add_to_physmap_batch){ .domid = DOMID_SELF,
						       .space = XENMAPSPACE_gmfn_foreign,
						       .size = (uint16_t)n,
						       .foreign_domid = dom,
						       .idxs = t->idxs_gva,
						       .gpfns = t->gfns_gva,
						       .errs = t->errs_gva };
	for (unsigned i = 0; i < n; i++)
		t->gfns[i] = (t->foreign_at >> 12) + i;
	return gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, t->batch_gva, 0, 0, 0);
}

/* The DomU's console page and 99 RAM pages by GFN, the console page seen through its grant too. */
static void foreign(struct t *t, domid_t dom)
{
	t->idxs[0] = CONSOLE_GFN;
	for (unsigned i = 1; i < BATCH; i++)
		t->idxs[i] = DOMU_RAM_GFN + i;
	long rc = map_foreign(t, dom, BATCH);
	unsigned ok = 0, removed = 0;
	for (unsigned i = 0; i < BATCH; i++)
		ok += t->errs[i] == 0;
	check(t, rc == 0 && ok == BATCH, "mapped 100 of the DomU's pages by GFN in one batch", ok);
	gl_write64(t->foreign_at + 3000, 0xf0e1ull << 16 | dom);
	struct gnttab_map_grant_ref m = map(t, dom, GNTTAB_RESERVED_CONSOLE);
	check(t, m.status == GNTST_okay && gl_read64(t->map_at + 3000) == (0xf0e1ull << 16 | dom),
	      "the console page by GFN is the one its grant maps", m.status);
	if (m.status == GNTST_okay)
		unmap(t, m.handle);
	for (unsigned i = 0; i < BATCH; i++)
		removed += remove_gfn(t, (t->foreign_at >> 12) + i) == 0;
	check(t, removed == BATCH && remove_gfn(t, t->foreign_at >> 12) == -XEN_ENOENT,
	      "removed every foreign page (then ENOENT)", removed);
	t->idxs[0] = CONSOLE_GFN;
	rc = map_foreign(t, 0x7ff5, 1);
	check(t, rc == 0 && t->errs[0] == -XEN_ESRCH, "a page of no domain: ESRCH in its errs slot", t->errs[0]);
}

static void serve(struct t *t, domid_t dom)
{
	uint64_t store = param(t, dom, HVM_PARAM_STORE_PFN);
	evtchn_port_t port = (evtchn_port_t)param(t, dom, HVM_PARAM_STORE_EVTCHN);
	check(t, store == STORE_GFN && param(t, dom, HVM_PARAM_CONSOLE_PFN) == CONSOLE_GFN,
	      "the DomU's STORE_PFN and CONSOLE_PFN read by Dom0", (long)store);
	struct gnttab_map_grant_ref m = map(t, dom, GNTTAB_RESERVED_CONSOLE);
	check(t, m.status == GNTST_okay && unmap(t, m.handle) == GNTST_okay, "mapped and unmapped the console grant",
	      m.status);
	m = map(t, dom, GNTTAB_RESERVED_XENSTORE);
	check(t, m.status == GNTST_okay, "mapped the xenstore grant", m.status);
	if (m.status != GNTST_okay)
		return;
	unsigned n = 0;
	while (gl_read64(t->map_at) != (HELLO | port) && ++n < WAIT_MAX)
		yield();
	check(t, n < WAIT_MAX, "read the DomU's message in its xenstore page", n);
	check(t, unmap(t, m.handle) == GNTST_okay, "unmapped the xenstore grant", 0);
	/* While the DomU waits for the reply (it goes once it has it). */
	foreign(t, dom);
	m = map(t, dom, GNTTAB_RESERVED_XENSTORE);
	gl_write64(t->map_at + 8, REPLY | port);
	unmap(t, m.handle);
	struct evtchn_bind_interdomain b = { .remote_dom = dom, .remote_port = port };
	long rc = hc(t, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, &b, sizeof(b), 0);
	check(t, rc == 0, "bound the DomU's store port", rc);
}

/* The machine as the toolstack sees it. */
static void physinfo(struct t *t)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo, .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
	uint64_t gva;
	struct xen_sysctl *p = gl_alloc(sizeof(s), &gva);
	*p = s;
	long rc = gl_hypercall(__HYPERVISOR_sysctl, gva, 0, 0, 0, 0);
	check(t, rc == 0 && p->u.physinfo.nr_cpus == 2 && p->u.physinfo.free_pages < p->u.physinfo.total_pages,
	      "physinfo: 2 CPUs, free pages below the total", rc);
}

/* Dom0's balloon: the HOLES pages at the top of its RAM given back (one call, continued), or taken
 * again, where they were (it is 1:1). The extents done. */
static long balloon(struct t *t, bool out)
{
	struct xen_memory_reservation r = { .extent_start = t->holes_gva, .nr_extents = HOLES, .domid = DOMID_SELF };
	return hc(t, __HYPERVISOR_memory_op, out ? XENMEM_decrease_reservation : XENMEM_populate_physmap, &r, sizeof(r),
		  0);
}

static bool dom0_setup(struct t *t, const void *fdt)
{
	uint64_t base, size;

	t->batch = gl_alloc(sizeof(*t->batch), &t->batch_gva);
	t->idxs = gl_alloc(BATCH * 8, &t->idxs_gva);
	t->gfns = gl_alloc(BATCH * 8, &t->gfns_gva);
	t->errs = gl_alloc(BATCH * 4, &t->errs_gva);
	t->holes = gl_alloc(HOLES * 8, &t->holes_gva);
	physinfo(t);
	if (!gl_ram_bank(fdt, &base, &size))
		return false;
	t->map_at = base + size - HOLES * 4096;
	t->foreign_at = t->map_at + 4096;
	for (unsigned i = 0; i < HOLES; i++)
		t->holes[i] = (t->map_at >> 12) + i;
	long rc = balloon(t, true);
	check(t, rc == HOLES, "gave 102 pages of its RAM back (a continued call)", rc);
	return rc == HOLES;
}

/* Dom0 outlives its DomUs: its end would close the ports they still check. */
static void dom0_end(struct t *t, unsigned peers)
{
	unsigned n = 0;
	for (unsigned d = 1; d <= peers; d++)
		while (param(t, (domid_t)d, HVM_PARAM_STORE_PFN) != ~0ull && ++n < WAIT_MAX)
			yield();
	check(t, n < WAIT_MAX, "the DomUs finished before Dom0", n < WAIT_MAX);
	long rc = balloon(t, false);
	uint64_t last = t->map_at + (HOLES - 1) * 4096;
	gl_write64(last, 0xba11);
	check(t, rc == HOLES && gl_read64(last) == 0xba11, "took the 102 pages back where they were", rc);
}

void guest_main(const void *fdt)
{
	struct t t = { 0 };

	t.arg = gl_alloc(64, &t.arg_gva);
	unsigned peers = (unsigned)gl_bootarg_u64(fdt, "pvcheck.peers=", 0);
	if (peers && dom0_setup(&t, fdt)) {
		for (unsigned d = 1; d <= peers; d++)
			serve(&t, (domid_t)d);
		dom0_end(&t, peers);
	} else if (!peers) {
		domu(&t, fdt);
	}
	gl_printf("pvcheck: %s\n", t.failures ? "FAILED" : "all passed");
	gl_shutdown(t.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
