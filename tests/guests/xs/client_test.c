/* The xenstore client on the host against the real daemon engine, through both transports: the
 * store ring (xs_open from faked HVM params, the daemon's ring side run whenever the client waits)
 * and Dom0's local connection. Replies, Xen's errnos, watch events that arrive between a request
 * and its reply, transactions with EAGAIN, and a daemon that breaks the protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/evtchn.h"
#include "lib/guest.h"
#include "lib/xs/client_int.h"
#include "lib/xs/xsd_ring.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "tests/guests/ring/fake_shared.h"

static struct xsd d;
static struct xsd_conn *conn; /* the client's connection in the daemon */
static _Alignas(4096) uint8_t page[4096];
static unsigned notifies, serves;
static bool daemon_mute; /* the daemon stops answering */

/* lib/guest.h (beyond fake_shared's) and lib/evtchn.h, as much as the client uses. */
void gl_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	(void)a2, (void)a3, (void)a4;
	struct xen_hvm_param *p = (void *)(uintptr_t)a1;
	if (op != __HYPERVISOR_hvm_op || a0 != HVMOP_get_param || p->domid != DOMID_SELF)
		return -XEN_ENOSYS;
	p->value = p->index == HVM_PARAM_STORE_PFN ? (uint64_t)(uintptr_t)page >> 12 : 7;
	return 0;
}
int gl_evtchn_init(const void *fdt)
{
	(void)fdt;
	return 0;
}
int gl_evtchn_notify(evtchn_port_t port)
{
	assert_int_equal(port, 7);
	notifies++;
	return 0;
}
static unsigned waits;
unsigned gl_evtchn_wait(unsigned max)
{
	(void)max;
	unsigned handled = 0;
	waits++;
	if (!daemon_mute)
		xsd_ring_serve(&d, conn, &handled);
	return 0;
}

/* Dom0's local transport onto the same engine. */
static size_t local_in(const void *b, size_t n) { return xsd_conn_input(&d, conn, b, n, NULL); }
static size_t local_out(void *b, size_t max)
{
	size_t n = xsd_conn_peek(conn, b, max);
	xsd_conn_sent(conn, n);
	return n;
}
static void local_serve(void) { serves++; }
static const struct xs_local local = { local_in, local_out, local_serve };

static struct xs_client *c;

static void engine(domid_t id, bool priv)
{
	xsd_core_init(&d);
	conn = xsd_conn_new(&d, id, priv);
	const struct xs_caller dom0 = { 0, true, NULL, NULL, NULL };
	const struct xs_perm own = { 1, 0 };
	xs_store_mkdir(&d.store, &dom0, "/local/domain/1");
	xs_store_set_perms(&d.store, &dom0, "/local/domain/1", &own, 1);
}

static int setup_ring(void **state)
{
	(void)state;
	fake_shared_reset();
	fake_shared_window(page, sizeof(page));
	memset(page, 0, sizeof(page));
	notifies = serves = 0;
	daemon_mute = false;
	engine(1, false);
	conn->ring = fake_gva(page);
	c = xs_open(NULL);
	assert_non_null(c);
	assert_null(c->local);
	return 0;
}

static int setup_local(void **state)
{
	(void)state;
	fake_shared_reset();
	engine(0, true);
	c = xs_client_local(&local);
	assert_ptr_equal(xs_open(NULL), c);
	return 0;
}

static void test_write_read_roundtrip(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(xs_write(c, XS_TX_NONE, "/local/domain/1/k", "value"), 0);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/k", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "value");
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/k", buf, 5), -XEN_E2BIG);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/none", buf, sizeof(buf)), -XEN_ENOENT);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_ring_client_notifies_and_long_values_cross_the_small_ring(void **state)
{
	(void)state;
	static char big[3001], back[3001];
	memset(big, 'x', 3000);
	assert_int_equal(xs_write(c, XS_TX_NONE, "/local/domain/1/big", big), 0);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/big", back, sizeof(back)), 3000);
	assert_string_equal(back, big);
	assert_true(notifies >= 6); /* 3000 bytes each way through 1024-byte rings */
}

static void test_errors_come_back_as_xen_errnos(void **state)
{
	(void)state;
	char buf[8];
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local", buf, sizeof(buf)), -XEN_EACCES);
	assert_int_equal(xs_write(c, XS_TX_NONE, "/local/domain/1/bad//path", "v"), -XEN_EINVAL);
	assert_int_equal(xs_introduce(c, 5, 0x39001, 3), -XEN_EACCES);
	assert_int_equal(xs_release(c, 5), -XEN_EACCES);
}

static void test_directory_perms_and_domain_path(void **state)
{
	(void)state;
	char names[64], perms[32], path[32];
	xs_write(c, XS_TX_NONE, "/local/domain/1/d/a", "1");
	xs_write(c, XS_TX_NONE, "/local/domain/1/d/b", "2");
	assert_int_equal(xs_directory(c, XS_TX_NONE, "/local/domain/1/d", names, sizeof(names)), 2);
	assert_memory_equal(names, "a\0b\0", 4);
	assert_int_equal(xs_directory(c, XS_TX_NONE, "/local/domain/1/d", names, 3), -XEN_E2BIG);
	assert_int_equal(xs_set_perms(c, XS_TX_NONE, "/local/domain/1/d", "n1\0r2\0", 6), 0);
	assert_int_equal(xs_get_perms(c, XS_TX_NONE, "/local/domain/1/d", perms, sizeof(perms)), 6);
	assert_memory_equal(perms, "n1\0r2\0", 6);
	assert_int_equal(xs_get_domain_path(c, 12, path, sizeof(path)), 16);
	assert_string_equal(path, "/local/domain/12");
	assert_int_equal(xs_mkdir(c, XS_TX_NONE, "/local/domain/1/e"), 0);
	assert_int_equal(xs_rm(c, XS_TX_NONE, "/local/domain/1/d"), 0);
	assert_int_equal(xs_directory(c, XS_TX_NONE, "/local/domain/1", names, sizeof(names)), 1);
}

static void test_watch_events_between_requests_are_queued(void **state)
{
	(void)state;
	char path[64], tok[16];
	assert_int_equal(xs_watch(c, "/local/domain/1/w", "T1"), 0);
	/* The write's reply comes after its event: the event waits in the queue. */
	assert_int_equal(xs_write(c, XS_TX_NONE, "/local/domain/1/w/x", "1"), 0);
	assert_true(xs_next_event(c, path, sizeof(path), tok, sizeof(tok), false));
	assert_string_equal(path, "/local/domain/1/w"); /* the first, at registration */
	assert_string_equal(tok, "T1");
	assert_true(xs_next_event(c, path, sizeof(path), tok, sizeof(tok), false));
	assert_string_equal(path, "/local/domain/1/w/x");
	assert_false(xs_next_event(c, path, sizeof(path), tok, sizeof(tok), false));
	/* An event cut to fit the caller's buffers is still NUL-terminated. */
	xs_write(c, XS_TX_NONE, "/local/domain/1/w/long-name", "1");
	assert_true(xs_next_event(c, path, 8, tok, 2, false));
	assert_string_equal(path, "/local/");
	assert_string_equal(tok, "T");
	assert_int_equal(xs_unwatch(c, "/local/domain/1/w", "T1"), 0);
	assert_int_equal(xs_unwatch(c, "/local/domain/1/w", "T1"), -XEN_ENOENT);
}

static void test_next_event_waits_for_a_change_by_another_domain(void **state)
{
	(void)state;
	char path[64], tok[16];
	xs_watch(c, "/local/domain/1/v", "tok");
	assert_true(xs_next_event(c, path, sizeof(path), tok, sizeof(tok), true)); /* the first */
	assert_false(xs_next_event(c, path, sizeof(path), tok, sizeof(tok), false));
	const struct xs_caller dom0 = { 0, true, NULL, xsd_watch_fire, &d };
	xs_store_write(&d.store, &dom0, "/local/domain/1/v", "new", 3);
	assert_true(xs_next_event(c, path, sizeof(path), tok, sizeof(tok), true));
	assert_string_equal(path, "/local/domain/1/v");
}

/* An event and the reply behind it come with one notification: a client that read only the event
 * would sleep with its reply already in the ring (on real hardware, in WFI, for good). */
static void test_reply_behind_an_event_is_read_without_another_wait(void **state)
{
	(void)state;
	char path[64], tok[16], buf[16];
	xs_watch(c, "/local/domain/1/e", "tok");
	while (xs_next_event(c, path, sizeof(path), tok, sizeof(tok), false))
		;
	const struct xs_caller dom0 = { 0, true, NULL, xsd_watch_fire, &d };
	xs_store_write(&d.store, &dom0, "/local/domain/1/e", "x", 1); /* queued before the reply */
	waits = 0;
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/e", buf, sizeof(buf)), 1);
	assert_int_equal(waits, 1);
	assert_true(xs_next_event(c, path, sizeof(path), tok, sizeof(tok), false));
	assert_string_equal(path, "/local/domain/1/e");
}

static void test_transaction_commit_and_eagain(void **state)
{
	(void)state;
	xs_tx_t tx;
	char buf[16];
	assert_int_equal(xs_tx_start(c, &tx), 0);
	assert_true(tx != XS_TX_NONE);
	assert_int_equal(xs_write(c, tx, "/local/domain/1/t", "a"), 0);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/t", buf, sizeof(buf)), -XEN_ENOENT);
	assert_int_equal(xs_tx_end(c, tx, true), 0);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/t", buf, sizeof(buf)), 1);
	assert_int_equal(xs_tx_start(c, &tx), 0);
	assert_int_equal(xs_read(c, tx, "/local/domain/1/t", buf, sizeof(buf)), 1);
	const struct xs_caller dom0 = { 0, true, NULL, NULL, NULL };
	xs_store_write(&d.store, &dom0, "/local/domain/1/t", "b", 1); /* another domain, meanwhile */
	assert_int_equal(xs_write(c, tx, "/local/domain/1/t", "c"), 0);
	assert_int_equal(xs_tx_end(c, tx, true), -XEN_EAGAIN);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/t", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "b");
	assert_int_equal(xs_tx_end(c, tx, false), -XEN_ENOENT); /* already ended */
}

static void test_daemon_reply_too_long_breaks_the_client_not_the_guest(void **state)
{
	(void)state;
	char buf[16];
	daemon_mute = true;
	/* A "daemon" that writes a header claiming more than a payload may hold. */
	struct xsd_sockmsg h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	memcpy(page + XS_IF_RSP, &h, sizeof(h));
	uint32_t prod = sizeof(h);
	memcpy(page + XS_IF_RSP_PROD, &prod, 4);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1", buf, sizeof(buf)), -XEN_EIO);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1", buf, sizeof(buf)), -XEN_EIO);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_local_client_is_dom0s_privileged_connection(void **state)
{
	(void)state;
	char buf[16];
	assert_int_equal(xs_write(c, XS_TX_NONE, "/local/domain/1/from0", "x"), 0);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local/domain/1/from0", buf, sizeof(buf)), 1);
	assert_int_equal(xs_read(c, XS_TX_NONE, "/local", buf, sizeof(buf)), 0);
	assert_int_equal(xs_introduce(c, 5, 0x39001, 3), -XEN_ENOSYS); /* no transport hook here */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_write_read_roundtrip, setup_ring),
		cmocka_unit_test_setup(test_write_read_roundtrip, setup_local),
		cmocka_unit_test_setup(test_ring_client_notifies_and_long_values_cross_the_small_ring, setup_ring),
		cmocka_unit_test_setup(test_errors_come_back_as_xen_errnos, setup_ring),
		cmocka_unit_test_setup(test_directory_perms_and_domain_path, setup_ring),
		cmocka_unit_test_setup(test_watch_events_between_requests_are_queued, setup_ring),
		cmocka_unit_test_setup(test_watch_events_between_requests_are_queued, setup_local),
		cmocka_unit_test_setup(test_next_event_waits_for_a_change_by_another_domain, setup_ring),
		cmocka_unit_test_setup(test_reply_behind_an_event_is_read_without_another_wait, setup_ring),
		cmocka_unit_test_setup(test_transaction_commit_and_eagain, setup_ring),
		cmocka_unit_test_setup(test_daemon_reply_too_long_breaks_the_client_not_the_guest, setup_ring),
		cmocka_unit_test_setup(test_local_client_is_dom0s_privileged_connection, setup_local),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
