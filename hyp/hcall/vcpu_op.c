/* vcpu_op as Xen offers it on arm: placing a vCPU's vcpu_info and runstate area. Bringing vCPUs
 * up and down (and asking about it) is PSCI's job there, so every other command is -EINVAL. */
#include "dom/runstate.h"
#include "hal/mmu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

static long register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t gva)
{
	struct vcpu_register_vcpu_info r;
	paddr_t pa;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &r, gva, sizeof(r)))
		return -XEN_EFAULT;
	if (t->vcpu_info_registered)
		return -XEN_EINVAL;
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (r.offset & 7))
		return -XEN_ENXIO; /* Xen's answer for a slot that does not fit */
	if (r.mfn >> (t->dom->p2m.geo.ipa_bits - PAGE_SHIFT) ||
	    p2m_lookup(&t->dom->p2m, ipa_init(r.mfn << PAGE_SHIFT), &pa, NULL) != P2M_RAM_RW ||
	    frame_owner(pa) != t->dom->id || frame_get(pa))
		return -XEN_EINVAL;
	pa = pa_add(pa, r.offset);
	/* The guest sees no gap: what the old slot held moves with it. */
	struct vcpu_info *old = pa_addr(t->vcpu_info) ? hal_pa_to_va(t->vcpu_info) : NULL;
	struct vcpu_info *new = hal_pa_to_va(pa);
	if (old)
		*new = *old;
	else
		__builtin_memset(new, 0, sizeof(*new));
	t->vcpu_info = pa;
	t->vcpu_info_registered = true;
	return 0;
}

long hcall_vcpu_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)yield;
	if (a[1] >= v->dom->nr_vcpus)
		return -XEN_ENOENT;
	struct vcpu *t = v->dom->vcpu[a[1]];

	switch (a[0]) {
	case VCPUOP_register_vcpu_info: return register_vcpu_info(v, t, a[2]);
	case VCPUOP_register_runstate_memory_area: {
		/* struct vcpu_register_runstate_memory_area: the area's guest VA, behind a pointer. */
		uint64_t area;
		if (copy_from_guest(&v->ctx, &v->dom->p2m, &area, a[2], sizeof(area)))
			return -XEN_EFAULT;
		return runstate_register(v, t, area);
	}
	default: return -XEN_EINVAL;
	}
}
