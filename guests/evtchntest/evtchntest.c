/* Event channels from inside a guest: shared_info mapped with add_to_physmap, then bind_ipi and
 * send to itself, an interdomain loopback (alloc_unbound + bind_interdomain), status, close,
 * unmask and reset, Xen's errno for each misuse, and the upcall taken as PPI 31 through the GIC.
 * PASS/FAIL lines as hcalltest's; the same program on QEMU and on the sim. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/event_channel.h"
#include "public/shared.h"
#include "public/xen.h"

#define EINVAL     22
#define ESRCH      3
#define ENOENT     2
#define EFAULT     14
#define EPERM      1
#define ENOSYS     38
#define UPCALL_PPI 31 /* Xen's DomU default, when the tree does not say */
#define PRIO       0xa0
#define ROUNDS     100
#define WAIT       100000

static int failures;
/* shared_info's guest address: once mapped it is another frame than the RAM page that was there,
 * so it is read and written only through single guest accesses, never a cached host pointer. */
static uint64_t si;
static void *arg;       /* the op structs, in the guest's own RAM */
static domid_t self_id; /* learnt from the status of a port allocated for DOMID_SELF */
static uint64_t arg_gva;

static void check(bool ok, const char *what, long got)
{
	gl_printf("evtchntest: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	failures += !ok;
}

static long op(unsigned cmd) { return gl_hypercall(__HYPERVISOR_event_channel_op, cmd, arg_gva, 0, 0, 0); }

static uint64_t si_word(unsigned off) { return gl_read64(si + off); }
#define PENDING(port) (si + 48 + (port) / 64 * 8)
#define MASK(port)    (si + 560 + (port) / 64 * 8)
#define BIT(port)     (1ull << ((port) % 64))
static bool pending(evtchn_port_t p) { return gl_read64(PENDING(p)) & BIT(p); }
static bool upcall_pending(void) { return si_word(0) & 0xff; }
static uint64_t pending_sel(void) { return si_word(8); }

/* What the guest's handler does before looking: upcall flag, selector, then the port's bit. Only
 * this vCPU's own hypercalls set them in this program, so plain stores do not race. */
static void consume(evtchn_port_t p)
{
	gl_write64(si, si_word(0) & ~0xffull);
	gl_write64(si + 8, 0);
	gl_write64(PENDING(p), gl_read64(PENDING(p)) & ~BIT(p));
}

static long bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi *b = arg;
	*b = (struct evtchn_bind_ipi){ .vcpu = vcpu };
	long rc = op(EVTCHNOP_bind_ipi);
	*port = b->port;
	return rc;
}

static long port_op(unsigned cmd, evtchn_port_t port)
{
	*(evtchn_port_t *)arg = port;
	return op(cmd);
}

static struct evtchn_status status(evtchn_port_t port, long *rc)
{
	struct evtchn_status *s = arg;
	*s = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
	*rc = op(EVTCHNOP_status);
	return *s;
}

static void ipi_to_self(void)
{
	evtchn_port_t p;
	long rc = bind_ipi(0, &p);
	check(rc == 0 && p > 0, "bind_ipi on vCPU 0 gives a port", rc ? rc : p);
	struct evtchn_status s = status(p, &rc);
	check(rc == 0 && s.status == EVTCHNSTAT_ipi && s.vcpu == 0, "status says ipi on vCPU 0", s.status);
	rc = port_op(EVTCHNOP_send, p);
	check(rc == 0 && pending(p), "send to self sets the port's pending bit", rc);
	check(pending_sel() == BIT(p / 64), "and the selector bit of its word", (long)pending_sel());
	check(upcall_pending(), "and evtchn_upcall_pending", upcall_pending());
	consume(p);

	gl_write64(MASK(p), gl_read64(MASK(p)) | BIT(p));
	rc = port_op(EVTCHNOP_send, p);
	check(rc == 0 && pending(p) && !upcall_pending(), "a masked port is pending without an upcall", rc);
	rc = port_op(EVTCHNOP_unmask, p);
	check(rc == 0 && !(gl_read64(MASK(p)) & BIT(p)) && upcall_pending(), "unmask delivers it", rc);
	consume(p);
	rc = port_op(EVTCHNOP_close, p);
	check(rc == 0, "close of the ipi port", rc);
	rc = port_op(EVTCHNOP_send, p);
	check(rc == -EINVAL, "send to a closed port is EINVAL", rc);
	rc = port_op(EVTCHNOP_close, p);
	check(rc == -EINVAL, "closing it again is EINVAL", rc);
}

static void loopback(void)
{
	struct evtchn_alloc_unbound *a = arg;
	*a = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	long rc = op(EVTCHNOP_alloc_unbound);
	evtchn_port_t ua = a->port;
	check(rc == 0 && ua > 0, "alloc_unbound for ourselves", rc ? rc : ua);
	struct evtchn_status s = status(ua, &rc);
	domid_t me = self_id = s.u.unbound.dom;
	check(rc == 0 && s.status == EVTCHNSTAT_unbound && me < DOMID_FIRST_RESERVED,
	      "status: unbound, waiting for our own domain id", me);
	rc = port_op(EVTCHNOP_send, ua);
	check(rc == 0 && !pending(ua), "send on an unbound port is dropped", rc);

	struct evtchn_bind_interdomain *b = arg;
	*b = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = ua };
	rc = op(EVTCHNOP_bind_interdomain);
	evtchn_port_t ub = b->local_port;
	check(rc == 0 && ub > 0 && ub != ua, "bind_interdomain to it: the loopback's other end", rc ? rc : ub);
	check(pending(ub), "the new end starts pending (sends to the unbound end were lost)", pending(ub));
	consume(ub);
	s = status(ub, &rc);
	check(rc == 0 && s.status == EVTCHNSTAT_interdomain && s.u.interdomain.dom == me && s.u.interdomain.port == ua,
	      "status of the new end names the first", s.u.interdomain.port);
	s = status(ua, &rc);
	check(rc == 0 && s.status == EVTCHNSTAT_interdomain && s.u.interdomain.port == ub,
	      "status of the first end names the new one", s.u.interdomain.port);
	rc = port_op(EVTCHNOP_send, ua);
	check(rc == 0 && pending(ub) && !pending(ua), "send on one end is pending on the other", rc);
	consume(ub);
	rc = port_op(EVTCHNOP_send, ub);
	check(rc == 0 && pending(ua), "and back", rc);
	consume(ua);
	*b = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = ua };
	rc = op(EVTCHNOP_bind_interdomain);
	check(rc == -EINVAL, "binding to a port already bound is EINVAL", rc);

	rc = port_op(EVTCHNOP_close, ub);
	check(rc == 0, "close one end", rc);
	s = status(ua, &rc);
	check(rc == 0 && s.status == EVTCHNSTAT_unbound && s.u.unbound.dom == me, "the other end is unbound again",
	      s.status);
	s = status(ub, &rc);
	check(rc == 0 && s.status == EVTCHNSTAT_closed, "the closed end's status is closed", s.status);

	evtchn_port_t p;
	bind_ipi(0, &p);
	rc = port_op(EVTCHNOP_reset, DOMID_SELF);
	check(rc == 0, "reset of our own ports", rc);
	s = status(ua, &rc);
	evtchn_port_t again;
	long rc2 = bind_ipi(0, &again);
	check(rc == 0 && s.status == EVTCHNSTAT_closed && rc2 == 0 && again == 1,
	      "reset closed every port: the next one is port 1 again", again);
	port_op(EVTCHNOP_close, again);
}

static void errnos(void)
{
	long rc = port_op(EVTCHNOP_send, EVTCHN_2L_NR_CHANNELS);
	check(rc == -EINVAL, "send to a port out of range is EINVAL", rc);
	rc = port_op(EVTCHNOP_send, 0);
	check(rc == -EINVAL, "send to reserved port 0 is EINVAL", rc);
	struct evtchn_status *s = arg;
	*s = (struct evtchn_status){ .dom = DOMID_INVALID, .port = 1 };
	rc = op(EVTCHNOP_status);
	check(rc == -ESRCH, "status of a domain that does not exist is ESRCH", rc);
	evtchn_port_t p;
	rc = bind_ipi(99, &p);
	check(rc == -ENOENT, "bind_ipi on a vCPU that does not exist is ENOENT", rc);
	struct evtchn_bind_virq *v = arg;
	*v = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 1 };
	rc = op(EVTCHNOP_bind_virq);
	check(rc == -EINVAL, "a global VIRQ bound on vCPU 1 is EINVAL", rc);
	*v = (struct evtchn_bind_virq){ .virq = NR_VIRQS, .vcpu = 0 };
	rc = op(EVTCHNOP_bind_virq);
	check(rc == -EINVAL, "a VIRQ beyond the last is EINVAL", rc);
	rc = gl_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, 0x10, 0, 0, 0);
	check(rc == -EFAULT, "an argument pointer into nothing is EFAULT", rc);
	rc = op(EVTCHNOP_init_control);
	check(rc == -ENOSYS, "init_control (FIFO ABI) is ENOSYS: 2-level only", rc);
	rc = op(99);
	check(rc == -ENOSYS, "an unknown command is ENOSYS", rc);
}

/* The upcall handler, as an OS's: acknowledge PPI 31, clear the upcall flag, then take every
 * pending unmasked port the selector names. */
static volatile unsigned upcalls, events, spurious;
static uint32_t upcall_irq;

static void irq_handler(void)
{
	for (;;) {
		uint32_t id = gl_gic_ack();
		if (id >= 1020)
			return;
		if (id != upcall_irq) {
			spurious++;
			gl_gic_eoi(id);
			continue;
		}
		upcalls++;
		gl_write64(si, si_word(0) & ~0xffull);
		uint64_t sel = pending_sel();
		gl_write64(si + 8, 0);
		for (unsigned w = 0; w < 64; w++) {
			if (!(sel >> w & 1))
				continue;
			uint64_t bits = gl_read64(si + 48 + w * 8) & ~gl_read64(si + 560 + w * 8);
			gl_write64(si + 48 + w * 8, gl_read64(si + 48 + w * 8) & ~bits);
			events += (unsigned)__builtin_popcountll(bits);
		}
		gl_gic_eoi(id);
	}
}

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

static bool wait_for(volatile unsigned *c, unsigned want)
{
	for (unsigned i = 0; i < WAIT && *c < want; i++)
		yield();
	return *c >= want;
}

/* The upcall's INTID from /hypervisor's interrupts (Xen's binding: one PPI specifier), as Linux
 * finds it; Xen gives its Dom0 another PPI than a DomU's 31. */
static uint32_t upcall_intid(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/hypervisor"), len = 0;
	const fdt32_t *irq = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;
	if (!irq || len < 12 || fdt32_to_cpu(irq[0]) != 1 || fdt32_to_cpu(irq[1]) > 15)
		return UPCALL_PPI;
	return 16 + fdt32_to_cpu(irq[1]);
}

static void upcall_through_gic(const void *fdt)
{
	int gic = gl_gic_init(fdt);
	check(gic == 2 || gic == 3, "a GIC in the device tree", gic);
	if (gic < 0)
		return;
	upcall_irq = upcall_intid(fdt);
	gl_printf("evtchntest: upcall on INTID %u\n", upcall_irq);
	gl_irq_vector(irq_handler);
	gl_gic_enable(upcall_irq, PRIO);
	gl_irq_unmask();
	/* The upcalls raised above, with PPI 31 still disabled, left it pending: one interrupt at most
	 * arrives for all of them now, and finds nothing to do. */
	for (unsigned i = 0; i < 100; i++)
		yield();
	check(upcalls <= 1 && events == 0, "earlier upcalls arrive as at most one interrupt once enabled", upcalls);
	upcalls = 0;
	evtchn_port_t p;
	long rc = bind_ipi(0, &p);
	unsigned taken = 0;
	for (unsigned i = 0; rc == 0 && i < ROUNDS; i++) {
		port_op(EVTCHNOP_send, p);
		taken += wait_for(&upcalls, i + 1);
	}
	check(taken == ROUNDS && upcalls == ROUNDS, "every send to self raised one upcall interrupt", upcalls);
	check(events == ROUNDS, "each upcall found its port pending", events);
	/* A masked port stays quiet; unmasking it brings the event in. */
	gl_write64(MASK(p), gl_read64(MASK(p)) | BIT(p));
	port_op(EVTCHNOP_send, p);
	for (unsigned i = 0; i < 100; i++)
		yield();
	check(upcalls == ROUNDS, "a send to a masked port raises no upcall", upcalls);
	port_op(EVTCHNOP_unmask, p);
	bool ok = wait_for(&upcalls, ROUNDS + 1) && events == ROUNDS + 1;
	check(ok, "unmask raises the upcall for it", upcalls);
	check(spurious == 0, "no other interrupt arrived", spurious);
	gl_irq_mask();
	port_op(EVTCHNOP_close, p);
}

/* "evtchntest.peer=DOMID" in the kernel's bootargs: after its own checks the program connects to
 * that domain's evtchntest and exchanges events with it. */
static long peer_from(const void *fdt)
{
	static const char key[] = "evtchntest.peer=";
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;

	for (const char *p = args; p && *p; p++) {
		if (p != args && p[-1] != ' ')
			continue;
		size_t i = 0;
		while (key[i] && p[i] == key[i])
			i++;
		if (key[i])
			continue;
		long n = 0;
		for (p += i; *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (*p - '0');
		return n;
	}
	return -1;
}

/* Both sides reset their ports first, so the lower domain's alloc_unbound gives port 1: the port
 * the higher one binds to, retrying until the lower one has made it (EINVAL until then). */
#define PEER_PORT  1
#define PING_PONGS 50

static void with_peer(domid_t peer)
{
	domid_t me = self_id;
	bool lower = me < peer;
	long rc = port_op(EVTCHNOP_reset, DOMID_SELF);

	gl_printf("evtchntest: d%u and d%u exchange events\n", me, peer);
	if (me != 0) {
		struct evtchn_alloc_unbound *a = arg;
		*a = (struct evtchn_alloc_unbound){ .dom = peer, .remote_dom = me };
		rc = op(EVTCHNOP_alloc_unbound);
		check(rc == -EPERM, "alloc_unbound in the peer's table without privilege is EPERM", rc);
		struct evtchn_status *st = arg;
		*st = (struct evtchn_status){ .dom = peer, .port = PEER_PORT };
		rc = op(EVTCHNOP_status);
		check(rc == -EPERM, "status of the peer's port without privilege is EPERM", rc);
	}
	evtchn_port_t port = 0;
	unsigned i = 0, base = events;
	gl_irq_unmask();
	if (lower) {
		struct evtchn_alloc_unbound *a = arg;
		*a = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = peer };
		rc = op(EVTCHNOP_alloc_unbound);
		port = a->port;
		check(rc == 0 && port == PEER_PORT, "alloc_unbound for the peer gives port 1", rc ? rc : port);
		struct evtchn_status s = { 0 };
		while (i++ < WAIT && (s = status(port, &rc)).status != EVTCHNSTAT_interdomain)
			yield();
		check(s.status == EVTCHNSTAT_interdomain && s.u.interdomain.dom == peer, "the peer bound to it",
		      s.status);
	} else {
		struct evtchn_bind_interdomain *b = arg;
		do {
			*b = (struct evtchn_bind_interdomain){ .remote_dom = peer, .remote_port = PEER_PORT };
			rc = op(EVTCHNOP_bind_interdomain);
		} while (rc == -EINVAL && i++ < WAIT && (yield(), true));
		port = b->local_port;
		check(rc == 0, "bind_interdomain to the peer's port 1", rc);
		bool ok = rc == 0 && wait_for(&events, base + 1);
		check(ok, "the binding raised one event on our new port (Xen's rule)", ok);
		base = events;
	}
	/* Ping-pong, the binder first: each side sends only once it has the other's event, so no two
	 * events ever merge into one pending bit. */
	unsigned done = 0;
	for (unsigned r = 0; rc == 0 && r < PING_PONGS; r++) {
		if (!lower && port_op(EVTCHNOP_send, port))
			break;
		if (!wait_for(&events, base + r + 1))
			break;
		if (lower && port_op(EVTCHNOP_send, port))
			break;
		done++;
	}
	check(done == PING_PONGS, "events went both ways between the domains, one upcall each", done);
	if (lower) {
		/* The peer shuts down now; its destruction closes its end, which leaves ours unbound. */
		struct evtchn_status s = { 0 };
		i = 0;
		while (i++ < WAIT && (s = status(port, &rc)).status == EVTCHNSTAT_interdomain)
			yield();
		check(s.status == EVTCHNSTAT_unbound && s.u.unbound.dom == peer,
		      "the peer's destruction left our port unbound, waiting for it", s.status);
	}
	gl_irq_mask();
}

void guest_main(const void *fdt)
{
	uint64_t gva;
	arg = gl_alloc(64, &arg_gva);
	/* A page of our RAM to put shared_info over, as Linux does with a page it reserves. */
	gl_alloc(2 * 4096, &gva);
	si = (gva + 4095) & ~4095ull;
	struct xen_add_to_physmap *x = arg;
	*x = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = si >> 12 };
	long rc = gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, arg_gva, 0, 0, 0);
	check(rc == 0, "shared_info mapped with add_to_physmap", rc);
	if (rc == 0) {
		ipi_to_self();
		loopback();
		errnos();
		upcall_through_gic(fdt);
		long peer = peer_from(fdt);
		if (peer >= 0 && peer < DOMID_FIRST_RESERVED && peer != self_id)
			with_peer((domid_t)peer);
	}
	gl_printf("evtchntest: %s\n", failures ? "FAILED" : "all passed");
	gl_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
