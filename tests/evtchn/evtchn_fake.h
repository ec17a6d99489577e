/* The world around event channels in their unit tests: a few domains with host-memory shared_info
 * and vcpu_info, a heap that can be made to fail, a recording vgic_inject and a guest buffer window. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evtchn/evtchn_int.h"
#include "public/errno.h"

#define FAKE_DOMS  4 /* ids 0 (control domain), 1, 2, 7 */
#define FAKE_VCPUS 2

extern struct domain fake_dom[FAKE_DOMS];
extern struct vcpu fake_vcpu[FAKE_DOMS][FAKE_VCPUS];
extern struct shared_info *fake_shared[FAKE_DOMS];
extern struct vcpu_info fake_vinfo[FAKE_DOMS]; /* vCPU 1's registered vcpu_info */
extern unsigned fake_injects[FAKE_DOMS][FAKE_VCPUS];
extern long fake_heap_left; /* allocations that succeed; < 0: unlimited */
extern unsigned fake_pauses, fake_unpauses, fake_kicks;
extern unsigned fake_refs; /* domain_get references not yet put */

/* Our guest window: VAs [FAKE_GVA, FAKE_GVA + FAKE_GLEN) readable, the first FAKE_GWLEN writable. */
#define FAKE_GVA   0x10000ull
#define FAKE_GLEN  0x2000ull
#define FAKE_GWLEN 0x1000ull
extern uint8_t fake_guest[FAKE_GLEN];

/* Builds the domains (each with an event-channel table, vCPU 1 without vcpu_info) and resets counters. */
void fake_world(void);
void fake_world_end(void);
/* The same as a cmocka setup and teardown. */
int fake_setup(void **state);
int fake_teardown(void **state);
/* Gives domain @i's vCPU 1 its own vcpu_info (as VCPUOP_register_vcpu_info would). */
void fake_register_vinfo(unsigned i);

/* Bits of domain @i's shared_info. */
bool fake_pending(unsigned i, evtchn_port_t port);
void fake_mask(unsigned i, evtchn_port_t port, bool masked);
/* The vcpu_info of domain @i's vCPU @v. */
struct vcpu_info *fake_vi(unsigned i, unsigned v);
/* Clears the upcall state as a guest's handler does (upcall_pending, then the selector). */
void fake_ack_upcall(unsigned i, unsigned v);
