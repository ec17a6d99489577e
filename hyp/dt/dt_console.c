#include <libfdt.h>

#include "core/bootargs.h"
#include "dt/dt_node.h"
#include "dt/dt_steps.h"
#include "public/errno.h"

/* Room for a path and its ":115200n8"-style options; anything longer is refused, not cut. */
#define DTUART_MAX (PLAT_PATH_MAX + 32)

int dt_parse_bootargs(const void *fdt, struct platform *plat, struct dt_error *err)
{
	/* Xen's own property first, so a tree prepared for Xen boots Halcyon with the same options. */
	static const char *const props[] = { "xen,xen-bootargs", "bootargs" };
	int chosen = fdt_path_offset(fdt, "/chosen");

	for (unsigned i = 0; chosen >= 0 && i < sizeof(props) / sizeof(props[0]); i++)
		if (dt_has(fdt, chosen, props[i]))
			return dt_string(fdt, chosen, props[i], &plat->bootargs, err);
	return 0;
}

static int console_node(const void *fdt, int node, struct platform *plat, struct dt_error *err)
{
	if (!dt_enabled(fdt, node))
		return dt_fail(err, fdt, node, -XEN_ENODEV, "the console UART is disabled");
	if (fdt_get_path(fdt, node, plat->uart.path, sizeof(plat->uart.path)) < 0) {
		plat->uart.path[0] = '\0';
		return dt_fail(err, fdt, -1, -XEN_E2BIG, "the console's path is longer than %d bytes",
			       PLAT_PATH_MAX - 1);
	}
	int rc = dt_reg(fdt, node, 0, &plat->uart.regs, err);
	if (rc)
		return rc;
	/* No interrupt is allowed: the console then polls (intid 0 is an SGI, never a UART's). */
	if (!dt_has(fdt, node, "interrupts") && !dt_has(fdt, node, "interrupts-extended"))
		return 0;
	return dt_irq(fdt, node, 0, &plat->uart.intid, err);
}

int dt_parse_console(const void *fdt, struct platform *plat, struct dt_error *err)
{
	char dtuart[DTUART_MAX];
	const char *spec, *source;
	int chosen = fdt_path_offset(fdt, "/chosen");
	int rc;

	if (chosen < 0)
		return 0;
	/* dtuart= overrides stdout-path, as in Xen, so one command line drives either hypervisor. */
	if (bootargs_get(plat->bootargs, "dtuart", dtuart, sizeof(dtuart)) && dtuart[0]) {
		if (strlen(dtuart) == sizeof(dtuart) - 1)
			return dt_fail(err, fdt, chosen, -XEN_EINVAL, "dtuart= is longer than %d characters",
				       DTUART_MAX - 2);
		spec = dtuart;
		source = "dtuart=";
	} else if (dt_has(fdt, chosen, "stdout-path")) {
		rc = dt_string(fdt, chosen, "stdout-path", &spec, err);
		if (rc)
			return rc;
		source = "stdout-path";
	} else {
		return 0;
	}
	/* Options such as ":115200n8" follow the path; node names never contain ':'. */
	const char *colon = strchr(spec, ':');
	int node = dt_lookup(fdt, spec, colon ? (int)(colon - spec) : (int)strlen(spec), err);
	if (node < 0) {
		struct dt_error why = *err;
		return dt_fail(err, fdt, chosen, node, "console from %s: %s", source, why.msg);
	}
	return console_node(fdt, node, plat, err);
}
