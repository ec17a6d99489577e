/* Domains the toolstack builds at run time (XEN_DOMCTL_createdomain and friends): created paused
 * and empty on Xen's DomU memory map, given registers, memory limits and device ranges, reported. */
#pragma once

#include "dom/domain.h"
#include "dt/dt_dev.h"
#include "dt/dt_guest.h"
#include "hal/platform.h"
#include "public/domctl.h"

/* The host the created domains' GICs and device ranges come from (boot calls it once; tests at
 * each start over: the domid search starts from 1 again).
 * @devs may be NULL: then no host range is assignable. */
void dom_create_init(const struct platform *plat, const struct dt_devices *devs);

/* The domain's vGIC, of the host's version (the only one the hardware interface can back): Dom0's
 * where the host's is (1:1, as its RAM), a DomU's at Xen's guest addresses. On GICv2 the host's
 * GICV frame becomes the guest's GICC. @g (may be NULL) gets the GIC for the guest's tree. */
int dom_gic(struct domain *d, const struct platform *plat, bool dom0, unsigned nr_spis, struct dt_guest *g);

/* XEN_DOMCTL_createdomain: checks @cfg as Xen does, creates the domain with id @want (0 or >=
 * DOMID_FIRST_RESERVED: the next free id after the last one given), paused, with its vCPUs
 * offline, vGIC, vtimers, event channels and grant table, no memory (max_pages 0). Writes the
 * version the vGIC got back into @cfg->arch. 0 and *@out, or -XEN_EINVAL (a flag, count or option
 * Halcyon does not have), -XEN_ENODEV (a GIC version the host cannot back), -XEN_ENOENT (a
 * cpupool), -XEN_EEXIST (@want is live), -XEN_ENOMEM. */
int dom_create(domid_t want, struct xen_domctl_createdomain *cfg, struct domain **out);

/* XEN_DOMCTL_getdomaininfo's view of @d. */
void dom_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

/* XEN_DOMCTL_setvcpucontext: vCPU @vcpu of the paused @d starts (at its last unpause, with
 * VGCF_online) with @c's registers; NULL @c puts it back offline at its reset state. -XEN_EINVAL for
 * a vCPU it does not have or an AArch32/EL2/EL3 mode, -XEN_EBUSY if it already runs or @d is not
 * paused. */
int dom_set_vcpu_context(struct domain *d, unsigned vcpu, const struct vcpu_guest_context *c);

/* XEN_DOMCTL_iomem_permission by @caller: lets @d have (@allow) or not machine frames [@first,
 * @last], which the caller must have itself and which must be assignable to @d: no RAM (whoever owns
 * it, the hypervisor included), no device the hypervisor keeps, none a live DomU other than @d was
 * given. 0, -XEN_EINVAL (@last < @first), -XEN_EPERM, -XEN_ENOMEM (@d's DOMAIN_IOMEM_MAX ranges are
 * all used, or a range would be cut in two). */
int dom_iomem_permit(const struct domain *caller, struct domain *d, uint64_t first, uint64_t last, bool allow);

/* Whether @d may have frames [@first, @last] mapped: the control domain every assignable one. */
bool dom_iomem_permitted(const struct domain *d, uint64_t first, uint64_t last);

/* XEN_DOMCTL_memory_mapping by @caller: maps (@add) @nr machine frames from @mfn at @gfn of @d as
 * device memory, or removes such a mapping of exactly those frames; both domains must be permitted
 * the frames. 0, -XEN_EINVAL (a range that wraps or exceeds the address sizes; on removal, a page
 * that maps something else), -XEN_E2BIG (more than 64 frames: the toolstack splits), -XEN_EPERM,
 * -XEN_EBUSY (the guest range holds RAM, a grant or a foreign mapping), -XEN_ENOMEM. */
int dom_iomem_map(const struct domain *caller, struct domain *d, uint64_t gfn, uint64_t mfn, uint64_t nr, bool add);

/* Internal: dom_create_init's host for the assignability checks. */
void dom_iomem_init(const struct platform *plat, const struct dt_devices *devs);
