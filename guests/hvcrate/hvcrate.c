/* Null hypercalls back to back, for the host-side rate of the sim's whole trap path: N calls of
 * xen_version(XENVER_version) (N from "hvcrate.n=N" in the guest's bootargs, default 100000), then
 * a line with the count and a poweroff. With "hvcrate.sgi" it sends itself N SGIs instead, each
 * taken by its IRQ handler before the next: the whole virtual-interrupt path (ICC_SGI1R trap, vGIC
 * injection, list register, exception at EL1, IAR, EOI). bench/sim times hypsim with N and with 0. */

#include "lib/guest.h"
#include "public/version.h"
#include "public/xen.h"

#define DEFAULT_CALLS 100000ull

#define SGI 1

static volatile uint64_t taken;

static void on_irq(void)
{
	uint32_t id = gl_gic_ack();

	if (id < 1020) {
		taken++;
		gl_gic_eoi(id);
	}
}

static uint64_t sgis(uint64_t n)
{
	uint64_t bad = 0;

	gl_irq_vector(on_irq);
	gl_gic_enable(SGI, 0xa0);
	gl_irq_unmask();
	for (uint64_t i = 0; i < n; i++) {
		gl_gic_send_sgi(gl_vcpu_id(), SGI);
		bad += taken != i + 1;
	}
	return bad;
}

void guest_main(const void *fdt)
{
	uint64_t n = gl_bootarg_u64(fdt, "hvcrate.n=", DEFAULT_CALLS), bad = 0;
	bool sgi = gl_bootarg(fdt, "hvcrate.sgi") != NULL;

	if (sgi && gl_gic_init(fdt) < 0)
		gl_shutdown(SHUTDOWN_crash);
	if (sgi)
		bad = sgis(n);
	for (uint64_t i = 0; !sgi && i < n; i++)
		bad += gl_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0) <= 0;
	gl_printf("hvcrate: %llu %s, %llu bad results\n", (unsigned long long)n, sgi ? "SGIs" : "calls",
		  (unsigned long long)bad);
	gl_shutdown(bad ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
