/* Null hypercalls back to back, for the host-side rate of the sim's whole trap path: N calls of
 * xen_version(XENVER_version) (N from "hvcrate.n=N" in the guest's bootargs, default 100000), then
 * a line with the count and a poweroff. bench/sim times hypsim running it with N and with 0. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/version.h"
#include "public/xen.h"

#define DEFAULT_CALLS 100000ull

static uint64_t calls_from(const void *fdt)
{
	static const char key[] = "hvcrate.n=";
	int chosen = fdt ? fdt_path_offset(fdt, "/chosen") : -1;
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;

	for (const char *p = args; p && *p; p++) {
		if (p != args && p[-1] != ' ')
			continue;
		size_t i = 0;
		while (key[i] && p[i] == key[i])
			i++;
		if (key[i])
			continue;
		uint64_t n = 0;
		for (p += i; *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (uint64_t)(*p - '0');
		return n;
	}
	return DEFAULT_CALLS;
}

void guest_main(const void *fdt)
{
	uint64_t n = calls_from(fdt), bad = 0;

	for (uint64_t i = 0; i < n; i++)
		bad += gl_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0) <= 0;
	gl_printf("hvcrate: %llu calls, %llu bad results\n", (unsigned long long)n, (unsigned long long)bad);
	gl_shutdown(bad ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
