/* The pages a domain shares with the hypervisor on arm64 (xen.h, vcpu.h, memory.h): shared_info
 * with the per-vCPU vcpu_info and the event-channel bitmaps, the runstate area, and the ops that
 * place them (memory_op add_to_physmap, vcpu_op). Sizes asserted against Xen's layouts. */
#pragma once

#include "public/xen.h"

#define XEN_LEGACY_MAX_VCPUS 1 /* vcpu_info slots inside shared_info on arm */

struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad1[2];
};

struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint64_t evtchn_pending_sel; /* xen_ulong_t: 64-bit on arm */
	struct vcpu_time_info time;  /* arch_vcpu_info is empty on arm */
};

struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64];
	uint64_t evtchn_mask[64];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
};

_Static_assert(sizeof(struct vcpu_info) == 48, "vcpu_info layout");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_mask) == 560, "shared_info layout");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 1072, "shared_info layout");
_Static_assert(sizeof(struct shared_info) == 1088, "shared_info layout");

/* memory_op: the command is the low bits of x0; the rest carries a continuation. */
#define MEMOP_CMD_MASK        0x3f
#define XENMEM_add_to_physmap 7

#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};

_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap layout");

/* vcpu_op(cmd, vcpuid, arg) */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_register_vcpu_info            10

struct vcpu_register_vcpu_info {
	uint64_t mfn; /* a guest frame number on arm */
	uint32_t offset;
	uint32_t rsvd;
};

#define RUNSTATE_running    0
#define RUNSTATE_runnable   1
#define RUNSTATE_blocked    2
#define RUNSTATE_offline    3
#define XEN_RUNSTATE_UPDATE (1ull << 63)

struct vcpu_runstate_info {
	int32_t state;
	uint64_t state_entry_time;
	uint64_t time[4];
};

_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info layout");
