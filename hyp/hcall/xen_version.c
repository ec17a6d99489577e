/* xen_version: Halcyon presents itself as the Xen 4.17 ABI it implements, with its own name in
 * the extra version, and the feature bits an arm64 guest of Xen 4.17 would see. */
#include "core/version.h"
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"
#include "public/version.h"

#define ABI_MAJOR 4
#define ABI_MINOR 17

/* Copies a string into a fixed-size guest field, NUL-padded as Xen's are. */
static long put_string(struct vcpu *v, uint64_t gva, const char *s, size_t field)
{
	char buf[64];
	size_t n = 0, done = 0;

	while (done < field) {
		size_t chunk = field - done < sizeof(buf) ? field - done : sizeof(buf);
		for (size_t i = 0; i < chunk; i++)
			buf[i] = s[n] ? s[n++] : '\0';
		if (copy_to_guest(&v->ctx, &v->dom->p2m, gva + done, buf, chunk))
			return -XEN_EFAULT;
		done += chunk;
	}
	return 0;
}

static uint32_t features(const struct domain *d)
{
	/* XENMEMF_vnode is accepted, and means nothing without virtual NUMA nodes (Xen ignores it then). */
	uint32_t f = 1u << XENFEAT_writable_page_tables | 1u << XENFEAT_auto_translated_physmap |
		     1u << XENFEAT_memory_op_vnode_supported | 1u << XENFEAT_ARM_SMCCC_supported;

	if (d->privileged)
		f |= 1u << XENFEAT_dom0;
	f |= domain_direct_mapped(d) ? 1u << XENFEAT_direct_mapped : 1u << XENFEAT_not_direct_mapped;
	return f;
}

static long get_features(struct vcpu *v, uint64_t gva)
{
	struct xen_feature_info fi;

	if (copy_from_guest(&v->ctx, &v->dom->p2m, &fi, gva, sizeof(fi)))
		return -XEN_EFAULT;
	if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
		return -XEN_EINVAL;
	fi.submap = features(v->dom);
	return copy_to_guest(&v->ctx, &v->dom->p2m, gva, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
}

/* Xen's checks in Xen's order: a NULL buffer asks for the size, a non-NULL one must have room. The
 * images are linked without a build ID note (the toolchain's --build-id=none), and Xen without one
 * answers ENODATA. */
static long build_id(struct vcpu *v, uint64_t gva)
{
	uint32_t len;

	if (!v->dom->privileged)
		return -XEN_EPERM;
	if (gva && copy_from_guest(&v->ctx, &v->dom->p2m, &len, gva, sizeof(len)))
		return -XEN_EFAULT;
	if (gva && len == 0)
		return -XEN_EINVAL;
	return -XEN_ENODATA;
}

/* Everything but the version itself: kept out of line so the null hypercall (XENVER_version,
 * what guests and benchmarks call most) needs no stack frame. */
static __attribute__((noinline)) long other(struct vcpu *v, const uint64_t *a)
{
	switch (a[0]) {
	case XENVER_extraversion: return put_string(v, a[1], "-halcyon-" HALCYON_VERSION, XEN_EXTRAVERSION_LEN);
	case XENVER_compile_info: {
		struct xen_compile_info ci = { "gcc", "halcyon", "", "" };
		return copy_to_guest(&v->ctx, &v->dom->p2m, a[1], &ci, sizeof(ci)) ? -XEN_EFAULT : 0;
	}
	case XENVER_capabilities: return put_string(v, a[1], "xen-3.0-aarch64 ", XEN_CAPABILITIES_INFO_LEN);
	case XENVER_changeset: return put_string(v, a[1], "halcyon " HALCYON_VERSION, XEN_CHANGESET_INFO_LEN);
	case XENVER_platform_parameters: {
		/* No hypervisor hole in an arm64 guest's address space. Xen 4.17 reports its own EL2 link
		 * address (0x200000), which no public arm header names and no guest can use. */
		struct xen_platform_parameters pp = { 0 };
		return copy_to_guest(&v->ctx, &v->dom->p2m, a[1], &pp, sizeof(pp)) ? -XEN_EFAULT : 0;
	}
	case XENVER_get_features: return get_features(v, a[1]);
	case XENVER_pagesize: return 4096;
	case XENVER_guest_handle: {
		uint8_t handle[16] = { 0 };
		return copy_to_guest(&v->ctx, &v->dom->p2m, a[1], handle, sizeof(handle)) ? -XEN_EFAULT : 0;
	}
	case XENVER_commandline:
		if (!v->dom->privileged)
			return -XEN_EPERM;
		return put_string(v, a[1], hcall_commandline(), XEN_COMMANDLINE_LEN);
	case XENVER_build_id: return build_id(v, a[1]);
	default: return -XEN_ENOSYS;
	}
}

long hcall_xen_version(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)yield;
	if (a[0] == XENVER_version)
		return ABI_MAJOR << 16 | ABI_MINOR;
	return other(v, a);
}
