/* lib/guest.h on a hal/sim vCPU: each call is the instruction sequence the bare-metal library
 * executes (same registers, same hypercall ABI), each memory access walked by the MMU model. */
#include "core/format.h"
#include "guests/lib/sim/runtime.h"
#include "public/xen.h"
#include "sim/insn.h"
#include "sim/program.h"

#define CONSOLE_LINE 256 /* as lib/real: the same truncation in both worlds */

#define PSCI_CPU_OFF_FID   0x84000002u
#define PSCI_CPU_ON_64_FID 0xc4000003u

long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	const uint64_t args[] = { a0, a1, a2, a3, a4 };

	for (unsigned i = 0; i < 5; i++)
		sim_insn_set_reg(i, args[i]);
	sim_insn_set_reg(16, op);
	sim_insn_hvc(XEN_HYPERCALL_TAG);
	return (long)sim_insn_reg(0);
}

long gl_smccc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const uint64_t args[] = { fid, a1, a2, a3 };

	for (unsigned i = 0; i < 4; i++)
		sim_insn_set_reg(i, args[i]);
	sim_insn_hvc(0);
	return (long)sim_insn_reg(0);
}

/* The image's arena, as lib/real's, its fill level in guest RAM. The program gets a host pointer
 * to the guest's own pages: its accesses through it are the only ones the MMU model does not see.
 * The fill level is claimed through one too: no guest instruction runs between its read and its
 * write, so no other vCPU's fiber can (lib/real's compare-and-swap, for a machine that interleaves
 * only at instructions). */
void *gl_alloc(size_t size, uint64_t *gva)
{
	uint64_t image = gl_sim_cpu()->image, *fill = sim_insn_host_ptr(image + GL_SIM_ARENA_USED, 8, true);
	size_t n = (size + 15) & ~(size_t)15;

	if (!fill || n < size || n > GL_SIM_ARENA_SIZE - *fill) {
		gl_printf("guest: gl_alloc(%zu): arena exhausted\n", size);
		gl_shutdown(SHUTDOWN_crash);
	}
	uint64_t va = image + GL_SIM_ARENA + *fill;
	*fill += n;
	uint8_t *p = sim_insn_host_ptr(va, n ? n : 1, true);
	if (!p) {
		gl_printf("guest: gl_alloc(%zu): arena at %#llx is not mapped RAM\n", size, (unsigned long long)va);
		gl_shutdown(SHUTDOWN_crash);
	}
	for (size_t i = 0; i < n; i++)
		p[i] = 0;
	*gva = va;
	return p;
}

/* One LDR or STR each, as lib/real's. A load's destination (x0) is zeroed first, so a load the
 * exception handler skips reads 0; the address travels in x1. */
uint32_t gl_read32(uint64_t addr)
{
	sim_insn_set_reg(0, 0);
	sim_insn_set_reg(1, addr);
	return (uint32_t)sim_insn_load(addr, 4, 0, false);
}

uint64_t gl_read64(uint64_t addr)
{
	sim_insn_set_reg(0, 0);
	sim_insn_set_reg(1, addr);
	return sim_insn_load(addr, 8, 0, true);
}

void gl_write32(uint64_t addr, uint32_t val)
{
	sim_insn_set_reg(0, addr);
	sim_insn_store(addr, val, 4, 1, false);
}

void gl_write64(uint64_t addr, uint64_t val)
{
	sim_insn_set_reg(0, addr);
	sim_insn_store(addr, val, 8, 1, true);
}

void gl_catch_aborts(struct gl_abort *a) { gl_sim_cpu()->catch = a; }

/* The hypervisor reads guest memory only: the text goes to this vCPU's page first. */
static void console_write(const char *s, size_t len)
{
	uint64_t page = gl_sim_cpu()->bounce;

	for (size_t off = 0; off < len; off += 8) {
		uint64_t w = 0;
		for (size_t i = 0; i < 8 && off + i < len; i++)
			w |= (uint64_t)(uint8_t)s[off + i] << (8 * i);
		gl_write64(page + off, w);
	}
	gl_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, page, 0, 0);
}

void gl_printf(const char *fmt, ...)
{
	char line[CONSOLE_LINE];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		console_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void gl_shutdown(unsigned reason)
{
	uint64_t page = gl_sim_cpu()->bounce;

	gl_write32(page, reason);
	/* A shut-down vCPU is never resumed; if the hypervisor refuses, there is nothing else to do. */
	for (;;)
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, page, 0, 0, 0);
}

/* The entry is an image naming the library's secondary start (the sim runs what a fresh vCPU's pc
 * holds), written where lib/real would have its gl_secondary_entry code; the function goes in a
 * per-vCPU slot of guest RAM, as lib/real's table. */
long gl_cpu_on(unsigned vcpu, void (*fn)(unsigned vcpu))
{
	static const char blob[SIM_IMAGE_BLOB_MAX] = SIM_IMAGE_MAGIC GL_SIM_SECONDARY_PROGRAM;
	uint64_t image = gl_sim_cpu()->image;

	for (size_t off = 0; off < sizeof(blob); off += 8) {
		uint64_t w = 0;
		for (size_t i = 0; i < 8; i++)
			w |= (uint64_t)(uint8_t)blob[off + i] << (8 * i);
		gl_write64(image + GL_SIM_SECONDARY + off, w);
	}
	if (vcpu < GL_SIM_MAX_VCPUS)
		gl_write64(image + GL_SIM_SECONDARY_FN + 8 * vcpu, (uintptr_t)fn);
	return gl_smccc(PSCI_CPU_ON_64_FID, vcpu, image + GL_SIM_SECONDARY, vcpu);
}

void gl_cpu_off(void)
{
	/* CPU_OFF returns only if refused: ask again rather than run on. */
	for (;;)
		gl_smccc(PSCI_CPU_OFF_FID, 0, 0, 0);
}

unsigned gl_vcpu_id(void) { return (unsigned)(sim_insn_mrs(SIM_MPIDR_EL1) & 0xff); }

/* Words in the image's runtime pages: the domain's own RAM, where the sim's shared statics are not.
 * They hold host pointers, as GL_SIM_IRQ_FN does. */
void **gl_domain_local(enum gl_local slot)
{
	uint64_t va = gl_sim_cpu()->image + GL_SIM_LOCALS + 8 * ((unsigned)slot % GL_LOCAL_COUNT);

	_Static_assert(GL_SIM_LOCALS + 8 * GL_LOCAL_COUNT <= GL_SIM_SECONDARY_FN, "locals overlap the secondary table");
	return sim_insn_host_ptr(va, sizeof(void *), true);
}
