/* Dom0 running xenstored: the daemon started (boot DomUs found and introduced), a counter node
 * both DomUs may write, then the daemon's loop with Dom0's own client watching @releaseDomain
 * until "xsdom0.domus=N" DomUs have come and gone; then Dom0 checks what they left and powers off. */
#include "lib/guest.h"
#include "lib/xs.h"
#include "lib/xsd.h"
#include "public/errno.h"
#include "public/xen.h"

struct t {
	unsigned failures;
	struct xs_client *c;
};

static void check(struct t *t, bool ok, const char *what, long got)
{
	gl_printf("xsdom0: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	t->failures += !ok;
}

/* The homes under /local/domain other than Dom0's: the DomUs still introduced. */
static int domus(struct t *t)
{
	char names[256];
	int n = xs_directory(t->c, XS_TX_NONE, "/local/domain", names, sizeof(names));
	int homes = 0;
	for (int i = 0, at = 0; i < n; i++) {
		homes += !(names[at] == '0' && names[at + 1] == '\0');
		while (names[at++])
			;
	}
	return n < 0 ? n : homes;
}

void guest_main(const void *fdt)
{
	struct t t = { 0 };
	unsigned want = (unsigned)gl_bootarg_u64(fdt, "xsdom0.domus=", 2);
	int rc = xsd_start(fdt);
	check(&t, rc == 0, "xenstored started", rc);
	t.c = rc ? NULL : xs_open(fdt);
	check(&t, t.c != NULL, "Dom0's client is the direct connection", 0);
	if (!t.c)
		gl_shutdown(SHUTDOWN_crash);
	rc = xs_write(t.c, XS_TX_NONE, "/tool/xstest/counter", "0");
	if (!rc)
		rc = xs_set_perms(t.c, XS_TX_NONE, "/tool/xstest/counter", "b0", 3);
	check(&t, rc == 0, "a counter every domain may read and write", rc);
	rc = domus(&t);
	check(&t, rc == (int)want, "the boot DomUs are introduced, each with its home", rc);
	rc = xs_watch(t.c, "@releaseDomain", "rel");
	check(&t, rc == 0, "watches @releaseDomain", rc);

	char path[64], tok[16];
	unsigned released = 0;
	while (domus(&t) > 0 && xs_next_event(t.c, path, sizeof(path), tok, sizeof(tok), true))
		released += path[0] == '@';
	check(&t, domus(&t) == 0, "every DomU released when it went, its home removed", released);
	char buf[16];
	rc = xs_read(t.c, XS_TX_NONE, "/tool/xstest/counter", buf, sizeof(buf));
	gl_printf("xsdom0: the counter ended at %s\n", rc > 0 ? buf : "?");
	gl_printf("xsdom0: %s\n", t.failures ? "FAILED" : "all passed");
	gl_shutdown(t.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
