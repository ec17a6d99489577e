/* DMA isolation: each device's stream IDs translated by its owner's stage 2 through the host's
 * SMMU (same tables, same VMID as the CPUs), detached on destroy, faults reported and counted. */
#pragma once

#include "dom/domain.h"
#include "dt/dt_dev.h"

/* Finds the SMMU hyp/dt kept for the hypervisor (the first "arm,smmu-v3" node of @devs), gives it
 * its memory and brings it up through the HAL. 0 when there is none (attaches then do nothing),
 * else 0 or a negative Xen errno (no SMMU is used then: every later attach fails). */
int iommu_init(const void *fdt, const struct dt_devices *devs);

/* True once an SMMU is up. */
bool iommu_present(void);

/* Every stream ID of every device @d owns (Dom0's, or a DomU's claimed passthrough devices) behind
 * the SMMU now goes through @d's stage 2. 0, or a negative Xen errno with nothing attached:
 * -XEN_EBUSY (a stream is another domain's), -XEN_ENODEV (a DomU's device behind an SMMU that
 * failed to come up: nothing would confine it; Dom0's are left untranslated, as it is 1:1), the
 * HAL's. Stream IDs past the stream table stay aborted (printed). */
int iommu_domain_attach(struct domain *d, const void *fdt, const struct dt_devices *devs);

/* @d's streams aborted again and the SMMU's TLB for its VMID flushed; its pending faults reported
 * first. Before @d's p2m is destroyed. A domain with nothing attached is fine. */
void iommu_domain_detach(struct domain *d);

/* Runtime assignment (XEN_DOMCTL_assign_device with a DT path) of the host device at @path, as
 * iommu_init's tree and device list name it: its streams go through @d's stage 2. -XEN_EINVAL when
 * there is no such device, it is not behind the SMMU (the hypervisor's own, or nothing to confine
 * it) or no SMMU is up; -XEN_EBUSY when Dom0, a live DomU or another assignment has it; the HAL's,
 * with nothing left attached. A dead domain's devices (boot passthrough too) are free again. */
int iommu_dt_assign(struct domain *d, const char *path);
/* Takes it back from @d (left unassigned, as Xen's DT deassign): -XEN_EINVAL as above, -XEN_ESRCH
 * when @d does not have it. */
int iommu_dt_deassign(struct domain *d, const char *path);
/* Who has host device @i of the list iommu_init was given now: a live dom0less claim or a runtime
 * assignment; DOMID_INVALID for no one (Dom0's are DT_OWN_DOM0's, not counted here). */
domid_t iommu_dt_owner(unsigned i);

/* Reports every recorded fault on the console, counting it against the stream's owner. iommu_init
 * keeps the event queue's SPI (irq_own), whose handler calls iommu_irq: the same when @intid is the
 * SMMU's event or error SPI (true). Without that SPI a timer polls every 10 ms while a stream is
 * attached. */
bool iommu_irq(uint32_t intid);
void iommu_poll(void);

/* Faults counted against domain @id since its streams were attached; those of unowned streams
 * under DOMID_INVALID. */
uint64_t iommu_fault_count(domid_t id);

/* Forgets everything (tests). */
void iommu_reset(void);
