/* The toolstack's interface (Xen 4.17's domctl.h, interface version 0x15, arm64 layouts): the
 * domctl header and the per-command structures of the operations Halcyon serves. */
#pragma once

#include <stdint.h>

#include "public/xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015u

#define XEN_DOMCTL_createdomain     1
#define XEN_DOMCTL_destroydomain    2
#define XEN_DOMCTL_pausedomain      3
#define XEN_DOMCTL_unpausedomain    4
#define XEN_DOMCTL_getdomaininfo    5
#define XEN_DOMCTL_max_mem          11
#define XEN_DOMCTL_setvcpucontext   12
#define XEN_DOMCTL_iomem_permission 20
#define XEN_DOMCTL_memory_mapping   39
#define XEN_DOMCTL_assign_device    37
#define XEN_DOMCTL_deassign_device  47

/* xen_arch_domainconfig (arm): the vGIC's version (IN/OUT), TEE, SPIs, timer frequency (OUT). */
#define XEN_DOMCTL_CONFIG_GIC_NATIVE 0
#define XEN_DOMCTL_CONFIG_GIC_V2     1
#define XEN_DOMCTL_CONFIG_GIC_V3     2
#define XEN_DOMCTL_CONFIG_TEE_NONE   0

struct xen_arch_domainconfig {
	uint8_t gic_version;
	uint8_t pad;
	uint16_t tee_type;
	uint32_t nr_spis;
	uint32_t clock_frequency;
};

/* XEN_DOMCTL_createdomain; xen_domctl.domain is IN/OUT: 0 or >= DOMID_FIRST_RESERVED asks the
 * hypervisor to choose. */
#define XEN_DOMCTL_CDF_hvm            (1u << 0)
#define XEN_DOMCTL_CDF_hap            (1u << 1)
#define XEN_DOMCTL_CDF_s3_integrity   (1u << 2)
#define XEN_DOMCTL_CDF_oos_off        (1u << 3)
#define XEN_DOMCTL_CDF_xs_domain      (1u << 4)
#define XEN_DOMCTL_CDF_iommu          (1u << 5)
#define XEN_DOMCTL_CDF_nested_virt    (1u << 6)
#define XEN_DOMCTL_CDF_vpmu           (1u << 7)
#define XEN_DOMCTL_GRANT_version_mask 0xfu

struct xen_domctl_createdomain {
	uint32_t ssidref;
	uint8_t handle[16];
	uint32_t flags;
	uint32_t iommu_opts;
	uint32_t max_vcpus;
	uint32_t max_evtchn_port;
	int32_t max_grant_frames; /* < 0: the hypervisor's default */
	int32_t max_maptrack_frames;
	uint32_t grant_opts; /* low 4 bits: the highest grant-table version allowed */
	uint32_t vmtrace_size;
	uint32_t cpupool_id;
	struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo (all OUT) */
#define XEN_DOMINF_dying         (1u << 0)
#define XEN_DOMINF_hvm_guest     (1u << 1)
#define XEN_DOMINF_shutdown      (1u << 2)
#define XEN_DOMINF_paused        (1u << 3)
#define XEN_DOMINF_blocked       (1u << 4)
#define XEN_DOMINF_running       (1u << 5)
#define XEN_DOMINF_debugged      (1u << 6)
#define XEN_DOMINF_xs_domain     (1u << 7)
#define XEN_DOMINF_hap           (1u << 8)
#define XEN_DOMINF_shutdownmask  255u
#define XEN_DOMINF_shutdownshift 16
#define XEN_INVALID_MAX_VCPU_ID  (~0u)

struct xen_domctl_getdomaininfo {
	domid_t domain;
	uint16_t pad1;
	uint32_t flags;
	uint64_t tot_pages;
	uint64_t max_pages;
	uint64_t outstanding_pages;
	uint64_t shr_pages;
	uint64_t paged_pages;
	uint64_t shared_info_frame;
	uint64_t cpu_time;
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id;
	uint32_t ssidref;
	uint8_t handle[16];
	uint32_t cpupool;
	uint8_t gpaddr_bits;
	uint8_t pad2[7];
	struct xen_arch_domainconfig arch_config;
};

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
	uint64_t max_memkb;
};

/* XEN_DOMCTL_setvcpucontext: @ctxt is the guest address of a vcpu_guest_context (0: reset). */
struct xen_domctl_vcpucontext {
	uint32_t vcpu;
	uint32_t pad;
	uint64_t ctxt;
};

/* XEN_DOMCTL_iomem_permission: machine frames [first_mfn, first_mfn + nr_mfns). */
struct xen_domctl_iomem_permission {
	uint64_t first_mfn;
	uint64_t nr_mfns;
	uint8_t allow_access;
	uint8_t pad[7];
};

/* XEN_DOMCTL_memory_mapping: nr_mfns machine frames from first_mfn at guest frame first_gfn. */
#define DPCI_ADD_MAPPING    1
#define DPCI_REMOVE_MAPPING 0

struct xen_domctl_memory_mapping {
	uint64_t first_gfn;
	uint64_t first_mfn;
	uint64_t nr_mfns;
	uint32_t add_mapping;
	uint32_t padding;
};

/* XEN_DOMCTL_assign_device / deassign_device: a host device tree node by its path (@size bytes at
 * guest address @path, no terminating NUL needed); PCI devices are not supported on arm here. */
#define XEN_DOMCTL_DEV_PCI 0
#define XEN_DOMCTL_DEV_DT  1

struct xen_domctl_assign_device {
	uint32_t dev; /* XEN_DOMCTL_DEV_* */
	uint32_t flags;
	union {
		struct {
			uint32_t machine_sbdf;
		} pci;
		struct {
			uint32_t size;
			uint32_t pad;
			uint64_t path;
		} dt;
	} u;
};

/* arm64 vcpu_guest_context: the registers a vCPU starts with (AArch64 names of Xen's unions). */
#define VGCF_online (1u << 0)

#define PSR_MODE_BIT  0x10u /* AArch32 */
#define PSR_MODE_MASK 0x1fu
#define PSR_MODE_EL0t 0x00u
#define PSR_MODE_EL1t 0x04u
#define PSR_MODE_EL1h 0x05u

struct vcpu_guest_core_regs {
	uint64_t x[31];
	uint64_t pc64; /* ELR_EL2 */
	uint64_t cpsr; /* SPSR_EL2 */
	uint64_t spsr_el1;
	uint32_t spsr_fiq, spsr_irq, spsr_und, spsr_abt; /* AArch32 guests only */
	uint64_t sp_el0;
	uint64_t sp_el1, elr_el1;
};

struct vcpu_guest_context {
	uint32_t flags; /* VGCF_* */
	uint32_t pad;
	struct vcpu_guest_core_regs user_regs;
	uint64_t sctlr;
	uint64_t ttbcr, ttbr0, ttbr1;
};

struct xen_domctl {
	uint32_t cmd;
	uint32_t interface_version;
	domid_t domain;
	uint16_t pad[3];
	union {
		struct xen_domctl_createdomain createdomain;
		struct xen_domctl_getdomaininfo getdomaininfo;
		struct xen_domctl_max_mem max_mem;
		struct xen_domctl_vcpucontext vcpucontext;
		struct xen_domctl_iomem_permission iomem_permission;
		struct xen_domctl_memory_mapping memory_mapping;
		struct xen_domctl_assign_device assign_device;
		uint8_t pad[128];
	} u;
};

/* The layouts Xen 4.17's arm64 build has. */
_Static_assert(sizeof(struct xen_arch_domainconfig) == 12, "xen_arch_domainconfig layout");
_Static_assert(sizeof(struct xen_domctl_createdomain) == 68, "createdomain layout");
_Static_assert(__builtin_offsetof(struct xen_domctl_createdomain, arch) == 56, "createdomain.arch");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 120, "getdomaininfo layout");
_Static_assert(__builtin_offsetof(struct xen_domctl_getdomaininfo, nr_online_vcpus) == 64, "getdomaininfo vcpus");
_Static_assert(__builtin_offsetof(struct xen_domctl_getdomaininfo, arch_config) == 104, "getdomaininfo.arch");
_Static_assert(sizeof(struct vcpu_guest_core_regs) == 312, "vcpu_guest_core_regs layout");
_Static_assert(__builtin_offsetof(struct vcpu_guest_core_regs, pc64) == 248, "core_regs.pc64");
_Static_assert(__builtin_offsetof(struct vcpu_guest_core_regs, sp_el1) == 296, "core_regs.sp_el1");
_Static_assert(sizeof(struct vcpu_guest_context) == 352, "vcpu_guest_context layout");
_Static_assert(__builtin_offsetof(struct vcpu_guest_context, sctlr) == 320, "vcpu_guest_context.sctlr");
_Static_assert(sizeof(struct xen_domctl_iomem_permission) == 24, "iomem_permission layout");
_Static_assert(sizeof(struct xen_domctl_memory_mapping) == 32, "memory_mapping layout");
_Static_assert(sizeof(struct xen_domctl_assign_device) == 24, "assign_device layout");
_Static_assert(__builtin_offsetof(struct xen_domctl_assign_device, u.dt.path) == 16, "assign_device.u.dt.path");
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl layout");
_Static_assert(__builtin_offsetof(struct xen_domctl, u) == 16, "xen_domctl.u");
