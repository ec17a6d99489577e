/* The smallest domain the toolstack builds: it says what it was given (its RAM, the GIC its tree
 * names, brought up as an OS would, and the console and xenstore wiring from HVM params), leaves a
 * mark for its builder, and shuts down, or, with tiny.stay, keeps running until it is destroyed. */
#include "lib/guest.h"
#include "public/hvm.h"

/* What tiny writes at tiny.mark= (an address in its RAM): this, xored with its tiny.n= number. */
#define TINY_MARK 0x54494e59554e4955ull

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
	uint64_t cons = param(p, gva, HVM_PARAM_CONSOLE_PFN), cport = param(p, gva, HVM_PARAM_CONSOLE_EVTCHN);
	uint64_t store = param(p, gva, HVM_PARAM_STORE_PFN), sport = param(p, gva, HVM_PARAM_STORE_EVTCHN);
	gl_printf("tiny %llu: %llu KiB at %#llx, GICv%d, console %#llx port %llu, store %#llx port %llu\n",
		  (unsigned long long)n, (unsigned long long)(size >> 10), (unsigned long long)base, gic,
		  (unsigned long long)cons, (unsigned long long)cport, (unsigned long long)store,
		  (unsigned long long)sport);
	if (mark >= base && mark + 8 <= base + size)
		gl_write64(mark, TINY_MARK ^ n);
	while (gl_bootarg(fdt, "tiny.stay"))
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	gl_shutdown(SHUTDOWN_poweroff);
}
