/* What the vGIC tests fake around it (MMIO dispatch, vcpu_kick, heap, the HAL's GIC facts) and a
 * small model of the virtual CPU interface: a guest acknowledging and ending from the LRs. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/gic.h"
#include "public/errno.h"
#include "traps/mmio.h"
#include "vgic/vgic_int.h"

#define FAKE_DIST   0x03001000ull
#define FAKE_REDIST 0x03020000ull
#define FAKE_MAX_V  8

extern struct domain fake_dom;
extern struct vcpu fake_vcpu[FAKE_MAX_V];
extern unsigned fake_kicks[FAKE_MAX_V];
extern unsigned fake_lrs, fake_prio_bits;
extern unsigned fake_deact_count;
extern uint32_t fake_deact_last;
extern int fake_mmio_rc; /* what mmio_register returns */

/* A domain of @n vCPUs (MPIDR Aff0 = id) with a vGIC of @version and @spis SPIs; asserts success. */
void fake_domain(unsigned n, unsigned version, unsigned spis);
void fake_teardown(void);

/* A guest access through the registered region covering @ipa: the handler's return. */
int fake_mmio(struct vcpu *v, uint64_t ipa, unsigned size, bool write, uint64_t *val);
uint32_t fake_read32(struct vcpu *v, uint64_t ipa);
void fake_write32(struct vcpu *v, uint64_t ipa, uint32_t val);

/* The guest side, as the hardware virtual interface would behave on ctx.vgic: ack takes the
 * highest-priority pending LR above the running priority (returns its vINTID, or 1023), eoi
 * drops and deactivates it (EOImode 0), setting eisr/HW deactivation as the GIC does. */
uint32_t fake_guest_ack(struct vcpu *v);
void fake_guest_eoi(struct vcpu *v, uint32_t vintid);
/* Whether the maintenance interrupt would be raised by the LR state and ctx.vgic.hcr. */
bool fake_maintenance(const struct vcpu *v);
/* An exit and a re-entry: vgic_sync then vgic_flush. */
void fake_cycle(struct vcpu *v);
/* Checks the LR invariants: each interrupt in at most one LR, every LR valid and known. */
void fake_check_lrs(const struct vcpu *v);
/* Runs @v until its guest has taken and ended everything; returns how many it took, each
 * vINTID counted into @seen[intid] when non-NULL. */
unsigned fake_drain(struct vcpu *v, unsigned *seen);
/* The group 1 enables and an open priority mask, as a guest's GIC driver leaves them. */
void fake_guest_enable(struct vcpu *v);
