/* Dom0less device passthrough as Xen describes it: a DomU's partial device tree whose /passthrough
 * node holds the guest's view of each device, with xen,path naming the host node and xen,reg its MMIO. */
#pragma once

#include "dt/dt_dev.h"

#define DT_PT_MAX_REGS 8
#define DT_PT_MAX_DEVS 8

/* One xen,reg entry: host MMIO [pa, pa + size) seen by the guest at @ipa. */
struct dt_pt_reg {
	paddr_t pa;
	uint64_t size;
	ipa_t ipa;
};

/* One host device the partial tree claims, and whether its node says Xen's
 * xen,force-assign-without-iommu (the administrator accepts it with no IOMMU confining it). */
struct dt_pt_dev {
	int host_node;
	bool force;
};

struct dt_passthrough {
	const void *fdt; /* the partial tree, checked */
	int node;        /* its /passthrough */
	struct dt_pt_reg reg[DT_PT_MAX_REGS];
	unsigned nreg;
	struct dt_pt_dev dev[DT_PT_MAX_DEVS];
	unsigned ndev;
};

/* Checks the partial tree at @partial (@size bytes), gives every host device a xen,path names to DomU
 * @domid (dt_dev_claim: the host node must carry xen,passthrough) and reads the xen,reg mappings:
 * page-aligned, each inside a region of that node's device. Returns 0 or a negative Xen errno with
 * @err saying where. A tree without /passthrough gives nothing and is not an error. */
int dt_pt_parse(const void *partial, uint64_t size, const void *host, struct dt_devices *devs, unsigned domid,
		struct dt_passthrough *pt, struct dt_error *err);

/* Writes /passthrough and its devices, without the xen,* properties, into the tree being written
 * with libfdt's sequential-write calls at @out. Returns 0 or a libfdt error. */
int dt_pt_write(void *out, const struct dt_passthrough *pt);
