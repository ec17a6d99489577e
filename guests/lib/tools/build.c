/* Building a domain as libxl and libxc do on arm: create it paused, give it RAM and its magic
 * pages, seed its grant entries, wire its console and xenstore ports, load its kernel and tree
 * (load.c), set vCPU 0's registers, hand it its devices, unpause it. */
#include "guests/lib/tools/dt.h"
#include "guests/lib/tools/int.h"

#include "lib/guest.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "sim/program.h"

#include <string.h>

#define RAM_MAX_MIB        3072u /* GUEST_RAM0 only */
#define SUPERPAGE_ORDER    9u    /* 2 MiB extents where they fit, as libxc asks first */
#define MAX_EVTCHN_PORT    1023u
#define GNTTAB_SCRATCH_GFN (TOOLS_DT_GNTTAB_BASE >> TOOLS_PAGE_SHIFT)

static int create(struct tools_state *s, const struct gl_dom_cfg *cfg, domid_t *dom, unsigned *gic)
{
	static const uint8_t to_cfg[] = {
		[0] = XEN_DOMCTL_CONFIG_GIC_NATIVE, [2] = XEN_DOMCTL_CONFIG_GIC_V2, [3] = XEN_DOMCTL_CONFIG_GIC_V3
	};
	struct xen_domctl *d = tools_domctl_init(s, XEN_DOMCTL_createdomain, 0);
	struct xen_domctl_createdomain *c = &d->u.createdomain;

	c->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap; /* what every arm guest is */
	c->max_vcpus = cfg->vcpus;
	c->max_evtchn_port = MAX_EVTCHN_PORT;
	c->max_grant_frames = -1;
	c->max_maptrack_frames = -1;
	c->grant_opts = 1; /* grant tables v1, as on arm */
	c->arch.gic_version = to_cfg[cfg->gic_version];
	c->arch.nr_spis = 32;
	long rc = tools_domctl(s);
	if (rc)
		return (int)rc;
	*dom = d->domain;
	*gic = d->u.createdomain.arch.gic_version == XEN_DOMCTL_CONFIG_GIC_V2 ? 2 : 3;
	return 0;
}

/* @pages pages from @gfn: 2 MiB extents while they fit and the hypervisor has them, then single
 * pages, libxc's order of preference. */
static int populate(struct tools_state *s, domid_t dom, uint64_t gfn, uint64_t pages)
{
	const uint64_t big = 1ull << SUPERPAGE_ORDER;
	uint64_t gfns[TOOLS_BATCH];
	bool superpages = true;

	while (pages) {
		unsigned order = superpages && pages >= big && !(gfn & (big - 1)) ? SUPERPAGE_ORDER : 0, n = 0;
		for (; n < TOOLS_BATCH && ((uint64_t)(n + 1) << order) <= pages; n++)
			gfns[n] = gfn + ((uint64_t)n << order);
		long done = tools_reservation(s, XENMEM_populate_physmap, dom, gfns, n, order);
		if (done < 0)
			return (int)done;
		gfn += (uint64_t)done << order;
		pages -= (uint64_t)done << order;
		if ((unsigned)done < n) {
			if (!order)
				return -XEN_ENOMEM;
			superpages = false;
		}
	}
	return 0;
}

/* Grant entries 0 (console) and 1 (xenstore) let Dom0 map those pages with an ordinary grant map,
 * as xc_dom_gnttab_seed does: the domain's grant frame 0 goes into its p2m at a scratch GFN for as
 * long as Dom0 writes it through a foreign map. */
static int seed_grants(struct tools_state *s, domid_t dom)
{
	const uint64_t gfn[2] = { GL_TOOLS_CONSOLE_GFN, GL_TOOLS_XENSTORE_GFN };
	uint64_t va;
	int rc = tools_add_to_physmap(s, dom, XENMAPSPACE_grant_table, 0, GNTTAB_SCRATCH_GFN);

	if (rc)
		return rc;
	rc = gl_tools_map_foreign(dom, GNTTAB_SCRATCH_GFN, &va);
	if (!rc) {
		/* Each entry in one store: the flags word makes it valid together with its frame. */
		for (unsigned ref = 0; ref < 2; ref++)
			gl_write64(va + ref * sizeof(struct grant_entry_v1),
				   GTF_permit_access | (uint64_t)0 << 16 | gfn[ref] << 32);
		rc = gl_tools_unmap_foreign(va);
	}
	int rm = tools_remove_from_physmap(s, dom, GNTTAB_SCRATCH_GFN);
	return rc ?: rm;
}

/* The console and xenstore pages, their unbound ports for Dom0, and the HVM params that tell the
 * domain (and the xenstore daemon) where they are; CALLBACK_IRQ names the upcall PPI. */
static int wire_pv(struct tools_state *s, domid_t dom)
{
	uint64_t v[5] = { HVM_PARAM_CALLBACK_TYPE_PPI << 56 | HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL << 8 |
			      TOOLS_DT_EVTCHN_INTID,
			  GL_TOOLS_CONSOLE_GFN, 0, GL_TOOLS_XENSTORE_GFN, 0 };
	static const uint32_t index[5] = { HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN,
					   HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN };
	evtchn_port_t port = 0;
	int rc = populate(s, dom, GL_TOOLS_MAGIC_GFN, 2);

	rc = rc ?: seed_grants(s, dom);
	for (unsigned i = 2; i <= 4 && !rc; i += 2) {
		rc = tools_alloc_unbound(s, dom, 0, &port);
		v[i] = port;
	}
	for (unsigned i = 0; i < 5 && !rc; i++)
		rc = tools_hvm_param(s, true, dom, index[i], &v[i]);
	return rc;
}

/* Xen's memory_mapping maps at most 64 frames a call (-E2BIG beyond), so larger ranges go in
 * pieces, as libxc's xc_domain_memory_mapping sends them. */
#define IOMEM_BATCH 64u

static int map_iomem(struct tools_state *s, domid_t dom, uint64_t gfn, uint64_t mfn, uint64_t pages)
{
	int rc = 0;

	for (uint64_t done = 0; done < pages && !rc; done += IOMEM_BATCH) {
		struct xen_domctl *d = tools_domctl_init(s, XEN_DOMCTL_memory_mapping, dom);
		d->u.memory_mapping.first_gfn = gfn + done;
		d->u.memory_mapping.first_mfn = mfn + done;
		d->u.memory_mapping.nr_mfns = pages - done < IOMEM_BATCH ? pages - done : IOMEM_BATCH;
		d->u.memory_mapping.add_mapping = DPCI_ADD_MAPPING;
		rc = (int)tools_domctl(s);
	}
	return rc;
}

static int give_iomem(struct tools_state *s, const struct gl_dom_cfg *cfg, domid_t dom)
{
	int rc = 0;

	for (unsigned i = 0; i < cfg->nr_iomem && !rc; i++) {
		const struct gl_dom_iomem *m = &cfg->iomem[i];
		struct xen_domctl *d = tools_domctl_init(s, XEN_DOMCTL_iomem_permission, dom);
		d->u.iomem_permission.first_mfn = m->base >> TOOLS_PAGE_SHIFT;
		d->u.iomem_permission.nr_mfns = m->pages;
		d->u.iomem_permission.allow_access = 1;
		rc = (int)tools_domctl(s);
		if (!rc)
			rc = map_iomem(s, dom, m->gfn, m->base >> TOOLS_PAGE_SHIFT, m->pages);
	}
	return rc;
}

/* Each path copied into the argument area, where the hypervisor reads @size bytes of it. */
static int give_dtdevs(struct tools_state *s, const struct gl_dom_cfg *cfg, domid_t dom)
{
	int rc = 0;

	for (unsigned i = 0; i < cfg->nr_dtdev && !rc; i++) {
		size_t n = 0;
		while (cfg->dtdev[i][n])
			n++;
		struct xen_domctl *d = tools_domctl_init(s, XEN_DOMCTL_assign_device, dom);
		memcpy(s->a.path, cfg->dtdev[i], n + 1);
		d->u.assign_device.dev = XEN_DOMCTL_DEV_DT;
		d->u.assign_device.u.dt.size = (uint32_t)n;
		d->u.assign_device.u.dt.path = tools_gva(s, s->a.path);
		rc = (int)tools_domctl(s);
	}
	return rc;
}

static bool cfg_ok(const struct gl_dom_cfg *cfg)
{
	if (!cfg->vcpus || cfg->vcpus > TOOLS_DT_MAX_VCPUS || !cfg->mem_mib || cfg->mem_mib > RAM_MAX_MIB)
		return false;
	if (cfg->gic_version != 0 && cfg->gic_version != 2 && cfg->gic_version != 3)
		return false;
	if (cfg->nr_iomem > GL_TOOLS_MAX_IOMEM || cfg->nr_dtdev > GL_TOOLS_MAX_DTDEV)
		return false;
	for (unsigned i = 0; i < cfg->nr_dtdev; i++)
		if (!cfg->dtdev[i] || cfg->dtdev[i][0] != '/' || !memchr(cfg->dtdev[i], 0, GL_TOOLS_DTDEV_PATH))
			return false;
	if (cfg->program ? !cfg->program[0] || !memchr(cfg->program, 0, SIM_IMAGE_NAME_MAX + 1)
			 : !cfg->image || !cfg->image_size)
		return false;
	for (unsigned i = 0; i < cfg->nr_iomem; i++)
		if (!cfg->iomem[i].pages || (cfg->iomem[i].base & (TOOLS_PAGE_SIZE - 1)))
			return false;
	return true;
}

int gl_tools_create(const struct gl_dom_cfg *cfg, domid_t *out)
{
	struct tools_state *s = tools_get();
	const char *name = cfg && cfg->name ? cfg->name : "domain";
	uint64_t dtb = 0, entry = 0;
	unsigned gic = 0;
	domid_t dom = DOMID_INVALID;

	if (!s || !cfg || !cfg_ok(cfg))
		return -XEN_EINVAL;
	int rc = create(s, cfg, &dom, &gic);
	if (rc) {
		gl_printf("tools: %s: createdomain: %d\n", name, rc);
		return rc;
	}
	struct xen_domctl *d = tools_domctl_init(s, XEN_DOMCTL_max_mem, dom);
	/* The magic pages are the domain's too: RAM + a MiB, as libxl's slack. */
	d->u.max_mem.max_memkb = ((uint64_t)cfg->mem_mib + 1) * 1024;
	const char *step = "max_mem";
	rc = (int)tools_domctl(s);
	if (!rc && (step = "populate_physmap"))
		rc = populate(s, dom, GL_TOOLS_RAM_BASE >> TOOLS_PAGE_SHIFT, (uint64_t)cfg->mem_mib << 8);
	if (!rc && (step = "console and xenstore"))
		rc = wire_pv(s, dom);
	if (!rc && (step = "kernel and tree"))
		rc = tools_load(s, cfg, dom, gic, &dtb, &entry);
	if (!rc && (step = "setvcpucontext"))
		rc = tools_start_regs(s, dom, entry, dtb);
	if (!rc && (step = "iomem"))
		rc = give_iomem(s, cfg, dom);
	if (!rc && (step = "assign_device"))
		rc = give_dtdevs(s, cfg, dom);
	if (!rc && !cfg->paused && (step = "unpause"))
		rc = gl_tools_unpause(dom);
	if (rc) {
		gl_printf("tools: %s (d%u): %s: %d\n", name, dom, step, rc);
		gl_tools_destroy(dom);
		return rc;
	}
	*out = dom;
	return 0;
}
