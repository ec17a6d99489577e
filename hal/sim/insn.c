/* The guest's instructions: each executes at the vCPU's pc, traps or faults as the architecture
 * says, and completes when the pc moves past it, whoever moved it (the sim, the core, a handler). */
#include "insn.h"

#include <string.h>

#include "bus.h"
#include "hal/mmu.h"
#include "irq.h"
#include "program.h"
#include "s2.h"
#include "vcpu.h"

#define PAGE_SIZE 0x1000ull

#define HCR_TWI (1ull << 13)
#define HCR_HCD (1ull << 29)

#define ISS_WNR        (1ull << 6)
#define DFSC_EXT_ABORT 0x10u
#define DFSC_ALIGNMENT 0x21u
#define ISS_WFI_AA64   (1ull << 24 | 0xeull << 20) /* CV = 1, COND = AL: how AArch64 reports a WFI */

struct sim_vcpu *sim_vcpu_begin(void)
{
	struct sim_vcpu *v = sim_vcpu_running();
	uint64_t base = v->image + (v->depth ? SIM_IMAGE_HANDLER_TEXT : SIM_IMAGE_TEXT);

	sim_vcpu_charge(v, 1);
	if (v->ctx->pc == base + SIM_IMAGE_TEXT_SIZE)
		v->ctx->pc = base;
	sim_vcpu_interrupts(v);
	return v;
}

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

/* One physically contiguous piece of an access: RAM, else a device on the bus (whole, aligned). */
static bool move(uint64_t pa, uint8_t *buf, unsigned n, bool store)
{
	uint8_t *ram = hal_pa_to_va(pa_init(pa));

	if (ram && hal_pa_to_va(pa_init(pa + n - 1)) == ram + n - 1) {
		if (store)
			memcpy(ram, buf, n);
		else
			memcpy(buf, ram, n);
		return true;
	}
	uint64_t val = get_le(buf, n);
	const char *err = store ? sim_mmio_write(pa_init(pa), n, val) : sim_mmio_read(pa_init(pa), n, &val);
	if (err)
		return false;
	put_le(buf, val, n);
	return true;
}

/* Aborts the data access itself raises at EL1: alignment (Device memory) and external aborts. */
static void data_abort_el1(struct sim_vcpu *v, uint64_t va, bool store, unsigned dfsc)
{
	unsigned ec = sim_vcpu_el(v) == 0 ? SIM_EC_DABT_LOW : SIM_EC_DABT_CUR;

	sim_vcpu_take_el1(v, SIM_ESR(ec) | (store ? ISS_WNR : 0) | dfsc, &va);
}

/* Executes the access once: true if it completed, false if a fault has been delivered. */
static bool access(struct sim_vcpu *v, uint64_t va, unsigned size, unsigned rt, bool sf, bool store)
{
	struct hal_vcpu_ctx *c = v->ctx;
	struct mmu_access a = { .va = va,
				.type = store ? MMU_STORE : MMU_LOAD,
				.el = (uint8_t)sim_vcpu_el(v),
				.size = (uint8_t)size,
				.iss_valid = true,
				.srt = (uint8_t)rt,
				.sf = sf };
	struct mmu_result r[2];
	uint64_t first = PAGE_SIZE - (va & (PAGE_SIZE - 1));
	uint8_t buf[8];

	first = first < size ? first : size;
	/* Both pages translate before either is touched: a fault leaves memory as it was. */
	for (unsigned i = 0; i < (first < size ? 2u : 1u); i++) {
		a.va = va + (i ? first : 0);
		if (!mmu_translate(&v->cpu->mmu, &a, &r[i])) {
			sim_vcpu_fault(v, &r[i].fault);
			return false;
		}
	}
	/* Device memory (MAIR 0b0000ddxx) takes no unaligned access; with stage 1 off, data is Device. */
	if ((va & (size - 1)) && (r[0].attr & 0xf0) == 0) {
		data_abort_el1(v, va, store, DFSC_ALIGNMENT);
		return false;
	}
	if (store)
		put_le(buf, c->x[rt], size);
	if (!move(r[0].pa, buf, (unsigned)first, store) ||
	    (first < size && !move(r[1].pa, buf + first, size - (unsigned)first, store))) {
		data_abort_el1(v, va, store, DFSC_EXT_ABORT);
		return false;
	}
	if (!store)
		c->x[rt] = get_le(buf, size);
	return true;
}

void sim_vcpu_run(struct sim_vcpu *v, bool (*exec)(struct sim_vcpu *v, const void *arg), const void *arg)
{
	for (;;) {
		uint64_t p = v->ctx->pc;
		if (exec(v, arg)) {
			v->ctx->pc = p + 4;
			break;
		}
		if (sim_vcpu_await(v, p))
			break;
		sim_vcpu_charge(v, 1); /* executing it again */
	}
	sim_vcpu_interrupts(v);
}

struct ldst {
	uint64_t va;
	unsigned size, rt;
	bool sf, store;
};

static bool exec_ldst(struct sim_vcpu *v, const void *arg)
{
	const struct ldst *op = arg;
	return access(v, op->va, op->size, op->rt, op->sf, op->store);
}

/* LDR/STR encode only these: anything else is a bug in the library, not guest behaviour. */
static void check_ldst(unsigned size, unsigned rt)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) || rt > 30)
		sim_stop(SIM_STOP_ERROR, 1, "no such load/store: %u bytes to x%u", size, rt);
}

uint64_t sim_insn_load(uint64_t va, unsigned size, unsigned rt, bool sf)
{
	check_ldst(size, rt);
	struct sim_vcpu *v = sim_vcpu_begin();
	const struct ldst op = { va, size, rt, sf, false };

	sim_vcpu_run(v, exec_ldst, &op);
	return v->ctx->x[rt];
}

void sim_insn_store(uint64_t va, uint64_t val, unsigned size, unsigned rt, bool sf)
{
	check_ldst(size, rt);
	struct sim_vcpu *v = sim_vcpu_begin();
	const struct ldst op = { va, size, rt, sf, true };

	v->ctx->x[rt] = val;
	sim_vcpu_run(v, exec_ldst, &op);
}

uint64_t sim_insn_reg(unsigned n) { return n < 31 ? sim_vcpu_running()->ctx->x[n] : 0; }

void sim_insn_set_reg(unsigned n, uint64_t val)
{
	if (n < 31)
		sim_vcpu_running()->ctx->x[n] = val;
}

static bool exec_hvc(struct sim_vcpu *v, const void *arg)
{
	uint16_t imm = *(const uint16_t *)arg;

	if (v->ctx->hcr & HCR_HCD) {
		sim_vcpu_take_el1(v, SIM_ESR(SIM_EC_UNKNOWN), NULL);
		return false;
	}
	/* The preferred return of an HVC is the next instruction: ELR_EL2 points past it. */
	v->ctx->pc += 4;
	sim_vcpu_trap(v, SIM_ESR(SIM_EC_HVC64) | imm, 0, 0);
	return false;
}

void sim_insn_hvc(uint16_t imm) { sim_vcpu_run(sim_vcpu_begin(), exec_hvc, &imm); }

static bool exec_wfi(struct sim_vcpu *v, const void *arg)
{
	(void)arg;
	if (!(v->ctx->hcr & HCR_TWI)) {
		/* The pCPU sleeps until the GIC signals an interrupt, virtual or physical, masked or
		 * not; the next instruction boundary then takes it (or the guest sees it pending). */
		sim_wfi();
		return true;
	}
	sim_vcpu_trap(v, SIM_ESR(SIM_EC_WFX) | ISS_WFI_AA64, 0, 0);
	return false;
}

void sim_insn_wfi(void) { sim_vcpu_run(sim_vcpu_begin(), exec_wfi, NULL); }
