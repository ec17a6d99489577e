/* Dom0 serving a xenbus "console" device of DomU "vconsback.fe=N": xenstored runs here (xsd), the
 * toolstack's part writes both device directories, and the backend's steps map the frontend's
 * page and bind its port once it is Initialised, print its lines as "[dN] line", and close when
 * the frontend closes. Ends when the frontend is Closed. */
#include "core/format.h"
#include "lib/cons.h"
#include "lib/guest.h"
#include "lib/xenbus.h"
#include "lib/xs.h"
#include "lib/xsd.h"
#include "public/errno.h"

#define ROUNDS_MAX 4000000u

struct t {
	unsigned failures;
	const void *fdt;
	domid_t fe;
	struct cons_back b;
	bool connected, closed;
};

static void check(struct t *t, bool ok, const char *what, long got)
{
	gl_printf("vconsback: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	t->failures += !ok;
}

static int connect(void *ctx, grant_ref_t ref, evtchn_port_t port)
{
	struct t *t = ctx;
	int rc = cons_back_connect(&t->b, t->fdt, t->fe, ref, port);
	check(t, rc == 0, "mapped the frontend's page and bound its port", rc);
	t->connected = rc == 0;
	return rc;
}

static void close_cb(void *ctx)
{
	struct t *t = ctx;
	cons_back_poll(&t->b); /* what the frontend wrote before it closed */
	cons_back_detach(&t->b);
	t->closed = true;
}

void guest_main(const void *fdt)
{
	struct t t = { .fdt = fdt };
	t.fe = (domid_t)gl_bootarg_u64(fdt, "vconsback.fe=", 1);
	int rc = xsd_start(fdt);
	struct xs_client *c = rc ? NULL : xs_open(fdt);
	check(&t, c != NULL, "xenstored started, Dom0's client connected", rc);
	if (!c)
		gl_shutdown(SHUTDOWN_crash);
	struct xenbus_dev d;
	const struct xenbus_ops ops = { &t, NULL, connect, NULL, close_cb };
	xenbus_dev_init(&d, c, "console", t.fe, 0, 1);
	rc = xenbus_create(&d);
	check(&t, rc == 0, "wrote the device's frontend and backend directories", rc);

	unsigned rounds = 0;
	while (++rounds < ROUNDS_MAX) {
		unsigned work = xsd_poll();
		rc = xenbus_back_step(&d, &ops);
		if (rc < 0)
			check(&t, false, "a backend step", rc);
		if (t.closed && xenbus_read_state(c, d.front) == XenbusStateClosed)
			break;
		if (t.b.connected && cons_back_poll(&t.b) > 0)
			work++;
		if (!work && rc <= 0)
			gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	}
	check(&t, t.connected && t.closed && xenbus_read_state(c, d.back) == XenbusStateClosed,
	      "connected, then closed after the frontend", rounds);
	/* The store stays up for the DomU until it is gone: the daemon releases it and its home. */
	char home[32], id[8];
	fmt_snprintf(home, sizeof(home), "/local/domain/%u/domid", t.fe);
	for (rounds = 0; xs_read(c, XS_TX_NONE, home, id, sizeof(id)) >= 0 && ++rounds < ROUNDS_MAX;)
		if (!xsd_poll())
			gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	check(&t, rounds < ROUNDS_MAX, "the DomU was released, its home removed", rounds);
	gl_printf("vconsback: d%u: %llu lines, %llu bytes\n", t.fe, (unsigned long long)t.b.lines,
		  (unsigned long long)t.b.bytes);
	gl_printf("vconsback: %s\n", t.failures ? "FAILED" : "all passed");
	gl_shutdown(t.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
