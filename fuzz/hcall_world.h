/* The hypercall harness's machine: Dom0 and two DomUs on the real mm, grant tables and event
 * channels over a fake HAL, rebuilt for every input (world_build) and torn down after it. */
#pragma once

#include "dom/vcpu.h"
#include "public/errno.h"

/* The harness's own checks, kept out of the engines' coverage and comparison tracing (clang):
 * one function, or every function between BEGIN and END. libFuzzer's tracing honours this;
 * AFL++ 4.04c's instrumentation does not (its edge counters are cheap, its CMPLOG hooks idle
 * outside the CMPLOG stage). */
#ifdef __clang__
#define WORLD_UNTRACED __attribute__((no_sanitize("coverage")))
#define WORLD_UNTRACED_BEGIN                                                                                           \
	_Pragma("clang attribute push(__attribute__((no_sanitize(\"coverage\"))), apply_to = function)")
#define WORLD_UNTRACED_END _Pragma("clang attribute pop")
#else
#define WORLD_UNTRACED
#define WORLD_UNTRACED_BEGIN
#define WORLD_UNTRACED_END
#endif

#define WORLD_RAM_BASE      UINT64_C(0x80000000)
#define WORLD_RAM_SIZE      (UINT64_C(2) << 20) /* teardown walks every frame: kept small */
#define WORLD_DOMS          3                   /* Dom0 (the control domain), d1, d2 */
#define WORLD_VCPUS         2
#define WORLD_PAGES         8                 /* each domain's RAM: pages from WORLD_RAM_GFN */
#define WORLD_RAM_GFN       UINT64_C(0x40000) /* Xen's DomU RAM base */
#define WORLD_TABLE_GFN     UINT64_C(0x38000) /* grant-table frame 0 (Xen's GUEST_GNTTAB_BASE) */
#define WORLD_ARG_IPA       ((WORLD_RAM_GFN + WORLD_PAGES - 1) << 12) /* argument page: the last */
#define DOMID_INVALID_WORLD 0x7ff4u
#define WORLD_HVC_PC        UINT64_C(0x40001000) /* where every call's HVC is */

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

/* Where a store of @w's guest to @ipa lands: the page its p2m maps writable there (its own RAM or a
 * hypervisor frame it was given), NULL if none. Never w->ram[] directly: a page the guest gave
 * up may belong to anyone by now. */
void *world_guest_page(struct world_dom *w, uint64_t ipa);

/* @w's vCPU @vcpu makes hypercall @op with x0-x4 = @x (x16 = @op, PC past its HVC); a continued
 * call (PC put back on the HVC) is made again at once, as the vCPU would. Returns x0. */
long world_hypercall(struct world_dom *w, unsigned vcpu, uint64_t op, const uint64_t x[5]);

/* Around each input (hcall_snap.c): world_begin makes the machine (built, or reset to the snapshot
 * in engine builds) and says whether the input ends with a teardown and leak check, which
 * world_end does: always in the plain build; in engine builds (the rebuild being the harness's
 * cost) for one input in 32, chosen by a hash of the input, so a finding replays with the plain
 * binary, which always tears down. */
bool world_begin(const uint8_t *data, size_t size);
void world_end(bool teardown);

/* Engine builds (WORLD_SNAPSHOT, hcall_snap.c): the built world saved once, and put back after
 * each input by copying only the RAM pages written since, plus the core's globals. */
void world_snapshot(void);
void world_restore(void);
/* For checks that would otherwise copy every page before a step: whether the write protection
 * proves @va's page untouched since the reset (never in the plain build), and what it held at the
 * snapshot (engine builds only). */
bool world_page_clean(const void *va);
const void *world_snapshot_of(const void *va);
