#include "dom/dom_create.h"

#include "core/console.h"
#include "core/format.h"
#include "dom/dom_build.h"
#include "dom/vcpu.h"
#include "gnttab/gnttab.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "sched/sched.h"
#include "vgic/vgic.h"

/* The flags an arm domain may have: it is always an HVM guest with hardware paging. */
#define CDF_REQUIRED        (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap)
#define CDF_ALLOWED         (CDF_REQUIRED | XEN_DOMCTL_CDF_xs_domain)
#define MAPTRACK_MAX_FRAMES 1024 /* Xen's default gnttab_max_maptrack_frames */

static const struct platform *host_plat;
static spinlock_t rover_lock = SPINLOCK_INIT;
static domid_t rover; /* the id last given: the next search starts after it, as Xen's does */

void dom_create_init(const struct platform *plat, const struct dt_devices *devs)
{
	host_plat = plat;
	rover = 0;
	dom_iomem_init(plat, devs);
}

/* Xen's sanitise_domain_config and arm's arch_sanitise_domain_config, for what Halcyon has. */
static int check(const struct xen_domctl_createdomain *c, unsigned host_gic)
{
	unsigned want_gic = c->arch.gic_version == XEN_DOMCTL_CONFIG_GIC_V2 ? 2 : 3;

	if ((c->flags & CDF_REQUIRED) != CDF_REQUIRED || (c->flags & ~CDF_ALLOWED) || c->iommu_opts)
		return -XEN_EINVAL;
	if (c->max_vcpus == 0 || c->max_vcpus > DOMAIN_MAX_VCPUS)
		return -XEN_EINVAL;
	/* Tables of Halcyon's fixed size: a limit asking for more cannot be honoured. */
	if (c->max_grant_frames == 0 || c->max_grant_frames > GNTTAB_MAX_FRAMES ||
	    c->max_maptrack_frames > MAPTRACK_MAX_FRAMES)
		return -XEN_EINVAL;
	if ((c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask) || (c->grant_opts & XEN_DOMCTL_GRANT_version_mask) != 1)
		return -XEN_EINVAL; /* version 1 tables only */
	if (c->vmtrace_size || c->arch.tee_type != XEN_DOMCTL_CONFIG_TEE_NONE)
		return -XEN_EINVAL;
	if (c->arch.nr_spis > VGIC_MAX_SPIS)
		return -XEN_EINVAL;
	if (c->cpupool_id)
		return -XEN_ENOENT;
	if (c->arch.gic_version > XEN_DOMCTL_CONFIG_GIC_V3)
		return -XEN_EINVAL;
	if (c->arch.gic_version != XEN_DOMCTL_CONFIG_GIC_NATIVE && want_gic != host_gic)
		return -XEN_ENODEV;
	return 0;
}

/* Under rover_lock: the first free id after the last one given, wrapping to 1. */
static int pick_id(domid_t *id)
{
	for (unsigned i = 1; i < DOMAIN_MAX; i++) {
		domid_t c = (domid_t)((rover + i - 1) % (DOMAIN_MAX - 1) + 1);
		if (!domain_by_id(c)) {
			*id = c;
			return 0;
		}
	}
	return -XEN_ENOMEM;
}

int dom_create(domid_t want, struct xen_domctl_createdomain *cfg, struct domain **out)
{
	const struct platform *plat = host_plat;
	struct domain *d;
	char name[DOMAIN_NAME_MAX];
	domid_t id = want;
	int rc;

	if (!plat)
		return -XEN_ENODEV;
	rc = check(cfg, plat->gic.version);
	if (rc)
		return rc;
	bool chosen = want == 0 || want >= DOMID_FIRST_RESERVED;
	if (!chosen && want >= DOMAIN_MAX)
		return -XEN_EINVAL; /* an id Halcyon's VMIDs cannot give */
	spin_lock(&rover_lock);
	rc = chosen ? pick_id(&id) : domain_by_id(want) ? -XEN_EEXIST : 0;
	if (!rc) {
		fmt_snprintf(name, sizeof(name), "d%u", id);
		rc = domain_create(id, name, cfg->max_vcpus, &d);
	}
	if (!rc && chosen)
		rover = id;
	spin_unlock(&rover_lock);
	if (rc)
		return rc;
	/* Paused from birth, with nothing to run: the toolstack fills it, then unpauses it. */
	domain_pause(d);
	d->toolstack = true;
	d->max_pages = 0;
	d->xs_domain = cfg->flags & XEN_DOMCTL_CDF_xs_domain;
	__builtin_memcpy(d->handle, cfg->handle, sizeof(d->handle));
	/* Whole 32-SPI groups, as GICD_TYPER counts them; at least one, as dom0less DomUs get. */
	unsigned spis = (cfg->arch.nr_spis + 31) / 32 * 32;
	rc = dom_gic(d, plat, false, spis ? spis : GUEST_NR_SPIS, NULL);
	if (rc) {
		domain_destroy(d);
		return rc;
	}
	cfg->arch.gic_version = plat->gic.version == 2 ? XEN_DOMCTL_CONFIG_GIC_V2 : XEN_DOMCTL_CONFIG_GIC_V3;
	cfg->arch.clock_frequency = 0;
	con_printf("Domain d%u: created by the toolstack, %u vCPU%s, GICv%u\n", d->id, d->nr_vcpus,
		   d->nr_vcpus > 1 ? "s" : "", plat->gic.version);
	*out = d;
	return 0;
}

void dom_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	uint32_t flags = XEN_DOMINF_blocked, online = 0;
	uint64_t ns = 0;

	__builtin_memset(info, 0, sizeof(*info));
	/* Xen's rule: blocked while every online vCPU is, running while any is on a pCPU. */
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		ns += v->runstate.time[RUNSTATE_running];
		if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_OFFLINE)
			continue;
		online++;
		if (!sched_sleeping(v))
			flags &= ~XEN_DOMINF_blocked;
		if (v->runstate.state == RUNSTATE_running)
			flags |= XEN_DOMINF_running;
	}
	info->domain = d->id;
	info->flags = (online ? flags : 0) | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | (d->dying ? XEN_DOMINF_dying : 0) |
		      (domain_paused(d) ? XEN_DOMINF_paused : 0) | (d->xs_domain ? XEN_DOMINF_xs_domain : 0);
	if (d->state == DOMAIN_SHUTDOWN && !d->dying)
		info->flags |= XEN_DOMINF_shutdown | (d->shutdown_reason & XEN_DOMINF_shutdownmask)
							 << XEN_DOMINF_shutdownshift;
	info->tot_pages = domain_tot_pages(d);
	info->max_pages = d->max_pages;
	info->shared_info_frame = d->shared_gfn;
	info->cpu_time = ns;
	info->nr_online_vcpus = online;
	info->max_vcpu_id = d->nr_vcpus ? d->nr_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
	__builtin_memcpy(info->handle, d->handle, sizeof(info->handle));
	info->gpaddr_bits = (uint8_t)d->p2m.geo.ipa_bits;
	info->arch_config.gic_version = !d->vgic                                   ? XEN_DOMCTL_CONFIG_GIC_NATIVE
					: host_plat && host_plat->gic.version == 2 ? XEN_DOMCTL_CONFIG_GIC_V2
										   : XEN_DOMCTL_CONFIG_GIC_V3;
}

/* Xen's is_guest_pv64_psr: an AArch64 guest starts at EL1 (either stack pointer) or EL0. */
static bool guest_psr(uint64_t psr)
{
	unsigned mode = psr & PSR_MODE_MASK;
	return mode == PSR_MODE_EL1h || mode == PSR_MODE_EL1t || mode == PSR_MODE_EL0t;
}

int dom_set_vcpu_context(struct domain *d, unsigned vcpu, const struct vcpu_guest_context *c)
{
	if (vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	if (c && (!guest_psr(c->user_regs.cpsr) || (c->user_regs.spsr_el1 && !guest_psr(c->user_regs.spsr_el1))))
		return -XEN_EINVAL;
	struct vcpu *v = d->vcpu[vcpu];
	/* A vCPU that was ever started may still be on its way out of a pCPU: its context is not ours. */
	if (!domain_paused(d) || __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_OFFLINE)
		return -XEN_EBUSY;
	const struct vcpu_guest_core_regs *r = c ? &c->user_regs : NULL;
	vcpu_reset(v, r ? r->pc64 : 0, r ? r->x[0] : 0);
	if (!c) {
		__atomic_and_fetch(&d->start_mask, ~(1u << vcpu), __ATOMIC_ACQ_REL);
		return 0;
	}
	struct hal_vcpu_ctx *x = &v->ctx;
	__builtin_memcpy(x->x, r->x, sizeof(x->x));
	x->pstate = r->cpsr;
	x->el1.spsr = r->spsr_el1;
	x->el1.sp_el0 = r->sp_el0;
	x->el1.sp_el1 = r->sp_el1;
	x->el1.elr = r->elr_el1;
	x->el1.sctlr = c->sctlr;
	x->el1.tcr = c->ttbcr;
	x->el1.ttbr0 = c->ttbr0;
	x->el1.ttbr1 = c->ttbr1;
	if (c->flags & VGCF_online)
		__atomic_or_fetch(&d->start_mask, 1u << vcpu, __ATOMIC_ACQ_REL);
	else
		__atomic_and_fetch(&d->start_mask, ~(1u << vcpu), __ATOMIC_ACQ_REL);
	return 0;
}
