/* The hypercall harness's machine: Dom0 and two DomUs on the real mm, grant tables and event
 * channels over a fake HAL, rebuilt for every input (world_build) and torn down after it. */
#pragma once

#include "dom/vcpu.h"
#include "public/errno.h"

#define WORLD_RAM_BASE      UINT64_C(0x80000000)
#define WORLD_RAM_SIZE      (UINT64_C(2) << 20) /* teardown walks every frame: kept small */
#define WORLD_DOMS          3                   /* Dom0 (the control domain), d1, d2 */
#define WORLD_VCPUS         2
#define WORLD_PAGES         8                 /* each domain's RAM: pages from WORLD_RAM_GFN */
#define WORLD_RAM_GFN       UINT64_C(0x40000) /* Xen's DomU RAM base */
#define WORLD_TABLE_GFN     UINT64_C(0x38000) /* grant-table frame 0 (Xen's GUEST_GNTTAB_BASE) */
#define WORLD_ARG_IPA       ((WORLD_RAM_GFN + WORLD_PAGES - 1) << 12) /* argument page: the last */
#define DOMID_INVALID_WORLD 0x7ff4u

struct world_dom {
	struct domain d;
	struct vcpu v[WORLD_VCPUS];
	paddr_t ram[WORLD_PAGES];
};

extern struct world_dom world[WORLD_DOMS];
extern unsigned world_injects, world_kicks, world_shutdowns, world_pauses;

void world_init(void);    /* once: RAM and the frame allocator */
void world_build(void);   /* the three domains, as domain_create leaves them */
void world_destroy(void); /* all of them, in domain_destroy's order */

/* Engine builds (WORLD_SNAPSHOT, hcall_snap.c): the built world saved once, and put back after
 * each input by copying only the RAM pages written since, plus the core's globals. */
void world_snapshot(void);
void world_restore(void);
