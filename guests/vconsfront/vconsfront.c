/* A DomU that makes itself a second console the way Linux's hvc_xen does for a xenbus "console"
 * device: a page of its own RAM granted to the backend (Dom0), an unbound port for it, both
 * published through the xenbus handshake; then lines through the page's ring, and a clean close:
 * the grant cannot be ended while Dom0 still maps it, and can once Dom0 has let go.
 * "vconsfront.lines=N". No static state. */
#include <string.h>

#include "core/format.h"
#include "lib/cons.h"
#include "lib/evtchn.h"
#include "lib/gnttab.h"
#include "lib/guest.h"
#include "lib/xenbus.h"
#include "lib/xs.h"
#include "public/errno.h"

#define WAIT_MAX 400000u

struct t {
	unsigned failures;
	uint64_t page; /* the console page: the last page of the DomU's RAM */
	int ref;
	evtchn_port_t port;
	bool connected, closed;
	uint64_t waits;
};

static void check(struct t *t, bool ok, const char *what, long got)
{
	gl_printf("vconsfront: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	t->failures += !ok;
}

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

static int setup(void *ctx, grant_ref_t *ref, evtchn_port_t *port)
{
	struct t *t = ctx;
	static const uint64_t zero[512];

	gl_copy_to(t->page, zero, sizeof(zero));
	t->ref = gnttab_grant(0, t->page >> 12, false);
	int rc = t->ref < 0 ? t->ref : gl_evtchn_alloc_unbound(0, &t->port);
	check(t, rc == 0, "granted the console page to Dom0 and made a port for it", rc);
	*ref = (grant_ref_t)t->ref;
	*port = t->port;
	return rc;
}

static int connect(void *ctx) { return ((struct t *)ctx)->connected = true, 0; }

/* The backend has unmapped (it closed first): the grant ends now, as it could not before. */
static void close_cb(void *ctx)
{
	struct t *t = ctx;
	int rc;
	unsigned n = 0;
	while ((rc = gnttab_end((grant_ref_t)t->ref)) == -XEN_EBUSY && ++n < WAIT_MAX)
		yield();
	check(t, rc == 0, "the grant ends once Dom0 unmapped the page", rc);
	gl_evtchn_close(t->port);
	t->closed = true;
}

/* Steps the handshake until @done or the step fails; false on a failure or a timeout. */
static bool run(struct t *t, const struct xenbus_dev *d, const struct xenbus_ops *ops, bool *done)
{
	for (unsigned n = 0; !*done && n < WAIT_MAX; n++) {
		int rc = xenbus_front_step(d, ops);
		if (rc < 0) {
			check(t, false, "a handshake step", rc);
			return false;
		}
		if (rc == XENBUS_WAIT)
			yield();
	}
	return *done;
}

void guest_main(const void *fdt)
{
	struct t t = { .ref = -1 };
	uint64_t base, size;
	char id[8];
	unsigned lines = (unsigned)gl_bootarg_u64(fdt, "vconsfront.lines=", 50);
	struct xs_client *c = xs_open(fdt);
	int rc = c ? xs_read(c, XS_TX_NONE, "domid", id, sizeof(id)) : -XEN_EIO;

	check(&t, rc > 0, "the xenstore tells this domain its id", rc);
	if (rc <= 0 || gnttab_init(fdt) || gl_evtchn_init(fdt) || !gl_ram_bank(fdt, &base, &size))
		gl_shutdown(SHUTDOWN_crash);
	domid_t self = 0;
	for (const char *p = id; *p; p++)
		self = (domid_t)(self * 10 + (*p - '0'));
	t.page = base + size - 4096;
	struct xenbus_dev d;
	const struct xenbus_ops ops = { &t, setup, NULL, connect, close_cb };
	xenbus_dev_init(&d, c, "console", self, 0, 1);
	check(&t, run(&t, &d, &ops, &t.connected), "the backend connected to our ring", 0);
	if (!t.connected)
		gl_shutdown(SHUTDOWN_crash);

	struct ring_bytes out = cons_out_ring(t.page);
	char l[96];
	const char *hello = "vconsfront: hello over a xenbus console\n";
	rc = cons_ring_write(&out, t.port, hello, strlen(hello), &t.waits);
	for (unsigned i = 0; i < lines && !rc; i++) {
		int n = fmt_snprintf(l, sizeof(l), "vconsfront: line %03u of %03u --------------------------------\n",
				     i, lines);
		rc = cons_ring_write(&out, t.port, l, (size_t)n, &t.waits);
	}
	check(&t, rc == 0, "every line went into the ring", rc);
	while (ring_bytes_pending(&out) > 0)
		yield();
	rc = gnttab_end((grant_ref_t)t.ref);
	check(&t, rc == -XEN_EBUSY, "the grant cannot end while Dom0 maps the page", rc);

	/* Closing: the backend unmaps and closes, then our close ends the grant. */
	rc = xenbus_write_state(c, d.front, XenbusStateClosing);
	check(&t, rc == 0 && run(&t, &d, &ops, &t.closed), "closed through the handshake", rc);
	check(&t, xenbus_read_state(c, d.front) == XenbusStateClosed, "our state is Closed",
	      xenbus_read_state(c, d.front));
	gl_printf("vconsfront: %u lines, waited %llu times for room\n", lines + 1, (unsigned long long)t.waits);
	gl_printf("vconsfront: %s\n", t.failures ? "FAILED" : "all passed");
	gl_shutdown(t.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
