/* The smallest domain the toolstack builds: it says what it was given (its RAM, its vCPUs, each
 * started with PSCI CPU_ON, the GIC its tree names, brought up as an OS would, and the console and
 * xenstore wiring from HVM params), leaves a mark for its builder, and shuts down, or, with
 * tiny.stay, keeps running until it is destroyed. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/hvm.h"

/* What tiny writes at tiny.mark= (an address in its RAM): this, xored with its tiny.n= number,
 * and each secondary vCPU v the same xored with v at 8 * v bytes on. */
#define TINY_MARK   0x54494e59554e4955ull
#define WAIT_YIELDS 100000u

/* For the secondaries, set before they start (one tiny runs at a time; the sim shares statics). */
static uint64_t mark_at, number;

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

static void secondary(unsigned vcpu) { gl_write64(mark_at + 8 * vcpu, TINY_MARK ^ number ^ vcpu); }

/* The vCPUs the tree lists; each secondary is started and must leave its word. How many ran. */
static unsigned start_vcpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;
	unsigned n = 0, ran = 1;

	fdt_for_each_subnode(node, fdt, cpus) n++;
	for (unsigned v = 1; v < n && v < GL_MAX_VCPUS && mark_at; v++) {
		if (gl_cpu_on(v, secondary))
			continue;
		for (unsigned i = 0; i < WAIT_YIELDS && gl_read64(mark_at + 8 * v) != (TINY_MARK ^ number ^ v); i++)
			yield();
		ran += gl_read64(mark_at + 8 * v) == (TINY_MARK ^ number ^ v);
	}
	return ran;
}

static uint64_t param(struct xen_hvm_param *p, uint64_t gva, uint32_t index)
{
	p->domid = DOMID_SELF;
	p->index = index;
	p->value = 0;
	long rc = gl_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, gva, 0, 0, 0);
	return rc ? (uint64_t)rc : p->value;
}

void guest_main(const void *fdt)
{
	uint64_t n = gl_bootarg_u64(fdt, "tiny.n=", 0), mark = gl_bootarg_u64(fdt, "tiny.mark=", 0);
	uint64_t base = 0, size = 0, gva;
	struct xen_hvm_param *p = gl_alloc(sizeof(*p), &gva);

	gl_ram_bank(fdt, &base, &size);
	int gic = gl_gic_init(fdt);
	number = n;
	mark_at = mark >= base && mark + 8 * GL_MAX_VCPUS <= base + size ? mark : 0;
	unsigned vcpus = start_vcpus(fdt);
	uint64_t cons = param(p, gva, HVM_PARAM_CONSOLE_PFN), cport = param(p, gva, HVM_PARAM_CONSOLE_EVTCHN);
	uint64_t store = param(p, gva, HVM_PARAM_STORE_PFN), sport = param(p, gva, HVM_PARAM_STORE_EVTCHN);
	gl_printf("tiny %llu: %llu KiB at %#llx, %u vCPU%s, GICv%d, console %#llx port %llu, store %#llx port %llu\n",
		  (unsigned long long)n, (unsigned long long)(size >> 10), (unsigned long long)base, vcpus,
		  vcpus == 1 ? "" : "s", gic, (unsigned long long)cons, (unsigned long long)cport,
		  (unsigned long long)store, (unsigned long long)sport);
	if (mark_at)
		gl_write64(mark_at, TINY_MARK ^ n);
	while (gl_bootarg(fdt, "tiny.stay"))
		yield();
	gl_shutdown(SHUTDOWN_poweroff);
}
