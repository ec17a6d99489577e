/* The PV console's backend in Dom0: each DomU's page mapped through the grant the toolstack seeded,
 * its out ring drained into lines. The DomU writes the indices: ring_bytes checks them on every
 * read, and a DomU that breaks them loses its console, never Dom0 its footing. */
#include "core/format.h"
#include "lib/cons.h"
#include "lib/evtchn.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "public/io/console.h"

int cons_back_connect(struct cons_back *b, const void *fdt, domid_t dom, grant_ref_t ref, evtchn_port_t remote_port)
{
	long rc;

	*b = (struct cons_back){ .dom = dom, .on_line = b->on_line, .ctx = b->ctx };
	if ((rc = gnttab_init(fdt)) || (rc = gl_evtchn_init(fdt)))
		return (int)rc;
	if ((rc = gnttab_map(dom, ref, false, &b->map)))
		return (int)rc;
	if ((rc = gl_evtchn_bind_interdomain(dom, remote_port, &b->port))) {
		gnttab_unmap(&b->map);
		return (int)rc;
	}
	b->out = cons_out_ring(b->map.gva);
	b->connected = true;
	return 0;
}

int cons_back_attach(struct cons_back *b, const void *fdt, domid_t dom)
{
	uint64_t port;
	int rc = cons_param(dom, HVM_PARAM_CONSOLE_EVTCHN, &port);

	if (rc)
		return rc;
	if (!port || port > UINT32_MAX)
		return -XEN_ENOENT;
	return cons_back_connect(b, fdt, dom, GNTTAB_RESERVED_CONSOLE, (evtchn_port_t)port);
}

static void emit(struct cons_back *b)
{
	b->line[b->len] = 0;
	gl_printf("[d%u] %s\n", b->dom, b->line);
	b->lines++;
	if (b->on_line)
		b->on_line(b->ctx, b->dom, b->line);
	b->len = 0;
}

/* Bytes into the line; a newline or a full buffer ends it. Other control bytes become '.'. */
static void take(struct cons_back *b, const char *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\n') {
			emit(b);
			continue;
		}
		if (c == '\r')
			continue;
		b->line[b->len++] = (c >= ' ' && c < 0x7f) || c == '\t' ? c : '.';
		if (b->len == CONS_LINE - 1)
			emit(b);
	}
}

int cons_back_poll(struct cons_back *b)
{
	char buf[256];
	int total = 0, n = 0;

	if (!b->connected)
		return b->broken ? -XEN_EIO : -XEN_EINVAL;
	/* At most a ring's worth a call: a DomU refilling as fast as we drain cannot hold Dom0 here. */
	while (total < (int)XENCONS_OUT_SIZE && (n = ring_bytes_read(&b->out, buf, sizeof(buf))) > 0) {
		take(b, buf, (unsigned)n);
		total += n;
	}
	b->bytes += (uint64_t)total; /* what was taken counts even when the ring then breaks */
	if (n < 0) {
		gl_printf("[d%u] console: broken ring (out_cons %u, out_prod %u), disconnected\n", b->dom,
			  gl_read32(b->out.cons), gl_read32(b->out.prod));
		b->broken = true;
		cons_back_detach(b);
		return -XEN_EIO;
	}
	if (total)
		gl_evtchn_notify(b->port); /* room for a frontend that waits */
	return total;
}

void cons_back_detach(struct cons_back *b)
{
	if (!b->connected)
		return;
	if (b->len)
		emit(b);
	gl_evtchn_close(b->port);
	gnttab_unmap(&b->map);
	b->connected = false;
}
