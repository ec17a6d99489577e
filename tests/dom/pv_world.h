/* A small machine for the PV plumbing tests (boot-domain channels, memory_op, sysctl): the real
 * frame allocator, heap, p2m, guest copies, grant tables and event channels over tests/gnttab's
 * fake HAL; domains made by hand with PW_PAGES of RAM at PW_RAM_GFN; guest VA == IPA. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/domain.h"

#define PW_RAM_GFN UINT64_C(0x40000)
#define PW_PAGES   16
#define PW_ARG     ((PW_RAM_GFN + PW_PAGES - 1) << 12) /* the last RAM page: hypercall arguments */
#define PW_MAX     8                                   /* domain ids 0..PW_MAX-1 */

/* Frames, RAM and the domain table as new. */
void pw_reset(void);

/* Domain @id (0 is privileged) with one vCPU, shared_info, its RAM, a grant table and ports. */
struct domain *pw_domain(domid_t id);

/* domain_destroy's order for what the world gave it; the domain leaves the table. */
void pw_destroy(struct domain *d);

/* Where guest physical address @ipa of @d is in the host (any mapping of RAM), or NULL. */
void *pw_ptr(struct domain *d, uint64_t ipa);

/* A cmocka setup: a fresh world with domains 0 (the control domain), 1 and 2. The teardown destroys
 * the ones still there, then checks with pw_assert_clean. */
int pw_setup(void **state);
int pw_teardown(void **state);

/* Every domain's frames back, nothing of the heap left and every domain_get put: the leak check a
 * test ends with. */
void pw_assert_clean(void);

/* Calls hypercall @op of @d's vCPU 0 with x0-x2 as given, as the guest would: a continuation
 * (the pc stepped back onto the HVC) is issued again until the call is done. pw_continuations
 * counts them. */
long pw_call(struct domain *d, long (*op)(struct vcpu *v, const uint64_t *a, bool *yield), uint64_t a0, uint64_t a1,
	     uint64_t a2);
extern unsigned pw_continuations;

/* @d's argument page (PW_ARG) in the host. */
void *pw_arg(struct domain *d);
