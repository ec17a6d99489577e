/* Host device discovery: every device node's MMIO, GIC interrupts and stream IDs, and who owns it
 * (the hypervisor, Dom0, a DomU through dom0less passthrough, or nobody). */
#pragma once

#include "dt/dt.h"

#define DT_DEV_MAX      128
#define DT_DEV_MAX_REGS 6 /* reg entries plus, on a PCI host bridge, its ranges windows */
#define DT_DEV_MAX_IRQS 8
#define DT_DEV_MAX_SIDS 4

enum dt_owner {
	DT_OWN_DOM0,
	DT_OWN_HYP,  /* the console UART, the GIC and its children, the timer, SMMUs */
	DT_OWN_DOMU, /* xen,passthrough claimed by a dom0less DomU's partial tree */
	DT_OWN_NONE, /* disabled, unclaimed xen,passthrough, or not virtualised (PMU) */
};

/* Stream IDs [base, base + count) behind the IOMMU node @iommu (iommus or iommu-map). */
struct dt_sids {
	int iommu;
	uint32_t base, count;
};

struct dt_dev {
	int node; /* offset in the host tree */
	enum dt_owner owner;
	unsigned domu;    /* DT_OWN_DOMU: the claiming domain's ID */
	bool passthrough; /* xen,passthrough: never Dom0's */
	bool reserved;    /* a /reserved-memory child: RAM for a device, assignable as passthrough */
	struct plat_region reg[DT_DEV_MAX_REGS];
	unsigned nreg;
	uint32_t irq[DT_DEV_MAX_IRQS]; /* GIC INTIDs, each once */
	unsigned nirq;
	struct dt_sids sid[DT_DEV_MAX_SIDS];
	unsigned nsid;
};

struct dt_devices {
	struct dt_dev dev[DT_DEV_MAX];
	unsigned count;
};

/* Finds every device of @fdt: a node the CPU can address (reg through every bus's ranges) or one
 * with GIC interrupts (interrupts, interrupts-extended, a PCI bridge's interrupt-map). @plat (from
 * dt_platform_parse) names the console. Returns 0 or a negative Xen errno with @err naming the node. */
int dt_dev_scan(const void *fdt, const struct platform *plat, struct dt_devices *devs, struct dt_error *err);

/* Gives the xen,passthrough host node at @path to DomU @domu. -XEN_ENOENT if no device is there,
 * -XEN_EPERM if the node lacks xen,passthrough, -XEN_EBUSY if another DomU has it. */
int dt_dev_claim(const void *fdt, struct dt_devices *devs, const char *path, unsigned domu, struct dt_error *err);

/* The device at host node @node, or NULL. */
const struct dt_dev *dt_dev_find(const struct dt_devices *devs, int node);

/* True if [@base, @base + @size) touches an MMIO region of a hypervisor-owned device. */
bool dt_dev_hits_hyp(const struct dt_devices *devs, uint64_t base, uint64_t size);

/* True if it touches a region of a device that is not (@owner, @domu)'s: the hypervisor's, another
 * domain's, or an unclaimed passthrough one. A page two owners' devices share is neither's. */
bool dt_dev_hits_other(const struct dt_devices *devs, uint64_t base, uint64_t size, enum dt_owner owner, unsigned domu);
