/* The generic timers a guest sees: its EL1 virtual timer runs in the hardware while the vCPU does
 * and is forwarded by a software timer while it does not; its EL1 physical timer is emulated. */
#pragma once

#include "core/swtimer.h"
#include "dom/domain.h"

#define VTIMER_CTL_ENABLE  (1u << 0)
#define VTIMER_CTL_IMASK   (1u << 1)
#define VTIMER_CTL_ISTATUS (1u << 2)

/* The PPIs a guest's timers raise, as its device tree's /timer node names them (QEMU's and Xen's). */
#define VTIMER_VIRT_PPI 27u
#define VTIMER_PHYS_PPI 30u

struct vtimer {
	struct vcpu *v;
	struct swtimer virt; /* the virtual timer's deadline while its vCPU is off every pCPU */
	struct swtimer phys; /* the emulated physical timer's deadline */
	uint64_t phys_ctl;   /* ENABLE and IMASK as written; ISTATUS is computed */
	uint64_t phys_cval;
};

/* The trapped CNTP_* registers (EC 0x18). */
enum vtimer_reg { VTIMER_CNTP_CTL, VTIMER_CNTP_CVAL, VTIMER_CNTP_TVAL };

/* Gives @v its timers (v->vtimer). 0 or -XEN_ENOMEM. */
int vtimer_vcpu_init(struct vcpu *v);

/* Stops and frees them; once it returns no callback of theirs runs. */
void vtimer_vcpu_destroy(struct vcpu *v);

/* Power-on state, after vcpu_reset cleared the ctx: both timers off, CNTVOFF the domain's. */
void vtimer_vcpu_reset(struct vcpu *v);

/* Around a vCPU's stay on a pCPU: vtimer_restore before its first entry (the hardware timer takes
 * over from the forwarding one), vtimer_save once it left, before anyone else may pick it. */
void vtimer_restore(struct vcpu *v);
void vtimer_save(struct vcpu *v);

/* The virtual timer's physical PPI fired while @v ran: it is masked in @v's saved CNTV_CTL (so the
 * level drops) and the guest gets virtual PPI 27, whose handler reprograms the timer. */
void vtimer_virt_irq(struct vcpu *v);

/* A trapped MRS/MSR of a CNTP_* register by @v (the guest's physical counter is CNTPCT itself). */
uint64_t vtimer_phys_read(struct vcpu *v, enum vtimer_reg r);
void vtimer_phys_write(struct vcpu *v, enum vtimer_reg r, uint64_t val);
