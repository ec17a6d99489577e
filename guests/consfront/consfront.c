/* A DomU that writes its console through the PV console ring: a greeting, a 300-byte line, then a
 * burst of "consfront.lines=N" 98-byte lines, more than the ring holds, so it must wait for Dom0 to
 * drain it. With "consfront.hostile" it instead breaks its ring's out_prod after two lines.
 * Progress the test checks goes to the hypervisor console (gl_printf); the rest to the PV console.
 * No static state: several DomUs run this one program side by side in the sim. */
#include "lib/cons.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "public/io/console.h"

#define LONG_LINE 300u

static void long_line(void)
{
	char l[LONG_LINE + 1];

	for (unsigned i = 0; i < LONG_LINE; i++)
		l[i] = (char)('A' + i % 26);
	l[LONG_LINE] = '\n';
	cons_front_write(l, sizeof(l));
}

/* Writes an out_prod a ring and a half past out_cons, then checks the frontend refuses to go on. */
static void break_ring(void)
{
	uint64_t pfn;

	cons_front_flush();
	cons_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &pfn);
	uint64_t page = pfn << 12;
	uint32_t cons = gl_read32(page + XENCONS_OFF_OUT_CONS);
	gl_write32(page + XENCONS_OFF_OUT_PROD, cons + XENCONS_OUT_SIZE + XENCONS_OUT_SIZE / 2);
	gl_printf("consfront: hostile out_prod written\n");
	int rc = cons_front_write("more\n", 5);
	gl_printf("consfront: %s: the frontend stops on its broken ring (got %d)\n", rc == -XEN_EIO ? "PASS" : "FAIL",
		  rc);
	gl_shutdown(rc == -XEN_EIO ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

void guest_main(const void *fdt)
{
	int rc = cons_front_init(fdt);

	if (rc) {
		gl_printf("consfront: FAIL: no PV console (%d)\n", rc);
		gl_shutdown(SHUTDOWN_crash);
	}
	unsigned lines = (unsigned)gl_bootarg_u64(fdt, "consfront.lines=", 20);
	cons_printf("consfront: hello from the PV console\n");
	cons_printf("consfront: second line\n");
	if (gl_bootarg(fdt, "consfront.hostile"))
		break_ring();
	long_line();
	for (unsigned i = 0; i < lines; i++)
		cons_printf("consfront: line %04u of %04u %s\n", i, lines,
			    "....................................................................");
	cons_printf("consfront: done\n");
	rc = cons_front_flush();
	gl_printf("consfront: %u lines written, waited %llu times for room, flushed (%d)\n", lines + 4,
		  (unsigned long long)cons_front_waits(), rc);
	gl_shutdown(rc ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
