/* Boot domains as Xen's boot protocol describes them under /chosen: dom0less `xen,domain` nodes
 * with their memory, vCPUs and `multiboot,module` kernel/ramdisk, plus a Dom0 kernel if present. */
#pragma once

#include "dt/dt.h"

#define BOOT_MAX_DOMAINS  8
#define BOOT_NAME_MAX     32
#define BOOT_MAX_RESERVED 8

struct boot_domain {
	char name[BOOT_NAME_MAX];
	bool dom0;        /* a multiboot,kernel directly under /chosen */
	uint64_t mem_kib; /* `memory`, in KiB as Xen's binding (Dom0: 0, dom0_mem= decides) */
	unsigned vcpus;
	struct plat_region kernel;
	struct plat_region ramdisk; /* size 0: none */
	struct plat_region dtb;     /* DomUs: a dom0less partial device tree (passthrough), size 0: none */
	/* Dom0: /chosen/xen,dom0-bootargs, else its kernel module's `bootargs`. DomUs: the kernel
	 * module's, else the domain node's. May be NULL. */
	const char *bootargs;
	/* Scheduling, from Halcyon's optional xen,domain properties: halcyon,sched-weight (1..65535,
	 * default 256), halcyon,sched-cap (percent of a pCPU, 0 = none) and halcyon,vcpu-affinity (a
	 * 64-bit pCPU mask for every vCPU, 0 = any). */
	uint32_t sched_weight;
	uint32_t sched_cap;
	uint64_t vcpu_affinity;
	/* Xen's dom0less `direct-map` (an empty property): the DomU's RAM at IPA == PA, so a device it
	 * drives without an IOMMU DMAs to the right place. Xen asks for xen,static-mem with it; here the
	 * frame allocator gives one contiguous run at build. */
	bool direct_map;
};

struct boot_info {
	struct boot_domain dom[BOOT_MAX_DOMAINS];
	unsigned count;
	/* Every reg region of the enabled /reserved-memory children: RAM the firmware or a device owns
	 * (the DT spec's meaning), never the frame allocator's. Dynamic ones (size, no reg) are ignored. */
	struct plat_region rsv[BOOT_MAX_RESERVED];
	unsigned nrsv;
};

/* Fills @bi from /chosen and /reserved-memory. Returns 0 (also when there is nothing to boot) or a
 * negative Xen errno with @err naming the node. Module and reserved regions are RAM the frame
 * allocator must not hand out. */
int dt_boot_parse(const void *fdt, struct boot_info *bi, struct dt_error *err);
