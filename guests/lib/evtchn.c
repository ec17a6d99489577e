/* Event channels from inside a guest: shared_info at the top of the lower half of the /hypervisor
 * node's region, pending bits taken with compare-and-swap (the hypervisor sets them concurrently),
 * callbacks run from gl_evtchn_poll. No GIC: waiting polls the upcall flag between yields, since the
 * sim's GIC driver keeps one state per process and Dom0's GIC is not a DomU's. */
#include <libfdt.h>

#include "lib/evtchn.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "public/shared.h"

#define PAGE        4096u
#define SI_PENDING  48u
#define SI_MASK     560u
#define SI_SEL      8u
#define DEFAULT_PPI 31u
#define UPCALL_PRIO 0xa0u
#define WORDS       (EVTCHN_2L_NR_CHANNELS / 64)

struct evtchn_state {
	uint64_t si;  /* shared_info's guest address: read through guest accesses only */
	uint32_t ppi; /* the upcall's INTID */
	bool gic;     /* the PPI is enabled: waits sleep in WFI (else they yield) */
	void *arg;
	uint64_t arg_gva;
	struct {
		evtchn_cb cb;
		void *arg;
	} h[EVTCHN_MAX_HANDLED];
	uint64_t seen[WORDS]; /* taken with no callback: for gl_evtchn_take */
};

static struct evtchn_state *st(void) { return *gl_domain_local(GL_LOCAL_EVTCHN); }

/* The /hypervisor node's first reg (the grant region), else Xen's DomU default. */
static void region(const void *fdt, uint64_t *base, uint64_t *size, uint32_t *ppi)
{
	int node = fdt ? fdt_path_offset(fdt, "/hypervisor") : -1, len = 0;
	const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	const fdt32_t *irq = node >= 0 ? fdt_getprop(fdt, node, "interrupts", NULL) : NULL;

	*base = GUEST_GNTTAB_BASE, *size = GUEST_GNTTAB_SIZE;
	if (reg && len >= 16) {
		*base = (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
		*size = (uint64_t)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]);
	}
	*ppi = irq && fdt32_to_cpu(irq[0]) == 1 && fdt32_to_cpu(irq[1]) < 16 ? 16 + fdt32_to_cpu(irq[1]) : DEFAULT_PPI;
}

int gl_evtchn_init(const void *fdt)
{
	if (st())
		return 0;
	uint64_t base, size, gva;
	uint32_t ppi;
	region(fdt, &base, &size, &ppi);
	struct evtchn_state *s = gl_alloc(sizeof(*s), &gva);
	s->arg = gl_alloc(64, &s->arg_gva);
	s->ppi = ppi;
	/* The lower half of the region holds the grant table's frames from its start (gnttab.h); its
	 * last page is free of them for any table size Xen allows. */
	s->si = base + size / 2 - PAGE;
	struct xen_add_to_physmap *x = s->arg;
	*x = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = s->si >> 12 };
	long rc = gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, s->arg_gva, 0, 0, 0);
	if (rc) {
		gl_printf("evtchn: shared_info not mapped at %#llx: %ld\n", (unsigned long long)s->si, rc);
		return (int)rc;
	}
	/* The GIC as the program left it if it set one up, else set up here; only the PPI is added. */
	int gic = *gl_domain_local(GL_LOCAL_GIC) ? 3 : gl_gic_init(fdt);
	if (gic > 0) {
		gl_gic_enable(ppi, UPCALL_PRIO);
		s->gic = true;
	} else {
		gl_printf("evtchn: no GIC (%d): waits yield instead of sleeping\n", gic);
	}
	*gl_domain_local(GL_LOCAL_EVTCHN) = s;
	return 0;
}

static long op(unsigned cmd, const void *in, size_t size)
{
	struct evtchn_state *s = st();
	if (!s)
		return -XEN_EINVAL;
	__builtin_memcpy(s->arg, in, size);
	return gl_hypercall(__HYPERVISOR_event_channel_op, cmd, s->arg_gva, 0, 0, 0);
}

static int result(long rc, evtchn_port_t *port, size_t off)
{
	if (!rc && port)
		__builtin_memcpy(port, (const char *)st()->arg + off, sizeof(*port));
	return (int)rc;
}

int gl_evtchn_alloc_unbound_for(domid_t dom, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	return result(op(EVTCHNOP_alloc_unbound, &a, sizeof(a)), port,
		      __builtin_offsetof(struct evtchn_alloc_unbound, port));
}

int gl_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	return gl_evtchn_alloc_unbound_for(DOMID_SELF, remote, port);
}

int gl_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = remote_port };
	return result(op(EVTCHNOP_bind_interdomain, &b, sizeof(b)), port,
		      __builtin_offsetof(struct evtchn_bind_interdomain, local_port));
}

int gl_evtchn_bind_virq(uint32_t virq, evtchn_port_t *port)
{
	struct evtchn_bind_virq v = { .virq = virq, .vcpu = 0 };
	return result(op(EVTCHNOP_bind_virq, &v, sizeof(v)), port, __builtin_offsetof(struct evtchn_bind_virq, port));
}

int gl_evtchn_notify(evtchn_port_t port) { return (int)op(EVTCHNOP_send, &port, sizeof(port)); }

int gl_evtchn_close(evtchn_port_t port)
{
	struct evtchn_state *s = st();
	if (s && port < EVTCHN_MAX_HANDLED)
		s->h[port].cb = NULL;
	if (s && port < EVTCHN_2L_NR_CHANNELS)
		s->seen[port / 64] &= ~(1ull << (port % 64));
	return (int)op(EVTCHNOP_close, &port, sizeof(port));
}

/* Clears the bits of @mask in the 64-bit word at @addr, as two 32-bit compare-and-swaps. */
static void clear_bits(uint64_t addr, uint64_t mask)
{
	for (unsigned half = 0; half < 2; half++) {
		uint32_t m = (uint32_t)(mask >> (32 * half));
		uint64_t a = addr + 4 * half;
		for (uint32_t old = gl_read32(a); m && (old & m);) {
			uint32_t was = gl_cmpxchg32(a, old, old & ~m);
			if (was == old)
				break;
			old = was;
		}
	}
}

int gl_evtchn_set_handler(evtchn_port_t port, evtchn_cb cb, void *arg)
{
	struct evtchn_state *s = st();
	if (!s || port == 0 || port >= EVTCHN_MAX_HANDLED)
		return -XEN_EINVAL;
	s->h[port].cb = cb;
	s->h[port].arg = arg;
	clear_bits(s->si + SI_MASK + port / 64 * 8, 1ull << (port % 64));
	return 0;
}

unsigned gl_evtchn_poll(void)
{
	struct evtchn_state *s = st();
	unsigned taken = 0;

	if (!s)
		return 0;
	/* The flag first, then the selector, then the words: an event set after a step is seen by the
	 * next poll, never lost. */
	gl_write32(s->si, gl_read32(s->si) & ~0xffu);
	gl_mb();
	uint64_t sel = gl_read64(s->si + SI_SEL);
	clear_bits(s->si + SI_SEL, sel);
	for (unsigned w = 0; w < WORDS; w++) {
		if (!(sel >> w & 1))
			continue;
		uint64_t pend = s->si + SI_PENDING + 8 * w;
		uint64_t bits = gl_read64(pend) & ~gl_read64(s->si + SI_MASK + 8 * w);
		clear_bits(pend, bits);
		while (bits) {
			unsigned port = w * 64 + (unsigned)__builtin_ctzll(bits);
			bits &= bits - 1;
			taken++;
			if (port < EVTCHN_MAX_HANDLED && s->h[port].cb)
				s->h[port].cb(port, s->h[port].arg);
			else
				s->seen[port / 64] |= 1ull << (port % 64);
		}
	}
	return taken;
}

bool gl_evtchn_take(evtchn_port_t port)
{
	struct evtchn_state *s = st();
	if (!s || port >= EVTCHN_2L_NR_CHANNELS)
		return false;
	gl_evtchn_poll();
	uint64_t bit = 1ull << (port % 64);
	bool was = s->seen[port / 64] & bit;
	s->seen[port / 64] &= ~bit;
	return was;
}

/* Sleeps until an interrupt is pending (IRQs stay masked, so none is taken), then acknowledges
 * and ends whatever the GIC holds: the upcall, and anything the program left enabled. */
static void sleep(struct evtchn_state *s)
{
	if (!s || !s->gic) {
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
		return;
	}
	gl_wfi();
	for (unsigned i = 0; i < 64; i++) {
		uint32_t id = gl_gic_ack();
		if (id >= 1020)
			break;
		gl_gic_eoi(id);
	}
}

unsigned gl_evtchn_wait(unsigned max_sleeps)
{
	for (unsigned i = 0; !max_sleeps || i < max_sleeps; i++) {
		unsigned n = gl_evtchn_poll();
		if (n)
			return n;
		sleep(st());
	}
	return gl_evtchn_poll();
}
