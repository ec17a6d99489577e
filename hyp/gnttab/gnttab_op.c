/* grant_table_op: cmd in x0, a guest array of count structures in x1, count in x2. Batches are
 * done in order with a status per element, continued every CHUNK ops; only a fault on the array
 * itself fails the call. */
#include "gnttab/gnttab_int.h"

#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

#define FIELD_AT(type, field) offsetof(type, field)

/* Ops of one batch done before the call is continued. */
#define CHUNK 128

/* Xen's continuation: the vCPU executes the HVC again for what is left (x0 = cmd, x1 = the rest of
 * the array, x2 = its count), so a long batch never holds the pCPU for more than CHUNK ops and
 * interrupts are taken in between; the guest sees one call. */
static long again(struct vcpu *v, uint32_t cmd, uint64_t uop, uint32_t left)
{
	v->ctx.x[1] = uop;
	v->ctx.x[2] = left;
	v->ctx.pc -= 4;
	return cmd;
}

/* Xen's rcu_lock_domain_by_any_id for these ops: DOMID_SELF is the caller. Locked, or NULL. */
static struct gnttab *lock_any(struct vcpu *v, domid_t id)
{
	return gnttab_lock_live(id == DOMID_SELF ? v->dom->id : id, 0);
}

/* XSM's default "target" rule: a domain itself, or the control domain. */
static bool may_inspect(const struct vcpu *v, const struct gnttab *gt)
{
	return gt->dom == v->dom || v->dom->privileged;
}

static long setup_table(struct vcpu *v, uint64_t uop, uint32_t count)
{
	struct gnttab_setup_table op;
	uint64_t gfns[GNTTAB_MAX_FRAMES];

	if (count != 1)
		return -XEN_EINVAL;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
		return -XEN_EFAULT;
	struct gnttab *gt = lock_any(v, op.dom);
	if (!gt) {
		op.status = GNTST_bad_domain;
	} else if (!may_inspect(v, gt)) {
		op.status = GNTST_permission_denied;
		gnttab_unlock(gt);
	} else {
		op.status = (int16_t)gnttab_frames(gt, op.nr_frames, gfns);
		gnttab_unlock(gt);
		/* Arm guests map the frames with add_to_physmap; unmapped ones read as INVALID_GFN. */
		for (uint32_t i = 0; op.status == GNTST_okay && i < op.nr_frames; i++)
			if (copy_to_guest(&v->ctx, &v->dom->p2m, op.frame_list + i * sizeof(uint64_t), &gfns[i],
					  sizeof(gfns[i])))
				op.status = GNTST_bad_virt_addr;
	}
	if (copy_to_guest(&v->ctx, &v->dom->p2m, uop + FIELD_AT(struct gnttab_setup_table, status), &op.status,
			  sizeof(op.status)))
		return -XEN_EFAULT;
	return 0;
}

static long query_size(struct vcpu *v, uint64_t uop, uint32_t count)
{
	struct gnttab_query_size op;

	if (count != 1)
		return -XEN_EINVAL;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
		return -XEN_EFAULT;
	struct gnttab *gt = lock_any(v, op.dom);
	if (!gt) {
		op.status = GNTST_bad_domain;
	} else {
		if (may_inspect(v, gt)) {
			op.nr_frames = gt->nr_frames;
			op.max_nr_frames = GNTTAB_MAX_FRAMES;
			op.status = GNTST_okay;
		} else {
			op.status = GNTST_permission_denied;
		}
		gnttab_unlock(gt);
	}
	return copy_to_guest(&v->ctx, &v->dom->p2m, uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

static long get_version(struct vcpu *v, uint64_t uop)
{
	struct gnttab_get_version op;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
		return -XEN_EFAULT;
	struct gnttab *gt = lock_any(v, op.dom);
	if (!gt)
		return -XEN_ESRCH;
	bool ok = may_inspect(v, gt);
	gnttab_unlock(gt);
	if (!ok)
		return -XEN_EPERM;
	op.version = 1;
	return copy_to_guest(&v->ctx, &v->dom->p2m, uop + FIELD_AT(struct gnttab_get_version, version), &op.version,
			     sizeof(op.version))
		   ? -XEN_EFAULT
		   : 0;
}

/* Xen on arm supports version 1 only: asking for 2 is "not implemented", anything else invalid;
 * the current version is written back either way. */
static long set_version(struct vcpu *v, uint64_t uop)
{
	struct gnttab_set_version op;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
		return -XEN_EFAULT;
	long rc = op.version == 1 ? 0 : op.version == 2 ? -XEN_ENOSYS : -XEN_EINVAL;
	op.version = 1;
	return copy_to_guest(&v->ctx, &v->dom->p2m, uop, &op, sizeof(op)) ? -XEN_EFAULT : rc;
}

static long map_batch(struct vcpu *v, uint64_t uop, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++, uop += sizeof(struct gnttab_map_grant_ref)) {
		struct gnttab_map_grant_ref op;
		if (i == CHUNK)
			return again(v, GNTTABOP_map_grant_ref, uop, count - i);
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
			return -XEN_EFAULT;
		op.status = gnttab_map_one(v->dom, &op);
		if (copy_to_guest(&v->ctx, &v->dom->p2m, uop, &op, sizeof(op)))
			return -XEN_EFAULT;
	}
	return 0;
}

static long unmap_batch(struct vcpu *v, uint64_t uop, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++, uop += sizeof(struct gnttab_unmap_grant_ref)) {
		struct gnttab_unmap_grant_ref op;
		if (i == CHUNK)
			return again(v, GNTTABOP_unmap_grant_ref, uop, count - i);
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
			return -XEN_EFAULT;
		op.status = gnttab_unmap_one(v->dom, op.host_addr, op.handle, 0);
		if (copy_to_guest(&v->ctx, &v->dom->p2m, uop + FIELD_AT(struct gnttab_unmap_grant_ref, status),
				  &op.status, sizeof(op.status)))
			return -XEN_EFAULT;
	}
	return 0;
}

static long replace_batch(struct vcpu *v, uint64_t uop, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++, uop += sizeof(struct gnttab_unmap_and_replace)) {
		struct gnttab_unmap_and_replace op;
		if (i == CHUNK)
			return again(v, GNTTABOP_unmap_and_replace, uop, count - i);
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
			return -XEN_EFAULT;
		op.status = gnttab_unmap_one(v->dom, op.host_addr, op.handle, op.new_addr);
		if (copy_to_guest(&v->ctx, &v->dom->p2m, uop + FIELD_AT(struct gnttab_unmap_and_replace, status),
				  &op.status, sizeof(op.status)))
			return -XEN_EFAULT;
	}
	return 0;
}

static long swap_batch(struct vcpu *v, uint64_t uop, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++, uop += sizeof(struct gnttab_swap_grant_ref)) {
		struct gnttab_swap_grant_ref op;
		if (i == CHUNK)
			return again(v, GNTTABOP_swap_grant_ref, uop, count - i);
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
			return -XEN_EFAULT;
		struct gnttab *gt = gnttab_lock_live(v->dom->id, 0);
		op.status = gt ? gnttab_swap(gt, op.ref_a, op.ref_b) : GNTST_bad_domain;
		if (gt)
			gnttab_unlock(gt);
		if (copy_to_guest(&v->ctx, &v->dom->p2m, uop + FIELD_AT(struct gnttab_swap_grant_ref, status),
				  &op.status, sizeof(op.status)))
			return -XEN_EFAULT;
	}
	return 0;
}

/* A v1 table has no status frames: asking for none is fine, for any is an error (Xen, measured). */
static long get_status_frames(struct vcpu *v, uint64_t uop, uint32_t count)
{
	struct gnttab_get_status_frames op;

	if (count != 1)
		return -XEN_EINVAL;
	if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
		return -XEN_EFAULT;
	struct gnttab *gt = lock_any(v, op.dom);
	if (!gt) {
		op.status = GNTST_bad_domain;
	} else {
		op.status = !may_inspect(v, gt) ? GNTST_permission_denied
			    : op.nr_frames      ? GNTST_general_error
						: GNTST_okay;
		gnttab_unlock(gt);
	}
	return copy_to_guest(&v->ctx, &v->dom->p2m, uop + FIELD_AT(struct gnttab_get_status_frames, status), &op.status,
			     sizeof(op.status))
		   ? -XEN_EFAULT
		   : 0;
}

static long copy_batch(struct vcpu *v, uint64_t uop, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++, uop += sizeof(struct gnttab_copy)) {
		struct gnttab_copy op;
		if (i == CHUNK)
			return again(v, GNTTABOP_copy, uop, count - i);
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &op, uop, sizeof(op)))
			return -XEN_EFAULT;
		op.status = gnttab_copy_one(v->dom, &op);
		if (copy_to_guest(&v->ctx, &v->dom->p2m, uop + FIELD_AT(struct gnttab_copy, status), &op.status,
				  sizeof(op.status)))
			return -XEN_EFAULT;
	}
	return 0;
}

long hcall_grant_table_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	uint32_t cmd = (uint32_t)a[0], count = (uint32_t)a[2];
	uint64_t uop = a[1];

	(void)yield;
	if ((int32_t)count < 0)
		return -XEN_EINVAL;
	/* Continuation state above the command is only for cache_flush (which Xen alone sets). */
	if ((cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush && (cmd & ~GNTTABOP_CMD_MASK))
		return -XEN_EINVAL;
	if (!v->dom->gnttab)
		return -XEN_ENOSYS;
	switch (cmd & GNTTABOP_CMD_MASK) {
	case GNTTABOP_map_grant_ref: return map_batch(v, uop, count);
	case GNTTABOP_unmap_grant_ref: return unmap_batch(v, uop, count);
	case GNTTABOP_setup_table: return setup_table(v, uop, count);
	case GNTTABOP_copy: return copy_batch(v, uop, count);
	case GNTTABOP_query_size: return query_size(v, uop, count);
	case GNTTABOP_set_version: return set_version(v, uop);
	case GNTTABOP_get_version: return get_version(v, uop);
	case GNTTABOP_unmap_and_replace: return replace_batch(v, uop, count);
	case GNTTABOP_swap_grant_ref: return swap_batch(v, uop, count);
	case GNTTABOP_get_status_frames: return get_status_frames(v, uop, count);
	case GNTTABOP_transfer: return -XEN_ENOTSUP; /* PV only: Xen on arm answers so */
	default: return -XEN_ENOSYS;                 /* dump_table, and cache_flush (not yet) */
	}
}
