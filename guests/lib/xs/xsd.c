/* xenstored in Dom0: the engine of xsd_core over the domains' store pages. Domains are found with
 * XEN_DOMCTL_getdomaininfo and their HVM params (a domain without STORE_PFN has no store), their
 * rings mapped through their seeded grant ref 1 and their store ports bound; a domain that is gone
 * or dying (VIRQ_DOM_EXC, or found so on the periodic check) is released: its home removed and
 * @releaseDomain fired. One daemon per machine, so its state is a plain static even in the sim. */
#include "lib/evtchn.h"
#include "lib/gnttab.h"
#include "lib/guest.h"
#include "lib/xs/client_int.h"
#include "lib/xs/xsd_ring.h"
#include "lib/xsd.h"
#include "public/domctl.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "public/hvm.h"

#define CHECK_EVERY 256u /* polls between liveness checks when no VIRQ_DOM_EXC came */

static struct xsd d;
static struct {
	bool started, exc;
	unsigned polls;
	struct xsd_conn *dom0;
	struct gnttab_mapping maps[XSD_CONNS];
	void *arg, *domctl;
	uint64_t arg_gva, domctl_gva;
} k;

/* The first domain whose id is @from or above (getdomaininfo's rule, as Xen's): 0 and *@out, or
 * -XEN_ESRCH past the last one. */
static long dominfo(domid_t from, struct xen_domctl_getdomaininfo *out)
{
	struct xen_domctl *op = k.domctl;
	*op = (struct xen_domctl){ .cmd = XEN_DOMCTL_getdomaininfo,
				   .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
				   .domain = from };
	long rc = gl_hypercall(__HYPERVISOR_domctl, k.domctl_gva, 0, 0, 0, 0);
	if (!rc)
		*out = op->u.getdomaininfo;
	return rc;
}

static long param(domid_t dom, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param *p = k.arg;
	*p = (struct xen_hvm_param){ .domid = dom, .index = index };
	long rc = gl_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, k.arg_gva, 0, 0, 0);
	*value = p->value;
	return rc;
}

/* The toolstack's part for a new domain, which Xen's libxl does: its home, owned by it. */
static void make_home(domid_t id)
{
	char home[32];
	struct xs_caller dom0 = { 0, true, NULL, xsd_watch_fire, &d };
	struct xs_perm own = { id, 0 };
	size_t len = xsd_home(id, home);
	if (xs_store_mkdir(&d.store, &dom0, home) || xs_store_set_perms(&d.store, &dom0, home, &own, 1))
		return;
	/* "domid", as libxl writes it: how a guest learns its own id and home. */
	char digits[8];
	size_t n = len - (sizeof("/local/domain/") - 1); /* the id's digits end the home's path */
	__builtin_memcpy(digits, home + len - n, n);
	__builtin_memcpy(home + len, "/domid", 7);
	xs_store_write(&d.store, &dom0, home, digits, n);
}

static int introduce(struct xsd *x, domid_t id, uint64_t gfn, uint32_t port)
{
	(void)x, (void)gfn; /* the ring comes through the grant Xen's toolstack seeds for it */
	if (id == 0 || xsd_conn_of(&d, id))
		return -XEN_EEXIST;
	struct xsd_conn *c = xsd_conn_new(&d, id, false);
	if (!c)
		return -XEN_ENOSPC;
	unsigned slot = (unsigned)(c - d.conns);
	int rc = gnttab_map(id, GNTTAB_RESERVED_XENSTORE, false, &k.maps[slot]);
	evtchn_port_t local = 0;
	if (!rc)
		rc = gl_evtchn_bind_interdomain(id, port, &local);
	if (rc) {
		if (k.maps[slot].gva)
			gnttab_unmap(&k.maps[slot]);
		k.maps[slot].gva = 0;
		xsd_conn_free(&d, c);
		gl_printf("xsd: d%u not introduced: %d\n", id, rc);
		return rc;
	}
	c->ring = k.maps[slot].gva;
	c->port = local;
	make_home(id);
	xsd_watch_fire(&d, "@introduceDomain", false);
	return 0;
}

static int release(struct xsd *x, domid_t id)
{
	(void)x;
	struct xsd_conn *c = xsd_conn_of(&d, id);
	if (!c || id == 0)
		return -XEN_ENOENT;
	unsigned slot = (unsigned)(c - d.conns);
	gl_evtchn_close(c->port);
	if (k.maps[slot].gva)
		gnttab_unmap(&k.maps[slot]);
	k.maps[slot].gva = 0;
	xsd_conn_free(&d, c);
	char home[32];
	struct xs_caller dom0 = { 0, true, NULL, xsd_watch_fire, &d };
	xsd_home(id, home);
	xs_store_rm(&d.store, &dom0, home);
	xsd_watch_fire(&d, "@releaseDomain", false);
	return 0;
}

/* Domains that are gone or dying, as Xen's daemon judges them (getdomaininfo finds another), or
 * newly shut down. */
static unsigned check_domains(void)
{
	unsigned released = 0;
	for (unsigned i = 0; i < XSD_CONNS; i++) {
		struct xsd_conn *c = &d.conns[i];
		struct xen_domctl_getdomaininfo info;
		if (!c->used || c->id == 0)
			continue;
		long rc = dominfo(c->id, &info);
		if (rc == 0 && info.domain == c->id && !(info.flags & XEN_DOMINF_dying)) {
			/* Shut down, not yet destroyed: Xen's daemon fires @releaseDomain then too, so the
			 * toolstack learns it without polling every domain. */
			if ((info.flags & XEN_DOMINF_shutdown) && !c->shutdown) {
				c->shutdown = true;
				xsd_watch_fire(&d, "@releaseDomain", false);
				released++;
			}
			continue;
		}
		if (rc && rc != -XEN_ESRCH)
			continue;
		gl_printf("xsd: d%u is gone: released\n", c->id);
		release(&d, c->id);
		released++;
	}
	return released;
}

static void on_dom_exc(evtchn_port_t port, void *arg)
{
	(void)port, (void)arg;
	k.exc = true;
}

static size_t local_input(const void *bytes, size_t n) { return xsd_conn_input(&d, k.dom0, bytes, n, NULL); }

static size_t local_output(void *buf, size_t max)
{
	size_t n = xsd_conn_peek(k.dom0, buf, max);
	xsd_conn_sent(k.dom0, n);
	return n;
}

/* Dom0's own client waits: the other domains are served meanwhile, and Dom0 sleeps until one of
 * them (or VIRQ_DOM_EXC) sends an event. */
static void local_serve(void)
{
	/* Not while Dom0's own queue holds something (a @releaseDomain the poll just fired). */
	if (!xsd_poll() && !k.dom0->out_len)
		gl_evtchn_wait(1);
}

static const struct xs_local local = { local_input, local_output, local_serve };

int xsd_start(const void *fdt)
{
	if (k.started)
		return -XEN_EEXIST;
	int rc = gl_evtchn_init(fdt);
	if (!rc)
		rc = gnttab_init(fdt);
	if (rc)
		return rc;
	k.arg = gl_alloc(sizeof(struct xen_hvm_param), &k.arg_gva);
	k.domctl = gl_alloc(sizeof(struct xen_domctl), &k.domctl_gva);
	xsd_core_init(&d);
	d.hooks = (struct xsd_hooks){ introduce, release };
	k.dom0 = xsd_conn_new(&d, 0, true);
	xs_client_local(&local);
	evtchn_port_t exc;
	if (gl_evtchn_bind_virq(VIRQ_DOM_EXC, &exc) == 0)
		gl_evtchn_set_handler(exc, on_dom_exc, NULL);
	else
		gl_printf("xsd: VIRQ_DOM_EXC not bound: dead domains found by polling only\n");
	k.started = true;
	struct xen_domctl_getdomaininfo info;
	for (long id = 1; id < DOMID_FIRST_RESERVED && (rc = (int)dominfo((domid_t)id, &info)) == 0;
	     id = info.domain + 1) {
		uint64_t pfn, port;
		if (info.domain >= DOMID_FIRST_RESERVED)
			break;
		if ((info.flags & XEN_DOMINF_dying) || param(info.domain, HVM_PARAM_STORE_PFN, &pfn) ||
		    param(info.domain, HVM_PARAM_STORE_EVTCHN, &port) || !pfn || !port)
			continue;
		rc = introduce(&d, info.domain, pfn, (uint32_t)port);
		gl_printf("xsd: d%u introduced (store gfn %#llx, port %llu): %d\n", info.domain,
			  (unsigned long long)pfn, (unsigned long long)port, rc);
	}
	if (rc && rc != -XEN_ESRCH)
		gl_printf("xsd: getdomaininfo failed (%d): no domains found\n", rc);
	return 0;
}

unsigned xsd_poll(void)
{
	unsigned handled = 0;

	if (!k.started)
		return 0;
	gl_evtchn_poll();
	if (k.exc || ++k.polls % CHECK_EVERY == 0) {
		k.exc = false;
		handled += check_domains();
	}
	for (unsigned i = 0; i < XSD_CONNS; i++) {
		struct xsd_conn *c = &d.conns[i];
		if (!c->used || !c->ring || c->broken)
			continue;
		if (xsd_ring_serve(&d, c, &handled))
			gl_evtchn_notify(c->port);
		if (c->broken)
			gl_printf("xsd: d%u broke its ring (error %u): no longer served\n", c->id,
				  gl_read32(c->ring + XS_IF_ERROR));
	}
	return handled;
}

void xsd_run_loop(bool (*stop)(void))
{
	while (!stop || !stop()) {
		if (!xsd_poll())
			gl_evtchn_wait(1);
	}
}
