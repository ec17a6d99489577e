/* The vCPU half of the HAL: a guest program is a coroutine the pCPU switches to on entry and that
 * switches back when it traps; its first entry finds the program by the image at the vCPU's pc. */
#include "vcpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/mmu.h"
#include "irq.h"
#include "program.h"
#include "public/errno.h"
#include "s2.h"
#include "trace.h"

#define PAR_F  1ull
#define PAR_PA 0xfffffffff000ull /* PAR_EL1.PA[47:12] */

static struct sim_vcpu *all; /* every vCPU hal_vcpu_init made, for release with the machine */

int hal_vcpu_init(struct hal_vcpu_ctx *ctx)
{
	struct sim_vcpu *v = calloc(1, sizeof(*v));

	if (!v)
		return -XEN_ENOMEM;
	v->next = all;
	all = v;
	ctx->hal_priv = v;
	return 0;
}

static void release(struct sim_vcpu *v)
{
	if (v->fiber_live)
		sim_fiber_destroy(&v->fiber);
	free(v);
}

void hal_vcpu_destroy(struct hal_vcpu_ctx *ctx)
{
	struct sim_vcpu *v = ctx->hal_priv;

	if (!v)
		return;
	for (struct sim_vcpu **p = &all; *p; p = &(*p)->next) {
		if (*p == v) {
			*p = v->next;
			break;
		}
	}
	release(v);
	ctx->hal_priv = NULL;
}

void sim_vcpu_release_all(void)
{
	while (all) {
		struct sim_vcpu *v = all;
		all = v->next;
		release(v);
	}
}

struct sim_vcpu *sim_vcpu_running(void)
{
	struct sim_cpu *c = sim_current();

	if (!c || !c->vcpu)
		sim_stop(SIM_STOP_ERROR, 1, "a guest instruction executed outside any vCPU");
	return c->vcpu;
}

void sim_vcpu_charge(struct sim_vcpu *v, unsigned insns)
{
	v->budget += insns;
	if (v->budget >= SIM_GUEST_INSNS_PER_STEP) {
		v->budget -= SIM_GUEST_INSNS_PER_STEP;
		sim_yield();
	}
}

static void leave(struct sim_vcpu *v)
{
	v->cpu->vcpu = NULL;
	v->cpu->running = &v->cpu->fiber;
}

void sim_vcpu_trap(struct sim_vcpu *v, uint64_t esr, uint64_t far, uint64_t hpfar)
{
	*v->exit = (struct hal_exit){ .reason = HAL_EXIT_SYNC, .esr = esr, .far = far, .hpfar = hpfar };
	leave(v);
	sim_fiber_switch(&v->fiber, &v->cpu->fiber);
}

#define PSTATE_I (1ull << 7)
#define PSTATE_F (1ull << 6)

void sim_vcpu_interrupts(struct sim_vcpu *v)
{
	for (;;) {
		struct gic *g = sim_gic();
		unsigned cpu = v->cpu->index;
		uint64_t p = v->ctx->pc;

		if (gic_irq_line(g, cpu) || gic_fiq_line(g, cpu)) {
			/* The instruction at the pc has not executed: ELR_EL2 points at it. */
			*v->exit = (struct hal_exit){ .reason = HAL_EXIT_IRQ };
			leave(v);
			sim_fiber_switch(&v->fiber, &v->cpu->fiber);
		} else if (gic_vfiq_line(g, cpu) && !(v->ctx->pstate & PSTATE_F)) {
			sim_vcpu_charge(v, 1);
			sim_vcpu_take_irq_el1(v, true);
		} else if (gic_virq_line(g, cpu) && !(v->ctx->pstate & PSTATE_I)) {
			sim_vcpu_charge(v, 1);
			sim_vcpu_take_irq_el1(v, false);
		} else {
			return;
		}
		/* Back at the interrupted instruction, unless the core or a handler moved the pc:
		 * then the guest runs from there until it comes back. */
		if (v->ctx->pc != p)
			sim_vcpu_await(v, p);
	}
}

void sim_vcpu_abandon(struct sim_vcpu *v)
{
	v->restart = true;
	leave(v);
	sim_fiber_abandon(&v->fiber, &v->cpu->fiber);
}

static void warn(struct sim_vcpu *v, uint64_t pc, const char *why)
{
	if (v->warned)
		return;
	v->warned = true;
	fprintf(stderr, "hypsim: warning: vCPU %#llx of VMID %u at %#llx: %s\n", (unsigned long long)v->ctx->vmpidr,
		mmu_vmid(&v->cpu->mmu.regs), (unsigned long long)pc, why);
}

/* Reads the image header at @pc through the MMU as instruction fetches. Returns the program (NULL
 * if there is none there), or false when a fetch faulted and the fault has been delivered. */
static bool find_program(struct sim_vcpu *v, uint64_t pc, const struct sim_program **prog)
{
	char blob[SIM_IMAGE_BLOB_MAX];
	unsigned len = 0;

	*prog = NULL;
	while (len < sizeof(blob)) {
		uint64_t pa;
		if (!sim_vcpu_fetch(v, pc + len, &pa))
			return false;
		const void *word = hal_pa_to_va(pa_init(pa));
		if (!word) {
			warn(v, pc, "no RAM there to hold a program image");
			return true;
		}
		memcpy(blob + len, word, 4);
		len += 4;
		if (len > SIM_IMAGE_MAGIC_LEN && memchr(blob + len - 4, 0, 4))
			break;
	}
	if (memcmp(blob, SIM_IMAGE_MAGIC, SIM_IMAGE_MAGIC_LEN) != 0) {
		warn(v, pc, "no " SIM_IMAGE_MAGIC " image there");
		return true;
	}
	const char *name = blob + SIM_IMAGE_MAGIC_LEN;
	if (!memchr(name, 0, len - SIM_IMAGE_MAGIC_LEN)) {
		warn(v, pc, "the image's program name runs past 47 characters");
		return true;
	}
	*prog = sim_program_find(name);
	if (!*prog)
		warn(v, pc, "the image names a program this hypsim does not have");
	return true;
}

/* The first instruction of a fresh vCPU fiber: whatever image is at the pc decides what runs. */
static void vcpu_main(void)
{
	struct sim_vcpu *v = sim_vcpu_running();

	for (;;) {
		const struct sim_program *prog;
		uint64_t pc = v->ctx->pc;

		sim_vcpu_charge(v, 1);
		if (!find_program(v, pc, &prog))
			continue;
		if (!prog) {
			/* Not code the sim can run: what the core hears is an undefined instruction. */
			sim_vcpu_trap(v, SIM_ESR(SIM_EC_UNKNOWN), 0, 0);
			continue;
		}
		v->image = pc;
		v->ctx->pc = pc + SIM_IMAGE_TEXT;
		prog->entry(pc, v->ctx->x[0]);
		/* The program ran off its end: nothing of it may run again, its vectors included. */
		v->handler = NULL;
		v->runtime = NULL;
		sim_vcpu_trap(v, SIM_ESR(SIM_EC_UNKNOWN), 0, 0);
	}
}

static void forget_program(struct sim_vcpu *v)
{
	sim_fiber_destroy(&v->fiber);
	v->fiber_live = false;
	v->restart = false;
	v->image = v->vectors = 0;
	v->handler = NULL;
	v->runtime = NULL;
	v->depth = 0;
}

void hal_vcpu_enter(struct hal_vcpu_ctx *ctx, struct hal_exit *exit)
{
	struct sim_cpu *c = sim_current();
	struct sim_vcpu *v = ctx->hal_priv;

	if (!c || !v)
		sim_stop(SIM_STOP_ERROR, 1, "hal_vcpu_enter: %s",
			 c ? "the context has no hal_vcpu_init" : "not on a CPU");
	sim_mmu_load(&c->mmu, ctx);
	v->ctx = ctx;
	v->exit = exit;
	v->cpu = c;
	/* The exit just handled and this return to the guest: a whole step, so that a guest which traps
	 * at once, again and again, still lets virtual time run out. */
	sim_vcpu_charge(v, SIM_GUEST_INSNS_PER_STEP);
	sim_irq_vcpu_load(c, ctx);
	sim_trace_enter(c, ctx);
	for (;;) {
		if (!v->fiber_live) {
			if (sim_fiber_create(&v->fiber, vcpu_main))
				sim_stop(SIM_STOP_ERROR, 1, "cannot map a stack for a vCPU");
			v->fiber_live = true;
		}
		c->vcpu = v;
		c->running = &v->fiber;
		sim_fiber_switch(&c->fiber, &v->fiber);
		if (!v->restart)
			break;
		forget_program(v);
	}
	sim_irq_vcpu_save(c, ctx);
	sim_trace_exit(c, ctx, exit);
}

bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, bool write, ipa_t *ipa)
{
	static struct mmu_cpu host_mmu; /* for callers outside any pCPU (tests): never caches */
	struct sim_cpu *c = sim_current();
	struct mmu_cpu *mmu = c ? &c->mmu : &host_mmu;
	struct mmu_fault exc;
	uint64_t par;

	if (!c) {
		sim_mmu_init(&host_mmu);
		host_mmu.tlb.disabled = true;
	}
	/* The core runs this between exits, on the pCPU the vCPU just left: loading its registers is
	 * what the real HAL's AT sees with the guest's EL1 context still in place. */
	sim_mmu_load(mmu, ctx);
	if (!mmu_at(mmu, write ? MMU_AT_S1E1W : MMU_AT_S1E1R, va, &par, &exc) || (par & PAR_F))
		return false;
	*ipa = ipa_init((par & PAR_PA) | (va & 0xfff));
	return true;
}
