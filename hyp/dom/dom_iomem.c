/* Host device memory the toolstack hands to domains: which machine frames may be given at all,
 * each domain's permitted ranges (Xen's iomem rangeset), and their device mappings in stage 2. */
#include "dom/dom_create.h"
#include "iommu/iommu.h"
#include "public/errno.h"

#define MAP_MAX_FRAMES 64 /* Xen's per-call bound: the toolstack splits longer ranges */

static const struct platform *plat;
static const struct dt_devices *devs;

void dom_iomem_init(const struct platform *p, const struct dt_devices *d)
{
	plat = p;
	devs = d;
}

static bool overlaps(struct plat_region r, uint64_t base, uint64_t end)
{
	return r.size && pa_addr(r.base) < end && base < pa_addr(r.base) + r.size;
}

/* The regions the hypervisor keeps even without a device list: its console and its GIC. */
static bool hits_hyp_regions(uint64_t base, uint64_t end)
{
	const struct plat_region fixed[] = { plat->uart.regs, plat->gic.dist, plat->gic.cpuif, plat->gic.hyp,
					     plat->gic.vcpu };
	for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (overlaps(fixed[i], base, end))
			return true;
	for (unsigned i = 0; i < plat->gic.redist_count && i < PLAT_MAX_GICR_REGIONS; i++)
		if (overlaps(plat->gic.redist[i], base, end))
			return true;
	return false;
}

/* A live DomU's device (dom0less passthrough) is its own; a gone one's may be given again. */
static bool hits_live_domu(uint64_t base, uint64_t end, domid_t to)
{
	for (unsigned i = 0; devs && i < devs->count; i++) {
		const struct dt_dev *dev = &devs->dev[i];
		domid_t given = iommu_dt_owner(i); /* assign_device's, after boot */
		if (given != DOMID_INVALID
			? given == to
			: dev->owner != DT_OWN_DOMU || dev->domu == to || !domain_by_id((domid_t)dev->domu))
			continue;
		for (unsigned j = 0; j < dev->nreg; j++)
			if (overlaps(dev->reg[j], base, end))
				return true;
	}
	return false;
}

/* Frames [first, last] (checked not to wrap) that no one's RAM and no hypervisor device touch. */
static bool assignable(uint64_t first, uint64_t last, domid_t to)
{
	if (!plat || last >= UINT64_MAX >> PAGE_SHIFT)
		return false;
	uint64_t base = first << PAGE_SHIFT, end = (last + 1) << PAGE_SHIFT;
	for (unsigned i = 0; i < plat->mem_count && i < PLAT_MAX_MEM_BANKS; i++)
		if (overlaps(plat->mem[i], base, end))
			return false;
	if (hits_hyp_regions(base, end) || (devs && dt_dev_hits_hyp(devs, base, end - base)))
		return false;
	return !hits_live_domu(base, end, to);
}

/* @d's own permission, whatever the frames are: the control domain has them all. */
static bool allowed(const struct domain *d, uint64_t first, uint64_t last)
{
	if (d->privileged)
		return true;
	for (unsigned i = 0; i < d->nr_iomem; i++)
		if (d->iomem[i].first <= first && last <= d->iomem[i].last)
			return true;
	return false;
}

bool dom_iomem_permitted(const struct domain *d, uint64_t first, uint64_t last)
{
	return first <= last && assignable(first, last, d->id) && allowed(d, first, last);
}

/* Takes [first, last] out of @d's ranges; a range cut in two needs a free slot. */
static int deny(struct domain *d, uint64_t first, uint64_t last)
{
	for (unsigned i = 0; i < d->nr_iomem; i++) {
		uint64_t f = d->iomem[i].first, l = d->iomem[i].last;
		if (last < f || l < first)
			continue;
		if (f < first && last < l) {
			if (d->nr_iomem == DOMAIN_IOMEM_MAX)
				return -XEN_ENOMEM;
			d->iomem[d->nr_iomem].first = last + 1;
			d->iomem[d->nr_iomem++].last = l;
			d->iomem[i].last = first - 1;
		} else if (f < first) {
			d->iomem[i].last = first - 1;
		} else if (last < l) {
			d->iomem[i].first = last + 1;
		} else {
			d->iomem[i--] = d->iomem[--d->nr_iomem];
		}
	}
	return 0;
}

int dom_iomem_permit(const struct domain *caller, struct domain *d, uint64_t first, uint64_t last, bool allow)
{
	if (last < first)
		return -XEN_EINVAL;
	/* The caller hands on (or takes back) only what it may have itself, and @d may be given. */
	if (!allowed(caller, first, last) || !assignable(first, last, d->id))
		return -XEN_EPERM;
	if (!allow)
		return deny(d, first, last);
	/* Overlapping or adjacent ranges merge into the new one; each merge may reach another. */
	for (unsigned i = 0; i < d->nr_iomem;) {
		if (d->iomem[i].last + 1 < first || last + 1 < d->iomem[i].first) {
			i++;
			continue;
		}
		first = first < d->iomem[i].first ? first : d->iomem[i].first;
		last = last > d->iomem[i].last ? last : d->iomem[i].last;
		d->iomem[i] = d->iomem[--d->nr_iomem];
		i = 0;
	}
	if (d->nr_iomem == DOMAIN_IOMEM_MAX)
		return -XEN_ENOMEM;
	d->iomem[d->nr_iomem].first = first;
	d->iomem[d->nr_iomem++].last = last;
	return 0;
}

int dom_iomem_map(const struct domain *caller, struct domain *d, uint64_t gfn, uint64_t mfn, uint64_t nr, bool add)
{
	const struct hal_s2_geometry *g = &d->p2m.geo;

	if (nr == 0 || mfn + nr - 1 < mfn || gfn + nr - 1 < gfn || (mfn + nr - 1) >> (g->pa_bits - PAGE_SHIFT) ||
	    (gfn + nr - 1) >> (g->ipa_bits - PAGE_SHIFT))
		return -XEN_EINVAL;
	if (nr > MAP_MAX_FRAMES)
		return -XEN_E2BIG;
	if (!allowed(caller, mfn, mfn + nr - 1) || !dom_iomem_permitted(d, mfn, mfn + nr - 1))
		return -XEN_EPERM;
	/* Device memory goes only where nothing else is mapped: never over RAM, a grant or a foreign
	 * frame, whose references their own unmapping must find. Removal takes only these frames. */
	for (uint64_t i = 0; i < nr; i++) {
		paddr_t pa;
		enum p2m_type t = p2m_lookup(&d->p2m, ipa_init((gfn + i) << PAGE_SHIFT), &pa, NULL);
		if (add && t != P2M_INVALID && t != P2M_MMIO)
			return -XEN_EBUSY;
		if (!add && t != P2M_INVALID && (t != P2M_MMIO || pa_pfn(pa) != mfn + i))
			return -XEN_EINVAL;
	}
	if (add)
		return p2m_map(&d->p2m, ipa_init(gfn << PAGE_SHIFT), pa_init(mfn << PAGE_SHIFT), nr << PAGE_SHIFT,
			       P2M_MMIO);
	return p2m_unmap(&d->p2m, ipa_init(gfn << PAGE_SHIFT), nr << PAGE_SHIFT);
}
