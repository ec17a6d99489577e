/* A DomU's xenstore, end to end: its client over the store ring to Dom0's daemon; its own home
 * (read, write, directory, permissions it grants its peer), the peer's nodes (read where granted,
 * EACCES where not), a watch on the peer's node, and a counter both DomUs increment in
 * transactions, retried on EAGAIN. "xstest.peer=DOMID xstest.rounds=N". With "xstest.hostile=1"
 * instead, a broken peer: after one good request it moves its ring's req_prod more than a ring
 * ahead and checks that the daemon gives up on its ring only. No static state: several domains
 * run it side by side in the sim. */
#include "lib/guest.h"
#include "lib/xs.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "public/io/xs_wire.h"
#include "public/xen.h"

#define COUNTER "/tool/xstest/counter"

struct t {
	unsigned failures;
	struct xs_client *c;
	unsigned me, peer, rounds;
};

static void check(struct t *t, bool ok, const char *what, long got)
{
	gl_printf("xstest: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	t->failures += !ok;
}

static unsigned num(const char *s)
{
	unsigned n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned)(*s++ - '0');
	return n;
}

/* @n in decimal at @p; returns the end. */
static char *put_num(char *p, unsigned n)
{
	char d[10];
	unsigned k = 0;
	do
		d[k++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (k)
		*p++ = d[--k];
	*p = '\0';
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	*p = '\0';
	return p;
}

static bool equal(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void home(struct t *t)
{
	char buf[64], names[64];
	int rc = xs_read(t->c, XS_TX_NONE, "domid", buf, sizeof(buf));
	check(t, rc > 0 && num(buf) == t->me, "reads its domid under its home (a relative path)",
	      rc > 0 ? (long)num(buf) : rc);
	rc = xs_get_domain_path(t->c, (domid_t)t->me, buf, sizeof(buf));
	check(t, rc == 15 + (t->me >= 10) && buf[14] == (char)('0' + t->me % 10), "get_domain_path names its home", rc);
	rc = xs_mkdir(t->c, XS_TX_NONE, "data");
	/* The peer may read data/ and what is made under it: "n<me>\0r<peer>\0". */
	char perms[16], *p = perms;
	*p++ = 'n', p = put_num(p, t->me) + 1;
	*p++ = 'r', p = put_num(p, t->peer) + 1;
	if (!rc)
		rc = xs_set_perms(t->c, XS_TX_NONE, "data", perms, (size_t)(p - perms));
	check(t, rc == 0, "makes data/ readable by its peer", rc);
	char got[16];
	rc = xs_get_perms(t->c, XS_TX_NONE, "data", got, sizeof(got));
	check(t, rc == (int)(p - perms) && __builtin_memcmp(got, perms, (size_t)rc) == 0, "and reads those perms back",
	      rc);
	p = put_num(put_str(buf, "from d"), t->me);
	rc = xs_write(t->c, XS_TX_NONE, "data/hello", buf);
	check(t, rc == 0, "writes data/hello", rc);
	rc = xs_write(t->c, XS_TX_NONE, "private", "mine");
	check(t, rc == 0, "writes a private node", rc);
	rc = xs_directory(t->c, XS_TX_NONE, "data", names, sizeof(names));
	check(t, rc == 1 && equal(names, "hello"), "directory of data/ lists hello", rc);
	rc = xs_read(t->c, XS_TX_NONE, "nothing-here", buf, sizeof(buf));
	check(t, rc == -XEN_ENOENT, "a missing node of its own is ENOENT", rc);
	rc = xs_write(t->c, XS_TX_NONE, "/local/domain/0/intrude", "x");
	check(t, rc == -XEN_EACCES, "writing in Dom0's home is EACCES", rc);
}

/* Events until @path reads (the first comes at once, the peer's writes bring more). */
static int read_when_there(struct t *t, const char *path, char *buf, size_t len, unsigned *events)
{
	char ev[64], tok[16];
	int rc;
	while ((rc = xs_read(t->c, XS_TX_NONE, path, buf, len)) < 0 &&
	       xs_next_event(t->c, ev, sizeof(ev), tok, sizeof(tok), true))
		++*events;
	return rc;
}

/* The handshake that makes a watch event certain: each side watches the peer's data/, then says
 * "ready"; once it sees the peer ready, the peer's watch on its data/ stands, so its "go" must
 * reach the peer as an event, and the peer's "go" must reach it. */
static void peer(struct t *t)
{
	char base[40], path[64], buf[64], ev[64], tok[16];
	put_num(put_str(base, "/local/domain/"), t->peer);
	put_str(put_str(path, base), "/data");
	int rc = xs_watch(t->c, path, "peer");
	check(t, rc == 0, "watches the peer's data/", rc);
	rc = xs_write(t->c, XS_TX_NONE, "data/ready", "1");
	unsigned events = 0;
	put_str(put_str(path, base), "/data/ready");
	rc = rc ? rc : read_when_there(t, path, buf, sizeof(buf), &events);
	check(t, rc == 1, "sees the peer ready", rc);
	put_str(put_str(path, base), "/data/hello");
	rc = xs_read(t->c, XS_TX_NONE, path, buf, sizeof(buf));
	char want[24];
	put_num(put_str(want, "from d"), t->peer);
	check(t, rc > 0 && equal(buf, want), "reads the peer's data/hello where the peer granted it", rc);
	rc = xs_write(t->c, XS_TX_NONE, "data/go", "1");
	put_str(put_str(path, base), "/data/go");
	bool got = false;
	for (unsigned i = 0; !rc && !got && i < 64 && xs_next_event(t->c, ev, sizeof(ev), tok, sizeof(tok), true); i++)
		got = equal(ev, path) && equal(tok, "peer");
	check(t, got, "a watch event for the peer's data/go, written after both watches stood", events);
	put_str(put_str(path, base), "/private");
	rc = xs_read(t->c, XS_TX_NONE, path, buf, sizeof(buf));
	check(t, rc == -XEN_EACCES, "the peer's private node is EACCES", rc);
	put_str(put_str(path, base), "/data/intrude");
	rc = xs_write(t->c, XS_TX_NONE, path, "x");
	check(t, rc == -XEN_EACCES, "writing under the peer's read-only grant is EACCES", rc);
	put_str(put_str(path, base), "/data/hello");
	rc = xs_rm(t->c, XS_TX_NONE, path);
	check(t, rc == -XEN_EACCES, "removing the peer's node is EACCES", rc);
	put_str(put_str(path, base), "/data");
	rc = xs_unwatch(t->c, path, "peer");
	check(t, rc == 0, "unwatch", rc);
}

/* Each round: read the counter and write it plus one in one transaction, again on EAGAIN. */
static void counter(struct t *t)
{
	char buf[16];
	unsigned retries = 0, done = 0;
	int rc = 0;
	for (unsigned r = 0; r < t->rounds; r++) {
		for (;;) {
			xs_tx_t tx;
			rc = xs_tx_start(t->c, &tx);
			if (rc)
				break;
			rc = xs_read(t->c, tx, COUNTER, buf, sizeof(buf));
			if (rc > 0) {
				put_num(buf, num(buf) + 1);
				rc = xs_write(t->c, tx, COUNTER, buf);
			}
			/* Let the peer in between, so that transactions do overlap. */
			gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
			int end = xs_tx_end(t->c, tx, rc >= 0);
			if (rc >= 0 && end == -XEN_EAGAIN) {
				retries++;
				continue;
			}
			rc = rc < 0 ? rc : end;
			break;
		}
		if (rc)
			break;
		done++;
	}
	check(t, done == t->rounds, "increments the shared counter in transactions", rc ? rc : (long)done);
	gl_printf("xstest: %u transactions retried after EAGAIN\n", retries);
	/* Both domains' rounds land, none lost: wait until the counter shows them all. */
	unsigned want = 2 * t->rounds, seen = 0;
	for (unsigned i = 0; i < 200000 && seen != want; i++) {
		rc = xs_read(t->c, XS_TX_NONE, COUNTER, buf, sizeof(buf));
		seen = rc > 0 ? num(buf) : 0;
		if (seen != want)
			gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	}
	check(t, seen == want, "the counter holds both domains' increments, none lost", seen);
}

/* "xstest.bench=N": N reads of its domid node, timed with the virtual counter (figures only). */
static void bench(struct t *t, unsigned n)
{
	char buf[16];
	uint64_t freq = gl_sysreg_read(GL_CNTFRQ_EL0), t0 = gl_sysreg_read(GL_CNTVCT_EL0);
	unsigned ok = 0;
	for (unsigned i = 0; i < n; i++)
		ok += xs_read(t->c, XS_TX_NONE, "domid", buf, sizeof(buf)) > 0;
	uint64_t ticks = gl_sysreg_read(GL_CNTVCT_EL0) - t0, ns = freq ? ticks * 1000000000ull / freq : 0;
	gl_printf("xstest: bench: %u of %u reads in %llu us, %llu ns each\n", ok, n, (unsigned long long)(ns / 1000),
		  (unsigned long long)(n ? ns / n : 0));
}

/* The store page through guest accesses, as a guest scribbling on it would. */
static void hostile(struct t *t)
{
	uint64_t gva;
	struct xen_hvm_param *p = gl_alloc(sizeof(*p), &gva);
	*p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN };
	long rc = gl_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, gva, 0, 0, 0);
	uint64_t page = p->value << 12;
	check(t, rc == 0 && page, "finds its store page", rc);
	uint32_t cons = gl_read32(page + XS_IF_REQ_CONS);
	gl_write32(page + XS_IF_REQ_PROD, cons + XENSTORE_RING_SIZE + 500);
	unsigned n = 0;
	while (gl_read32(page + XS_IF_ERROR) != XENSTORE_ERROR_RINGIDX && ++n < 200000)
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	check(t, n < 200000, "req_prod 1524 bytes ahead: the daemon flags the ring index error",
	      gl_read32(page + XS_IF_ERROR));
	check(t, gl_read32(page + XS_IF_REQ_CONS) == cons, "and consumed nothing past it",
	      gl_read32(page + XS_IF_REQ_CONS) - cons);
}

void guest_main(const void *fdt)
{
	struct t t = { 0 };
	t.peer = (unsigned)gl_bootarg_u64(fdt, "xstest.peer=", 0);
	t.rounds = (unsigned)gl_bootarg_u64(fdt, "xstest.rounds=", 10);
	t.c = xs_open(fdt);
	check(&t, t.c != NULL, "xs_open: the store ring from HVM_PARAM_STORE_PFN/STORE_EVTCHN", 0);
	if (t.c) {
		char buf[16];
		int rc = xs_read(t.c, XS_TX_NONE, "domid", buf, sizeof(buf));
		t.me = rc > 0 ? num(buf) : 0;
		if (gl_bootarg_u64(fdt, "xstest.hostile=", 0)) {
			check(&t, rc > 0, "a good request first", rc);
			hostile(&t);
		} else {
			home(&t);
			peer(&t);
			counter(&t);
		}
		unsigned n = (unsigned)gl_bootarg_u64(fdt, "xstest.bench=", 0);
		if (n)
			bench(&t, n);
	}
	gl_printf("xstest: %s\n", t.failures ? "FAILED" : "all passed");
	gl_shutdown(t.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
