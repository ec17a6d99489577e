/* A bystander DomU: prints a progress line every ticker.every_us microseconds of the virtual
 * counter (1000 by default) until it is destroyed, so a scenario can show that it kept running
 * while other domains came and went. With ticker.pv=1 the lines go through its PV console (Dom0's
 * backend prints them) instead of the hypervisor's console_io. */
#include "lib/cons.h"
#include "lib/guest.h"
#include "public/xen.h"

void guest_main(const void *fdt)
{
	uint64_t freq = gl_sysreg_read(GL_CNTFRQ_EL0), every = gl_bootarg_u64(fdt, "ticker.every_us=", 1000);
	uint64_t step = freq / 1000000 * (every ? every : 1), next = gl_sysreg_read(GL_CNTVCT_EL0) + step;
	bool pv = gl_bootarg_u64(fdt, "ticker.pv=", 0) && cons_front_init(fdt) == 0;

	for (unsigned n = 1;; n++) {
		while (gl_sysreg_read(GL_CNTVCT_EL0) < next)
			gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
		if (pv)
			cons_printf("ticker: tick %u\n", n);
		else
			gl_printf("ticker: tick %u\n", n);
		next += step;
	}
}
