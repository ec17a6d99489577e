/* Runtime device assignment (XEN_DOMCTL_assign_device by DT path): a host device behind the SMMU
 * whose owner is gone is given to a domain the toolstack built, as Xen's iommu_assign_dt_device. */
#include "iommu_int.h"

#include <libfdt.h>

#include "public/errno.h"

/* The device at host path @path that the SMMU confines, or NULL (Xen's "not protected"). */
static const struct dt_dev *protected_dev(const char *path, unsigned *idx)
{
	if (!iommu_st.present || !iommu_st.fdt || !iommu_st.devs)
		return NULL;
	int node = fdt_path_offset(iommu_st.fdt, path);
	for (unsigned i = 0; node >= 0 && i < iommu_st.devs->count; i++) {
		const struct dt_dev *dev = &iommu_st.devs->dev[i];
		if (dev->node != node || dev->owner == DT_OWN_HYP)
			continue;
		for (unsigned j = 0; j < dev->nsid; j++)
			if (dev->sid[j].iommu == iommu_st.node && dev->sid[j].base < HAL_SMMU_MAX_SIDS) {
				*idx = i;
				return dev;
			}
	}
	return NULL;
}

/* Every stream of @dev that @d holds back to abort, and its TLB entries gone; under the lock. */
static void release_dev(struct domain *d, const struct dt_dev *dev)
{
	for (unsigned j = 0; j < dev->nsid; j++) {
		const struct dt_sids *r = &dev->sid[j];
		for (uint32_t sid = r->base;
		     r->iommu == iommu_st.node && sid - r->base < r->count && sid < HAL_SMMU_MAX_SIDS; sid++) {
			if (iommu_st.owner[sid] != d->id)
				continue;
			hal_smmu_detach(sid);
			iommu_st.owner[sid] = NO_OWNER;
			iommu_st.live--;
		}
	}
	hal_smmu_flush_vmid(d->p2m.vmid);
}

/* Free: no one's stream (a live dom0less DomU holds its device's from boot) and not Dom0'iommu_st. */
static bool dev_free(const struct dt_dev *dev, unsigned idx)
{
	if (dev->owner == DT_OWN_DOM0 || iommu_st.assigned[idx] != NO_OWNER)
		return false;
	for (unsigned j = 0; j < dev->nsid; j++) {
		const struct dt_sids *r = &dev->sid[j];
		for (uint32_t sid = r->base;
		     r->iommu == iommu_st.node && sid - r->base < r->count && sid < HAL_SMMU_MAX_SIDS; sid++)
			if (iommu_st.owner[sid] != NO_OWNER)
				return false;
	}
	return true;
}

int iommu_dt_assign(struct domain *d, const char *path)
{
	unsigned idx, n = 0;
	int rc = 0;

	spin_lock(&iommu_lock);
	const struct dt_dev *dev = protected_dev(path, &idx);
	if (!dev)
		rc = -XEN_EINVAL;
	else if (!dev_free(dev, idx))
		rc = -XEN_EBUSY; /* nothing attached: the streams @d may hold already stay */
	bool attaching = !rc;
	for (unsigned j = 0; !rc && j < dev->nsid; j++)
		if (dev->sid[j].iommu == iommu_st.node)
			rc = iommu_attach_range(d, path, &dev->sid[j], &n);
	if (rc && attaching)
		release_dev(d, dev); /* every stream was free: those @d holds now are this call's */
	if (!rc)
		iommu_st.assigned[idx] = d->id;
	spin_unlock(&iommu_lock);
	if (!rc)
		iommu_arm_poll(n);
	if (!rc)
		con_printf("d%u: %s assigned: %u SMMU stream(s) through its stage 2 (VMID %u)\n", d->id, path, n,
			   d->p2m.vmid);
	return rc;
}

int iommu_dt_deassign(struct domain *d, const char *path)
{
	unsigned idx;
	int rc = 0;

	spin_lock(&iommu_lock);
	const struct dt_dev *dev = protected_dev(path, &idx);
	if (!dev)
		rc = -XEN_EINVAL;
	else if (iommu_st.assigned[idx] != d->id)
		rc = -XEN_ESRCH;
	if (!rc) {
		release_dev(d, dev);
		iommu_st.assigned[idx] = NO_OWNER;
	}
	spin_unlock(&iommu_lock);
	return rc;
}

domid_t iommu_dt_owner(unsigned i)
{
	return iommu_st.devs && i < iommu_st.devs->count ? iommu_st.assigned[i] : NO_OWNER;
}
