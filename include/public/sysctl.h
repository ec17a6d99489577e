/* sysctl (hypercall 35) as Xen 4.17 defines it (sysctl.h): the control domain's questions about the
 * whole machine. Halcyon answers XEN_SYSCTL_physinfo. */
#pragma once

#include <stdint.h>

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015u
#define XEN_SYSCTL_physinfo          3

#define XEN_SYSCTL_PHYSCAP_hvm       (1u << 0)
#define XEN_SYSCTL_PHYSCAP_directio  (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap       (1u << 3)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 (1u << 8)

struct xen_sysctl_physinfo {
	uint32_t threads_per_core;
	uint32_t cores_per_socket;
	uint32_t nr_cpus;
	uint32_t max_cpu_id;
	uint32_t nr_nodes;
	uint32_t max_node_id;
	uint32_t cpu_khz;
	uint32_t capabilities;
	uint32_t arch_capabilities;
	uint32_t pad;
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t scrub_pages;
	uint64_t outstanding_pages;
	uint64_t max_mfn;
	uint32_t hw_cap[8];
};
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "xen_sysctl_physinfo layout");

struct xen_sysctl {
	uint32_t cmd;
	uint32_t interface_version;
	union {
		struct xen_sysctl_physinfo physinfo;
		uint8_t pad[128];
	} u;
};
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl layout");
