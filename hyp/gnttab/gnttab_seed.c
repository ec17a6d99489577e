/* The toolstack's side of a guest's table: entries the hypervisor writes before the guest boots, as
 * Xen's toolstack seeds the console and xenstore grants (so Dom0 maps them with an ordinary
 * map_grant_ref), and the table frames a toolstack may map by GFN to seed them itself. */
#include "gnttab/gnttab_int.h"

#include "hal/mmu.h"
#include "public/errno.h"

long gnttab_seed(struct domain *d, grant_ref_t ref, domid_t to, uint64_t gfn)
{
	struct gnttab *gt = d->gnttab;

	if (!gt || gfn > UINT32_MAX)
		return -XEN_EINVAL;
	spin_lock(&gt->lock);
	long rc = -XEN_EINVAL;
	if (gt->dom == d && ref < gt->nr_frames * GNTTAB_PER_FRAME) {
		uint8_t *page = hal_pa_to_va(gt->frame[ref / GNTTAB_PER_FRAME]);
		struct grant_entry_v1 *e = (struct grant_entry_v1 *)(page + (ref % GNTTAB_PER_FRAME) * sizeof(*e));
		/* The frame before {flags, domid}: a mapper that sees the flags finds the frame set. */
		__atomic_store_n(&e->frame, (uint32_t)gfn, __ATOMIC_RELAXED);
		__atomic_store_n((uint32_t *)e, (uint32_t)to << 16 | GTF_permit_access, __ATOMIC_RELEASE);
		rc = 0;
	}
	spin_unlock(&gt->lock);
	return rc;
}

bool gnttab_is_table_frame(struct domain *d, paddr_t pa)
{
	struct gnttab *gt = d->gnttab;
	bool found = false;

	if (!gt)
		return false;
	spin_lock(&gt->lock);
	for (unsigned i = 0; gt->dom == d && i < gt->nr_frames && !found; i++)
		found = pa_addr(gt->frame[i]) == pa_addr(pa);
	spin_unlock(&gt->lock);
	return found;
}
