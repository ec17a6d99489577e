/* Dom0's PV console backend as a program: attaches to the consoles of DomUs 1.."consback.domus=N",
 * waits "consback.delay=Y" yields (so a DomU's burst fills its ring), then prints every line they
 * write as "[dN] line" until each has said "consfront: done" or broken its ring. */
#include <string.h>

#include "lib/cons.h"
#include "lib/guest.h"

#define MAX_DOMUS  8u
#define MAX_ROUNDS 4000000u

struct seen {
	bool done[MAX_DOMUS + 1];
};

static void on_line(void *ctx, domid_t dom, const char *line)
{
	static const char done[] = "consfront: done";
	struct seen *s = ctx;
	if (dom <= MAX_DOMUS && !memcmp(line, done, sizeof(done)))
		s->done[dom] = true;
}

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

void guest_main(const void *fdt)
{
	struct cons_back b[MAX_DOMUS + 1];
	struct seen seen = { 0 };
	unsigned n = (unsigned)gl_bootarg_u64(fdt, "consback.domus=", 1), failures = 0;
	uint64_t delay = gl_bootarg_u64(fdt, "consback.delay=", 0);

	n = n < MAX_DOMUS ? n : MAX_DOMUS;
	for (unsigned d = 1; d <= n; d++) {
		b[d] = (struct cons_back){ .on_line = on_line, .ctx = &seen };
		int rc = cons_back_attach(&b[d], fdt, (domid_t)d);
		gl_printf("consback: %s: attached to d%u's console (got %d)\n", rc ? "FAIL" : "PASS", d, rc);
		failures += rc != 0;
	}
	for (uint64_t i = 0; i < delay; i++)
		yield();
	unsigned rounds = 0, open = n;
	while (open && ++rounds < MAX_ROUNDS) {
		int moved = 0;
		open = 0;
		for (unsigned d = 1; d <= n; d++) {
			if (!b[d].connected || seen.done[d])
				continue;
			int got = cons_back_poll(&b[d]);
			moved |= got > 0;
			open += b[d].connected && !seen.done[d];
		}
		if (!moved)
			yield();
	}
	for (unsigned d = 1; d <= n; d++) {
		gl_printf("consback: d%u: %llu lines, %llu bytes, %s\n", d, (unsigned long long)b[d].lines,
			  (unsigned long long)b[d].bytes,
			  b[d].broken    ? "broken ring"
			  : seen.done[d] ? "done"
					 : "unfinished");
		cons_back_detach(&b[d]);
	}
	failures += open != 0;
	gl_printf("consback: %s\n", failures ? "FAILED" : "all consoles served");
	gl_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
