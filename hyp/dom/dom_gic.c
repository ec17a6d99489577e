/* A domain's vGIC, shared by the boot-time builder and the toolstack's createdomain. */
#include "dom/dom_build.h"
#include "dom/dom_create.h"
#include "public/errno.h"
#include "vgic/vgic.h"

int dom_gic(struct domain *d, const struct platform *plat, bool dom0, unsigned nr_spis, struct dt_guest *g)
{
	struct vgic_config cfg = { .version = plat->gic.version };
	uint64_t redist_size = (uint64_t)d->nr_vcpus * 0x20000;

	cfg.nr_spis = nr_spis;
	cfg.dist = ipa_init(dom0 ? pa_addr(plat->gic.dist.base) : GUEST_GICD_BASE);
	if (cfg.version == 3) {
		if (dom0 && (!plat->gic.redist_count || plat->gic.redist[0].size < redist_size))
			return -XEN_EINVAL; /* more vCPUs than the host has redistributors for */
		cfg.redist = ipa_init(dom0 ? pa_addr(plat->gic.redist[0].base) : GUEST_GICR_BASE);
	} else {
		cfg.cpuif = ipa_init(dom0 ? pa_addr(plat->gic.cpuif.base) : GUEST_GICC_BASE);
	}
	int rc = vgic_domain_init(d, &cfg);
	if (!rc && cfg.version == 2)
		rc = p2m_map(&d->p2m, cfg.cpuif, plat->gic.vcpu.base, GUEST_GICC_SIZE, P2M_MMIO);
	if (rc || !g)
		return rc;
	g->gic.version = cfg.version;
	g->gic.dist = (struct dt_guest_bank){ cfg.dist, cfg.version == 3 ? 0x10000 : 0x1000 };
	g->gic.redist = (struct dt_guest_bank){ cfg.redist, redist_size };
	g->gic.cpuif = (struct dt_guest_bank){ cfg.cpuif, GUEST_GICC_SIZE };
	return 0;
}
