/* The PV console's frontend: the DomU's side of the xencons page, written through guest accesses
 * (the page is ordinary RAM of the DomU, but the backend reads it concurrently). */
#include <stdarg.h>

#include "core/format.h"
#include "lib/cons.h"
#include "lib/evtchn.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "public/io/console.h"

#define LINE 256u /* as gl_printf's */

struct cons_front {
	struct ring_bytes out;
	evtchn_port_t port;
	uint64_t waits;
};

static struct cons_front *front(void) { return *gl_domain_local(GL_LOCAL_CONS); }

/* Its argument in the arena, once per call site's life: a domain asks a handful of times. */
int cons_param(domid_t dom, uint32_t index, uint64_t *v)
{
	uint64_t gva;
	struct xen_hvm_param *p = gl_alloc(sizeof(*p), &gva);

	*p = (struct xen_hvm_param){ .domid = dom, .index = index };
	long rc = gl_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, gva, 0, 0, 0);
	*v = p->value;
	return (int)rc;
}

int cons_front_init(const void *fdt)
{
	void **slot = gl_domain_local(GL_LOCAL_CONS);
	uint64_t pfn, port, gva;
	long rc;

	if (*slot)
		return 0;
	if ((rc = cons_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &pfn)) ||
	    (rc = cons_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &port)))
		return (int)rc;
	if (!pfn || !port || port > UINT32_MAX)
		return -XEN_ENOENT; /* no console was set up for this domain */
	if ((rc = gl_evtchn_init(fdt)))
		return (int)rc;
	struct cons_front *f = gl_alloc(sizeof(*f), &gva);
	f->out = cons_out_ring(pfn << 12); /* identity-mapped: VA == IPA */
	f->port = (evtchn_port_t)port;
	*slot = f;
	return 0;
}

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

struct ring_bytes cons_out_ring(uint64_t page)
{
	return (struct ring_bytes){ .buf = page + XENCONS_OFF_OUT,
				    .size = XENCONS_OUT_SIZE,
				    .cons = page + XENCONS_OFF_OUT_CONS,
				    .prod = page + XENCONS_OFF_OUT_PROD };
}

int cons_ring_write(const struct ring_bytes *out, evtchn_port_t port, const char *s, size_t len, uint64_t *waits)
{
	while (len) {
		int n = ring_bytes_write(out, s, len);
		if (n < 0)
			return n;
		if (n) {
			gl_evtchn_notify(port);
			s += n;
			len -= (size_t)n;
		} else {
			/* Full: the backend was told when the bytes went in; it makes room in its own time. */
			(*waits)++;
			yield();
		}
	}
	return 0;
}

int cons_front_write(const char *s, size_t len)
{
	struct cons_front *f = front();

	return f ? cons_ring_write(&f->out, f->port, s, len, &f->waits) : -XEN_EINVAL;
}

void cons_printf(const char *fmt, ...)
{
	char line[LINE];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		cons_front_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int cons_front_flush(void)
{
	struct cons_front *f = front();
	int n;

	if (!f)
		return -XEN_EINVAL;
	while ((n = ring_bytes_pending(&f->out)) > 0)
		yield();
	return n;
}

uint64_t cons_front_waits(void) { return front() ? front()->waits : 0; }
