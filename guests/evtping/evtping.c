/* Event-channel notify round trips between two domains, for bench/pvsim: the "ping" side sends on
 * one channel, the "pong" side's handler answers on a second channel, the ping side's handler sees
 * the answer; N of them timed with the virtual counter. Bootargs: "evtping.peer=DOMID",
 * "evtping.n=N" (both sides the same), "evtping.role=pong" on the answering side. Figures only.
 * No static state: both domains run this one program side by side in the sim. */
#include <libfdt.h>

#include "lib/evtchn.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/xen.h"

#define NO_PEER     0xffffu
#define WAIT_MAX    200000u /* yields or sleeps before a silent peer counts as gone */
#define PING_PORT   1       /* the ping side's alloc_unbound after a reset gives 1, then 2 */
#define ANSWER_PORT 2

struct side {
	evtchn_port_t out; /* where this side's handler sends (pong) */
	uint64_t seen;     /* events its handler took */
};

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

/* Both sides start from an empty table (a boot DomU's console and xenstore ports are 1 and 2). */
static long reset(void)
{
	uint64_t gva;
	struct evtchn_reset *r = gl_alloc(sizeof(*r), &gva);
	r->dom = DOMID_SELF;
	return gl_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_reset, gva, 0, 0, 0);
}

static void count(evtchn_port_t port, void *arg)
{
	(void)port;
	((struct side *)arg)->seen++;
}

/* The pong side's upcall handler: answer on the other channel at once. */
static void answer(evtchn_port_t port, void *arg)
{
	struct side *s = arg;
	(void)port;
	s->seen++;
	gl_evtchn_notify(s->out);
}

static int pong(domid_t peer, uint64_t n)
{
	struct side s = { 0 };
	evtchn_port_t in, out;
	unsigned tries = 0;
	int rc;

	/* The answer channel first: the ping side starts only once it sees "ready" on it. */
	while ((rc = gl_evtchn_bind_interdomain(peer, ANSWER_PORT, &out)) == -XEN_EINVAL && tries++ < WAIT_MAX)
		yield();
	if (rc || gl_evtchn_bind_interdomain(peer, PING_PORT, &in))
		return -1;
	/* Binding raises an event on the new local port (Xen's rule): not a ping. */
	gl_evtchn_take(in);
	gl_evtchn_take(out);
	s.out = out;
	if (gl_evtchn_set_handler(in, answer, &s))
		return -1;
	gl_evtchn_notify(out); /* ready */
	while (s.seen < n)
		if (!gl_evtchn_wait(WAIT_MAX))
			return -1;
	gl_printf("evtping: pong answered %llu pings\n", (unsigned long long)s.seen);
	return 0;
}

static int ping(domid_t peer, uint64_t n)
{
	struct side s = { 0 };
	evtchn_port_t out, in;

	if (gl_evtchn_alloc_unbound(peer, &out) || gl_evtchn_alloc_unbound(peer, &in) || out != PING_PORT ||
	    in != ANSWER_PORT || gl_evtchn_set_handler(in, count, &s))
		return -1;
	while (s.seen == 0) /* the pong side's "ready" */
		if (!gl_evtchn_wait(WAIT_MAX))
			return -1;
	s.seen = 0;
	uint64_t t0 = gl_sysreg_read(GL_CNTVCT_EL0);
	for (uint64_t i = 0; i < n; i++) {
		gl_evtchn_notify(out);
		while (s.seen == i)
			if (!gl_evtchn_wait(WAIT_MAX))
				return -1;
	}
	uint64_t ticks = gl_sysreg_read(GL_CNTVCT_EL0) - t0, hz = gl_sysreg_read(GL_CNTFRQ_EL0);
	gl_printf("evtping: %llu round trips in %llu counter ticks at %llu Hz\n", (unsigned long long)n,
		  (unsigned long long)ticks, (unsigned long long)hz);
	return s.seen == n ? 0 : -1;
}

void guest_main(const void *fdt)
{
	if (!fdt || fdt_check_header(fdt) || gl_evtchn_init(fdt)) {
		gl_printf("evtping: no usable tree or shared_info\n");
		return;
	}
	uint64_t peer = gl_bootarg_u64(fdt, "evtping.peer=", NO_PEER), n = gl_bootarg_u64(fdt, "evtping.n=", 1000);
	const char *role = gl_bootarg(fdt, "evtping.role=");
	bool is_pong = role && role[0] == 'p' && role[1] == 'o';
	if (peer >= NO_PEER) {
		gl_printf("evtping: no evtping.peer=\n");
		return;
	}
	if (reset()) {
		gl_printf("evtping: EVTCHNOP_reset failed\n");
		return;
	}
	int rc = is_pong ? pong((domid_t)peer, n) : ping((domid_t)peer, n);
	gl_printf("evtping: %s %s\n", is_pong ? "pong" : "ping", rc ? "failed" : "done");
}
