/* Fuzz harness for the trap decoder: random guest exits (ESR_EL2, FAR, HPFAR, PSTATE) into
 * trap_handle on a fake vCPU with emulated MMIO regions; each exit may only be handled, injected
 * into the guest as an exception, or crash the domain, and nothing else in the vCPU may change. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/irq.h"
#include "dom/vcpu.h"
#include "hcall/hcall.h"
#include "sched/sched.h"
#include "traps/esr.h"
#include "traps/mmio.h"
#include "traps/sysreg.h"
#include "traps/trap.h"
#include "vgic/vgic.h"
#include "vpsci/vpsci.h"

#define CHECK(c) ((c) ? (void)0 : abort())

#define VBAR     0x40100000ull
#define GUEST_PC 0x40080000ull

/* Emulated devices: a GICv3-sized distributor, a page, and an 8-byte window for accesses that
 * spill past a region's end. Offsets 0xf0..0xff of every 256 fail, as a device may. */
static const struct {
	uint64_t base, size;
} regions[] = {
	{ 0x08000000, 0x10000 },
	{ 0x03001000, 0x1000 },
	{ 0x09000000, 0x8 },
};
#define NR_REGIONS (sizeof(regions) / sizeof(regions[0]))

static struct domain dom;
static struct vcpu vc;

/* What the last exit reached, for the checks. */
static struct {
	unsigned hcalls, psci, sysregs, shutdowns, device_reads, device_writes, blocks, irqs;
	bool irq_pending, preempt;
	uint64_t regs[NR_REGIONS][32];
} seen;

/* The callees trap.c dispatches to: each records that it was reached, nothing more. */
bool hcall_dispatch(struct vcpu *v)
{
	CHECK(v == &vc);
	seen.hcalls++;
	return true;
}

bool vpsci_call(struct vcpu *v)
{
	CHECK(v == &vc);
	seen.psci++;
	return true;
}

void sysreg_trap(struct vcpu *v, uint64_t esr)
{
	CHECK(v == &vc && esr_ec(esr) == ESR_EC_SYSREG);
	seen.sysregs++;
}

void irq_handle(struct vcpu *running)
{
	CHECK(running == &vc);
	seen.irqs++;
}

bool sched_should_preempt(struct vcpu *v, unsigned pcpu)
{
	CHECK(v == &vc && pcpu == vc.pcpu);
	return seen.preempt;
}

void sched_block(struct vcpu *v)
{
	CHECK(v == &vc);
	seen.blocks++;
	v->sched.wait = SCHED_BLOCKING;
}

int sched_wake(struct vcpu *v)
{
	CHECK(v == &vc);
	v->sched.wait = SCHED_AWAKE;
	return -1;
}

bool vgic_vcpu_pending(struct vcpu *v)
{
	CHECK(v == &vc && v->sched.wait == SCHED_BLOCKING);
	return seen.irq_pending;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	CHECK(d == &dom && reason == SHUTDOWN_crash);
	seen.shutdowns++;
}

/* mmio.h's contract with a device: an access lies inside the region, has a power-of-two size up
 * to 8 and a write's value fits that size. */
static int device(struct vcpu *v, uint64_t offset, unsigned size, bool write, uint64_t *val, void *priv)
{
	unsigned r = (unsigned)(uintptr_t)priv;

	CHECK(v == &vc && r < NR_REGIONS);
	CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	CHECK(offset < regions[r].size && offset + size <= regions[r].size);
	if ((offset & 0xf0) == 0xf0)
		return -1;
	if (write) {
		CHECK(size == 8 || *val >> (size * 8) == 0);
		seen.regs[r][(offset >> 3) & 31] = *val;
		seen.device_writes++;
	} else {
		*val = seen.regs[r][(offset >> 3) & 31] ^ 0x8080808080808080ull;
		seen.device_reads++;
	}
	return 0;
}

/* One exit, 32 bytes of input. */
struct record {
	uint8_t kind;  /* 1:0 reason, 2 HPFAR aimed at a region, 3 EC from the table, 5:4 guest mode,
			  6 a vIRQ pending (WFI), 7 the scheduler wants the pCPU back (IRQ exit) */
	uint8_t param; /* region index (with bit 2), EC table index (with bit 3) */
	uint8_t esr[4];
	uint8_t far[8];
	uint8_t hpfar[8];
	uint8_t xval[8];
	uint8_t pc;    /* small: PC = VBAR + 0x80 * pc when bit 7 (aimed at the vectors), else GUEST_PC + 4 * pc */
	uint8_t esrhi; /* ESR_EL2[39:32] (ISS2 and RES0 bits) */
};

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* PSTATE values a guest can trap from: EL1h, EL1t, EL0t, AArch32 EL0 (User). */
static const uint64_t modes[] = { 0x3c5, 0x3c4, 0x0, 0x10 };
static const unsigned ecs[] = { ESR_EC_UNKNOWN,  ESR_EC_WFX,      ESR_EC_HVC64,    ESR_EC_SMC64,
				ESR_EC_SYSREG,   ESR_EC_IABT_LOW, ESR_EC_IABT_CUR, ESR_EC_DABT_LOW,
				ESR_EC_DABT_CUR, 0x07 /* FP */,   0x15 /* SVC */,  0x2f /* SError */ };

/* An exception delivered to the guest: at one of the four synchronous vectors for its mode, with
 * the return state saved and a syndrome only of the classes the core injects. */
static void check_injected(const struct hal_vcpu_ctx *old, const struct hal_vcpu_ctx *c)
{
	uint64_t off = c->pc - VBAR;
	unsigned ec = esr_ec(c->el1.esr);

	CHECK(off == 0x000 || off == 0x200 || off == 0x400 || off == 0x600);
	CHECK(c->el1.elr == old->pc && c->el1.spsr == old->pstate && c->pstate == PSTATE_EL1H_MASKED);
	CHECK(ec == ESR_EC_UNKNOWN || ec == ESR_EC_DABT_LOW || ec == ESR_EC_DABT_CUR || ec == ESR_EC_IABT_LOW ||
	      ec == ESR_EC_IABT_CUR);
	CHECK(esr_iss(c->el1.esr) == 0 && (c->el1.esr >> 32) == 0);
}

static void run_one(const struct record *r)
{
	struct hal_exit e;
	uint64_t x = le(r->xval, 8);
	unsigned region = r->param % NR_REGIONS;

	e.reason = (enum hal_exit_reason)(r->kind & 3 ? (r->kind & 3) - 1 : 0);
	e.esr = le(r->esr, 4) | (uint64_t)r->esrhi << 32;
	if (r->kind & 8)
		e.esr = (e.esr & ~(0x3full << ESR_EC_SHIFT)) | (uint64_t)ecs[r->param % 12] << ESR_EC_SHIFT;
	e.far = le(r->far, 8);
	e.hpfar = le(r->hpfar, 8);
	if (r->kind & 4) {
		/* Inside (or just past) a region: HPFAR from the region's page, FAR's low bits the offset. */
		uint64_t ipa = regions[region].base + (e.far & 0xffff) % (regions[region].size + 16);
		e.hpfar = (ipa >> 12) << 4;
		e.far = (e.far & ~0xfffull) | (ipa & 0xfff);
	}
	for (unsigned i = 0; i < 31; i++)
		vc.ctx.x[i] = x ^ (0x0101010101010101ull * i);
	vc.ctx.pstate = modes[(r->kind >> 4) & 3];
	vc.ctx.pc = (r->pc & 0x80) ? VBAR + 0x80ull * (r->pc & 0xf) : GUEST_PC + 4ull * r->pc;
	seen.irq_pending = r->kind & 0x40;
	seen.preempt = r->kind & 0x80;
	/* No injection leaves a non-zero ISS: any change of ESR_EL1 from this marks one. */
	vc.ctx.el1.esr = ESR_ISS_MASK;

	struct hal_vcpu_ctx old = vc.ctx;
	unsigned hcalls = seen.hcalls, psci = seen.psci, sysregs = seen.sysregs, shutdowns = seen.shutdowns;
	unsigned reads = seen.device_reads, writes = seen.device_writes, irqs = seen.irqs;
	unsigned ec = esr_ec(e.esr), imm = esr_iss(e.esr) & 0xffff;

	bool again = trap_handle(&vc, &e);

	/* Only the right exits reach each callee. */
	if (seen.hcalls != hcalls)
		CHECK(e.reason == HAL_EXIT_SYNC && ec == ESR_EC_HVC64 && imm == 0xea1 && again);
	if (seen.psci != psci)
		CHECK(e.reason == HAL_EXIT_SYNC && (ec == ESR_EC_HVC64 || ec == ESR_EC_SMC64) && imm == 0);
	if (seen.sysregs != sysregs)
		CHECK(e.reason == HAL_EXIT_SYNC && ec == ESR_EC_SYSREG);
	if (seen.device_reads != reads || seen.device_writes != writes)
		CHECK(e.reason == HAL_EXIT_SYNC && ec == ESR_EC_DABT_LOW &&
		      seen.device_reads + seen.device_writes == reads + writes + 1);
	CHECK(seen.irqs == irqs + (e.reason == HAL_EXIT_IRQ));
	if (e.reason != HAL_EXIT_SYNC) {
		/* Interrupts are taken and the vCPU goes on unless preempted; anything else crashes the
		 * domain. Neither touches the vCPU's registers. */
		CHECK(memcmp(&old, &vc.ctx, sizeof(old)) == 0);
		CHECK(seen.shutdowns == shutdowns + (e.reason != HAL_EXIT_IRQ));
		CHECK(e.reason == HAL_EXIT_IRQ ? again == !seen.preempt : !again);
		return;
	}
	if (seen.shutdowns != shutdowns) {
		/* Only a fault at the very vector it would be sent to; the vCPU is left as it was. */
		CHECK(memcmp(&old, &vc.ctx, sizeof(old)) == 0);
		return;
	}
	bool read = seen.device_reads != reads;
	unsigned rt = (esr_iss(e.esr) >> 16) & 31;
	if (vc.ctx.el1.esr != old.el1.esr) {
		/* A device that failed was not counted; one that completed is not followed by an abort. */
		CHECK(seen.device_reads == reads && seen.device_writes == writes);
		check_injected(&old, &vc.ctx);
	} else {
		uint64_t step = vc.ctx.pc - old.pc;
		CHECK(step == 0 || step == 2 || step == 4);
		CHECK(vc.ctx.pstate == old.pstate && vc.ctx.el1.elr == old.el1.elr && vc.ctx.el1.far == old.el1.far &&
		      vc.ctx.el1.spsr == old.el1.spsr);
		if (read && rt != 31)
			old.x[rt] = vc.ctx.x[rt];
		CHECK(memcmp(old.x, vc.ctx.x, sizeof(old.x)) == 0);
	}
	CHECK(vc.ctx.el1.vbar == VBAR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A fresh vCPU and domain per input: the table of regions as a domain build leaves it. */
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	memset(&seen, 0, sizeof(seen));
	vc.dom = &dom;
	vc.ctx.el1.vbar = VBAR;
	dom.vcpu[0] = &vc;
	dom.nr_vcpus = 1;
	for (unsigned i = 0; i < NR_REGIONS; i++)
		CHECK(mmio_register(&dom, ipa_init(regions[i].base), regions[i].size, device, (void *)(uintptr_t)i) ==
		      0);
	/* Overlaps are refused, and the table stays as it was. */
	CHECK(mmio_register(&dom, ipa_init(regions[0].base + 8), 8, device, NULL) < 0);

	for (size_t off = 0; off + sizeof(struct record) <= size && off < 64 * sizeof(struct record);
	     off += sizeof(struct record)) {
		struct record r;
		memcpy(&r, data + off, sizeof(r));
		run_one(&r);
	}
	return 0;
}
