/* Exceptions inside the guest: faults routed to the guest's EL1 as hardware routes them, and the
 * guest library's vectors run when a resumed vCPU's pc lands in them, up to their ERET. */
#include <string.h>

#include "program.h"
#include "vcpu.h"

#define PSTATE_M_MASK      0xfull
#define PSTATE_M_EL0T      0x0ull
#define PSTATE_M_EL1T      0x4ull
#define PSTATE_EL1H_MASKED 0x3c5ull /* what exception entry leaves: EL1h, DAIF masked */

#define VEC_SYNC          0x000u
#define VEC_IRQ           0x080u
#define VEC_FIQ           0x100u
#define VEC_CUR_SP0       0x000u
#define VEC_CUR_SPX       0x200u
#define VEC_LOW_A64       0x400u
#define VECTOR_TABLE_SIZE 0x800u

unsigned sim_vcpu_el(const struct sim_vcpu *v) { return (unsigned)(v->ctx->pstate >> 2) & 3u; }

/* Exception entry to EL1 at the vector of @kind (0x000 synchronous, 0x080 IRQ) for the current
 * mode's group: ELR/SPSR_EL1 saved, EL1h with DAIF masked. */
static void enter_el1(struct sim_vcpu *v, unsigned kind)
{
	struct hal_vcpu_ctx *c = v->ctx;
	uint64_t mode = c->pstate & PSTATE_M_MASK;

	c->el1.elr = c->pc;
	c->el1.spsr = c->pstate;
	c->pc = c->el1.vbar + kind +
		(mode == PSTATE_M_EL0T   ? VEC_LOW_A64
		 : mode == PSTATE_M_EL1T ? VEC_CUR_SP0
					 : VEC_CUR_SPX);
	c->pstate = PSTATE_EL1H_MASKED;
}

void sim_vcpu_take_el1(struct sim_vcpu *v, uint64_t esr, const uint64_t *far)
{
	v->ctx->el1.esr = esr;
	if (far)
		v->ctx->el1.far = *far;
	enter_el1(v, VEC_SYNC);
}

void sim_vcpu_take_irq_el1(struct sim_vcpu *v, bool fiq) { enter_el1(v, fiq ? VEC_FIQ : VEC_IRQ); }

void sim_vcpu_fault(struct sim_vcpu *v, const struct mmu_fault *f)
{
	if (f->target_el == 2)
		sim_vcpu_trap(v, f->esr, f->far, f->hpfar_valid ? f->hpfar : 0);
	else
		sim_vcpu_take_el1(v, f->esr, &f->far);
}

bool sim_vcpu_fetch(struct sim_vcpu *v, uint64_t va, uint64_t *pa)
{
	const struct mmu_access a = { .va = va, .type = MMU_FETCH, .el = (uint8_t)sim_vcpu_el(v), .size = 4 };
	struct mmu_result r;

	if (va & 3) {
		sim_vcpu_take_el1(v, SIM_ESR(SIM_EC_PC_ALIGN), &va);
		return false;
	}
	if (!mmu_translate(&v->cpu->mmu, &a, &r)) {
		sim_vcpu_fault(v, &r.fault);
		return false;
	}
	*pa = r.pa;
	return true;
}

/* The vector's code as the library's entry stub does it: save the registers, branch to the
 * handler body, restore what the handler left in the frame, ERET. */
static void run_handler(struct sim_vcpu *v, unsigned slot)
{
	struct hal_vcpu_ctx *c = v->ctx;
	struct sim_frame f;

	memcpy(f.x, c->x, sizeof(f.x));
	f.elr = c->el1.elr;
	f.spsr = c->el1.spsr;
	f.esr = c->el1.esr;
	f.far = c->el1.far;
	c->pc = v->image + SIM_IMAGE_HANDLER_TEXT;
	v->depth++;
	v->handler(slot, &f);
	v->depth--;
	memcpy(c->x, f.x, sizeof(f.x));
	c->el1.elr = f.elr;
	c->el1.spsr = f.spsr;
	sim_vcpu_charge(v, 1);
	c->pc = c->el1.elr;
	c->pstate = c->el1.spsr;
}

bool sim_vcpu_await(struct sim_vcpu *v, uint64_t p)
{
	for (;;) {
		uint64_t pc = v->ctx->pc, pa;

		if (pc == p)
			return false;
		if (pc == p + 4)
			return true;
		if (!v->handler || pc - v->vectors >= VECTOR_TABLE_SIZE)
			sim_vcpu_abandon(v);
		/* Taking the exception costs an instruction, so a vector that faults again and again
		 * still lets virtual time run out. */
		sim_vcpu_charge(v, 1);
		if (sim_vcpu_fetch(v, pc, &pa))
			run_handler(v, (unsigned)(pc - v->vectors));
	}
}
