/* A sim-only program (no EL1 image needs it yet): it shuts its domain down with the reason its
 * command line names (/chosen/bootargs: poweroff, reboot, crash, ...), so that a scenario can see
 * the hypervisor handle each one. */
#include <libfdt.h>
#include <string.h>

#include "lib/guest.h"
#include "public/xen.h"

void guest_main(const void *fdt)
{
	static const char *const reasons[] = {
		[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",     [SHUTDOWN_suspend] = "suspend",
		[SHUTDOWN_crash] = "crash",       [SHUTDOWN_watchdog] = "watchdog",
	};
	int node = fdt ? fdt_path_offset(fdt, "/chosen") : -1;
	const char *args = node >= 0 ? fdt_getprop(fdt, node, "bootargs", NULL) : NULL;

	for (unsigned r = 0; args && r < sizeof(reasons) / sizeof(reasons[0]); r++) {
		if (reasons[r] && strcmp(args, reasons[r]) == 0) {
			gl_printf("shutdowner: %s\n", args);
			gl_shutdown(r);
		}
	}
	gl_printf("shutdowner: no reason in bootargs \"%s\"\n", args ? args : "");
	gl_shutdown(SHUTDOWN_crash);
}
