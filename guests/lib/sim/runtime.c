#include "guests/lib/sim/runtime.h"

#include <assert.h>

#include "public/xen.h"
#include "sim/insn.h"
#include "sim/program.h"

#define FDT_MAGIC         0xd00dfeedu
#define EC_DABT_CUR       0x25u
#define SLOT_CUR_SPX_SYNC 0x200u
#define SLOT_KIND_MASK    0x180u
#define SLOT_KIND_IRQ     0x080u

struct gl_sim_cpu *gl_sim_cpu(void) { return sim_insn_runtime(); }

static uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }

/* The vector's handler, as lib/real's: a caught data abort at EL1 is recorded and skipped (the
 * load's destination was zeroed before it), anything else is reported and ends the guest. */
static void on_exception(unsigned slot, struct sim_frame *f)
{
	static const char *const group[] = { "EL1t", "EL1h", "EL0 AArch64", "EL0 AArch32" };
	static const char *const kind[] = { "sync", "IRQ", "FIQ", "SError" };
	struct gl_abort *c = gl_sim_cpu()->catch;

	if ((slot & SLOT_KIND_MASK) == SLOT_KIND_IRQ) {
		/* gl_irq_vector left a host function pointer in guest RAM, as lib/real a guest one. */
		uint64_t fn = gl_read64(gl_sim_cpu()->image + GL_SIM_IRQ_FN);
		if (fn) {
			((void (*)(void))(uintptr_t)fn)();
			return;
		}
	}
	if (slot == SLOT_CUR_SPX_SYNC && ((f->esr >> 26) & 0x3f) == EC_DABT_CUR && c) {
		if (!c->taken)
			*c = (struct gl_abort){ .taken = true, .esr = f->esr, .far = f->far };
		f->elr += 4;
		return;
	}
	gl_printf("guest: unexpected %s exception from %s: ESR_EL1 %#llx, FAR_EL1 %#llx, ELR_EL1 %#llx\n",
		  kind[(slot >> 7) & 3], group[(slot >> 9) & 3], (unsigned long long)f->esr, (unsigned long long)f->far,
		  (unsigned long long)f->elr);
	gl_shutdown(SHUTDOWN_crash);
}

/* A real guest reads its tree in place; the C program needs it in host memory, so it is copied
 * word by word through the MMU like any other access (a hole still faults). */
static bool copy_tree(uint64_t ipa, uint8_t *buf, uint32_t max)
{
	if (!ipa || (ipa & 7))
		return false;
	uint64_t head = gl_read64(ipa);
	uint32_t size = be32((uint32_t)(head >> 32));
	if (be32((uint32_t)head) != FDT_MAGIC || size > max)
		return false;
	for (uint32_t off = 0; off < size; off += 8) {
		uint64_t w = gl_read64(ipa + off);
		for (unsigned i = 0; i < 8; i++)
			buf[off + i] = (uint8_t)(w >> (8 * i));
	}
	return true;
}

/* What every vCPU of the image does first: its library state, the vectors, its console page.
 * False for a vCPU beyond the pages the image has, which could not talk to the hypervisor. */
static bool enter(struct gl_sim_cpu *cpu)
{
	unsigned id = (unsigned)sim_insn_mrs(SIM_MPIDR_EL1) & 0xff;

	static_assert(GL_SIM_BOUNCE + GL_SIM_MAX_VCPUS * GL_SIM_PAGE <= GL_SIM_ARENA, "bounce pages overlap the arena");
	static_assert(GL_SIM_ARENA + GL_SIM_ARENA_SIZE <= SIM_IMAGE_SIZE, "the runtime outgrows the image");
	static_assert(GL_SIM_SECONDARY_FN + GL_SIM_MAX_VCPUS * 8 <= GL_SIM_SECONDARY, "secondary table overlaps");
	static_assert(GL_SIM_SECONDARY + SIM_IMAGE_BLOB_MAX <= GL_SIM_BOUNCE, "secondary image overlaps");
	sim_insn_set_runtime(cpu);
	sim_insn_vectors(cpu->image + GL_SIM_VECTORS, on_exception);
	sim_insn_msr(SIM_VBAR_EL1, cpu->image + GL_SIM_VECTORS);
	if (id >= GL_SIM_MAX_VCPUS)
		return false;
	cpu->bounce = cpu->image + GL_SIM_BOUNCE + id * GL_SIM_PAGE;
	return true;
}

void gl_sim_start(void (*main)(const void *fdt), uint64_t image, uint64_t x0)
{
	struct gl_sim_cpu cpu = { .image = image };
	_Alignas(8) uint8_t tree[GL_SIM_TREE_MAX];

	if (!enter(&cpu))
		for (;;)
			sim_insn_wfi();
	main(copy_tree(x0, tree, sizeof(tree)) ? tree : NULL);
	gl_shutdown(SHUTDOWN_poweroff);
}

void gl_sim_secondary(uint64_t entry, uint64_t x0)
{
	struct gl_sim_cpu cpu = { .image = entry - GL_SIM_SECONDARY };

	/* As lib/real's entry: a context id with no slot is not ours to run. */
	if (!enter(&cpu) || x0 >= GL_SIM_MAX_VCPUS)
		gl_cpu_off();
	/* gl_cpu_on left a host function pointer in guest RAM, as lib/real leaves a guest one. */
	uint64_t fn = gl_read64(cpu.image + GL_SIM_SECONDARY_FN + 8 * x0);
	if (fn)
		((void (*)(unsigned))(uintptr_t)fn)((unsigned)x0);
	gl_cpu_off();
}
