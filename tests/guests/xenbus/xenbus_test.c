/* The xenbus handshake on the host over a fake store: libxl's directories and perms, each end's
 * next step for every pair of states, a full connect, a backend that starts over (a restarted
 * driver domain), a frontend that leaves, and hostile or conflicting store contents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/xenbus.h"
#include "public/errno.h"
#include "tests/guests/xenbus/fake_xs.h"

struct drv {
	unsigned setups, connects, front_connects, closes;
	grant_ref_t ref, got_ref;
	evtchn_port_t port, got_port;
	int fail_connect;
};

static int front_setup(void *ctx, grant_ref_t *ref, evtchn_port_t *port)
{
	struct drv *d = ctx;
	d->setups++;
	*ref = d->ref = 8 + d->setups;
	*port = d->port = 20 + d->setups;
	return 0;
}

static int back_connect(void *ctx, grant_ref_t ref, evtchn_port_t port)
{
	struct drv *d = ctx;
	if (d->fail_connect)
		return d->fail_connect;
	d->connects++;
	d->got_ref = ref;
	d->got_port = port;
	return 0;
}

static int front_connect(void *ctx) { return ((struct drv *)ctx)->front_connects++, 0; }
static void close_cb(void *ctx) { ((struct drv *)ctx)->closes++; }

static struct drv fd, bd;
static const struct xenbus_ops fops = { &fd, front_setup, NULL, front_connect, close_cb };
static const struct xenbus_ops bops = { &bd, NULL, back_connect, NULL, close_cb };
static struct xenbus_dev dev;

static int setup(void **state)
{
	(void)state;
	memset(&fd, 0, sizeof(fd));
	memset(&bd, 0, sizeof(bd));
	assert_true(xenbus_dev_init(&dev, fake_xs_reset(), "vbd", 3, 1, 51712));
	return 0;
}

static enum xenbus_state fstate(void) { return xenbus_read_state(dev.xs, dev.front); }
static enum xenbus_state bstate(void) { return xenbus_read_state(dev.xs, dev.back); }

/* Alternate steps until neither end has anything to do; how many actions were taken. */
static unsigned settle(void)
{
	unsigned acts = 0;
	for (unsigned i = 0; i < 20; i++) {
		int f = xenbus_front_step(&dev, &fops), b = xenbus_back_step(&dev, &bops);
		assert_true(f >= 0 && b >= 0);
		if (!f && !b)
			return acts;
		acts += (f > 0) + (b > 0);
	}
	fail_msg("the handshake does not settle");
	return acts;
}

static void test_paths_follow_libxl(void **state)
{
	(void)state;
	assert_string_equal(dev.front, "/local/domain/3/device/vbd/51712");
	assert_string_equal(dev.back, "/local/domain/1/backend/vbd/3/51712");
	struct xenbus_dev d;
	assert_false(xenbus_dev_init(
	    &d, dev.xs, "a-very-long-device-type-name-that-does-not-fit-anywhere-in-ninety-six-bytes-of-path", 3, 1,
	    1));
}

static void test_front_next_for_each_pair_of_states(void **state)
{
	(void)state;
	assert_int_equal(xenbus_front_next(XenbusStateInitialising, XenbusStateInitWait), XENBUS_FRONT_SETUP);
	assert_int_equal(xenbus_front_next(XenbusStateInitialising, XenbusStateInitialising), XENBUS_WAIT);
	assert_int_equal(xenbus_front_next(XenbusStateInitialised, XenbusStateInitWait), XENBUS_WAIT);
	assert_int_equal(xenbus_front_next(XenbusStateInitialised, XenbusStateConnected), XENBUS_FRONT_CONNECT);
	assert_int_equal(xenbus_front_next(XenbusStateInitialised, XenbusStateUnknown), XENBUS_CLOSE);
	assert_int_equal(xenbus_front_next(XenbusStateConnected, XenbusStateConnected), XENBUS_WAIT);
	assert_int_equal(xenbus_front_next(XenbusStateConnected, XenbusStateClosing), XENBUS_CLOSE);
	assert_int_equal(xenbus_front_next(XenbusStateConnected, XenbusStateInitialising), XENBUS_CLOSE);
	assert_int_equal(xenbus_front_next(XenbusStateClosing, XenbusStateConnected), XENBUS_CLOSE);
	assert_int_equal(xenbus_front_next(XenbusStateClosed, XenbusStateInitWait), XENBUS_RESTART);
	assert_int_equal(xenbus_front_next(XenbusStateClosed, XenbusStateClosed), XENBUS_WAIT);
}

static void test_back_next_for_each_pair_of_states(void **state)
{
	(void)state;
	assert_int_equal(xenbus_back_next(XenbusStateInitialising, XenbusStateUnknown), XENBUS_BACK_INIT);
	assert_int_equal(xenbus_back_next(XenbusStateInitWait, XenbusStateInitialising), XENBUS_WAIT);
	assert_int_equal(xenbus_back_next(XenbusStateInitWait, XenbusStateInitialised), XENBUS_BACK_CONNECT);
	assert_int_equal(xenbus_back_next(XenbusStateInitWait, XenbusStateConnected), XENBUS_BACK_CONNECT);
	assert_int_equal(xenbus_back_next(XenbusStateConnected, XenbusStateConnected), XENBUS_WAIT);
	assert_int_equal(xenbus_back_next(XenbusStateConnected, XenbusStateClosed), XENBUS_CLOSE);
	assert_int_equal(xenbus_back_next(XenbusStateConnected, XenbusStateInitialising), XENBUS_CLOSE);
	assert_int_equal(xenbus_back_next(XenbusStateClosed, XenbusStateInitialising), XENBUS_RESTART);
	assert_int_equal(xenbus_back_next(XenbusStateClosed, XenbusStateClosed), XENBUS_WAIT);
}

static void test_create_writes_both_directories_with_their_perms(void **state)
{
	(void)state;
	xenbus_write_u64(dev.xs, dev.front, "ring-ref", 99); /* a previous life's node */
	assert_int_equal(xenbus_create(&dev), 0);
	assert_null(fake_xs_value("/local/domain/3/device/vbd/51712/ring-ref"));
	assert_string_equal(fake_xs_value("/local/domain/3/device/vbd/51712/backend"), dev.back);
	assert_string_equal(fake_xs_value("/local/domain/3/device/vbd/51712/backend-id"), "1");
	assert_string_equal(fake_xs_value("/local/domain/1/backend/vbd/3/51712/frontend"), dev.front);
	assert_string_equal(fake_xs_value("/local/domain/1/backend/vbd/3/51712/frontend-id"), "3");
	assert_string_equal(fake_xs_value("/local/domain/1/backend/vbd/3/51712/online"), "1");
	assert_int_equal(fstate(), XenbusStateInitialising);
	assert_int_equal(bstate(), XenbusStateInitialising);
	size_t len;
	const char *p = fake_xs_perms("/local/domain/3/device/vbd/51712/state", &len);
	assert_int_equal(len, 6);
	assert_memory_equal(p, "n3\0r1", 6);
	p = fake_xs_perms(dev.back, &len);
	assert_memory_equal(p, "n1\0r3", 6);
}

static void test_handshake_connects_both_ends(void **state)
{
	(void)state;
	assert_int_equal(xenbus_create(&dev), 0);
	assert_int_equal(settle(), 4); /* InitWait, Initialised, Connected, Connected */
	assert_int_equal(fstate(), XenbusStateConnected);
	assert_int_equal(bstate(), XenbusStateConnected);
	assert_int_equal(fd.setups, 1);
	assert_int_equal(bd.connects, 1);
	assert_int_equal(fd.front_connects, 1);
	assert_int_equal(bd.got_ref, fd.ref);
	assert_int_equal(bd.got_port, fd.port);
	assert_string_equal(fake_xs_value("/local/domain/3/device/vbd/51712/ring-ref"), "9");
	assert_string_equal(fake_xs_value("/local/domain/3/device/vbd/51712/event-channel"), "21");
	assert_int_equal(settle(), 0);
}

/* A driver domain restarted: the toolstack rewrites the backend's directory; the frontend drops
 * its ring, and both meet again over a new one. */
static void test_backend_starting_over_reconnects_with_a_new_ring(void **state)
{
	(void)state;
	xenbus_create(&dev);
	settle();
	assert_int_equal(xenbus_write_state(dev.xs, dev.back, XenbusStateInitialising), 0);
	settle();
	assert_int_equal(fd.closes, 1);
	assert_int_equal(fd.setups, 2);
	assert_int_equal(bd.connects, 2);
	assert_int_equal(bd.got_ref, 10); /* the second ring's */
	assert_int_equal(fstate(), XenbusStateConnected);
	assert_int_equal(bstate(), XenbusStateConnected);
}

static void test_frontend_leaving_closes_the_backend(void **state)
{
	(void)state;
	xenbus_create(&dev);
	settle();
	xenbus_write_state(dev.xs, dev.front, XenbusStateClosing);
	settle();
	assert_int_equal(fd.closes, 1);
	assert_int_equal(bd.closes, 1);
	assert_int_equal(fstate(), XenbusStateClosed);
	assert_int_equal(bstate(), XenbusStateClosed);
	/* The frontend's directory removed altogether reads Unknown: the same. */
	setup(NULL);
	xenbus_create(&dev);
	settle();
	xs_rm(dev.xs, XS_TX_NONE, dev.front);
	assert_int_equal(xenbus_back_step(&dev, &bops), XENBUS_CLOSE);
	assert_int_equal(bstate(), XenbusStateClosed);
}

static void test_hostile_ring_ref_or_port_is_refused(void **state)
{
	(void)state;
	xenbus_create(&dev);
	xenbus_back_step(&dev, &bops); /* InitWait */
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/ring-ref", "12abc");
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/event-channel", "5");
	xenbus_write_state(dev.xs, dev.front, XenbusStateInitialised);
	assert_int_equal(xenbus_back_step(&dev, &bops), -XEN_EINVAL);
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/ring-ref", "4294967296");
	assert_int_equal(xenbus_back_step(&dev, &bops), -XEN_EINVAL);
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/ring-ref", "99999999999999999999999");
	assert_int_equal(xenbus_back_step(&dev, &bops), -XEN_EINVAL);
	xs_rm(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/event-channel");
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/ring-ref", "8");
	assert_int_equal(xenbus_back_step(&dev, &bops), -XEN_ENOENT);
	assert_int_equal(bd.connects, 0);
	assert_int_equal(bstate(), XenbusStateInitWait);
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/event-channel", "5");
	bd.fail_connect = -XEN_EPERM; /* the grant does not map: the state stays */
	assert_int_equal(xenbus_back_step(&dev, &bops), -XEN_EPERM);
	assert_int_equal(bstate(), XenbusStateInitWait);
	bd.fail_connect = 0;
	assert_int_equal(xenbus_back_step(&dev, &bops), XENBUS_BACK_CONNECT);
	assert_int_equal(bd.got_ref, 8);
}

static void test_state_that_is_no_number_reads_unknown(void **state)
{
	(void)state;
	assert_int_equal(fstate(), XenbusStateUnknown);
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/state", "4x");
	assert_int_equal(fstate(), XenbusStateUnknown);
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/state", "77");
	assert_int_equal(fstate(), XenbusStateUnknown);
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/state", "");
	assert_int_equal(fstate(), XenbusStateUnknown);
	xs_write(dev.xs, XS_TX_NONE, "/local/domain/3/device/vbd/51712/state", "4");
	assert_int_equal(fstate(), XenbusStateConnected);
}

static void test_publish_retries_conflicts_and_gives_up_cleanly(void **state)
{
	(void)state;
	xenbus_create(&dev);
	xenbus_back_step(&dev, &bops);
	fake_xs_conflicts(3);
	assert_int_equal(xenbus_front_step(&dev, &fops), XENBUS_FRONT_SETUP);
	assert_int_equal(fstate(), XenbusStateInitialised);
	setup(NULL);
	xenbus_create(&dev);
	xenbus_back_step(&dev, &bops);
	fake_xs_conflicts(1000);
	assert_int_equal(xenbus_front_step(&dev, &fops), -XEN_EAGAIN);
	assert_int_equal(fstate(), XenbusStateInitialising);
	assert_null(fake_xs_value("/local/domain/3/device/vbd/51712/ring-ref"));
}

#define T(f) cmocka_unit_test_setup(f, setup)

static domid_t scanned_fe[8];
static unsigned scanned_id[8], scanned;

static void scan_add(domid_t fe, unsigned id)
{
	assert_true(scanned < 8);
	scanned_fe[scanned] = fe;
	scanned_id[scanned++] = id;
}

/* The backend finds what the toolstack listed under backend/<type>/<fe>/<id>, and nothing else. */
static void test_backend_scan_finds_listed_devices_and_skips_bad_names(void **state)
{
	(void)state;
	struct xs_client *xs = fake_xs_reset();
	assert_int_equal(xs_write(xs, XS_TX_NONE, "backend/vbd/2/51712/state", "1"), 0);
	assert_int_equal(xs_write(xs, XS_TX_NONE, "backend/vbd/2/51728/state", "1"), 0);
	assert_int_equal(xs_write(xs, XS_TX_NONE, "backend/vbd/5/0/state", "1"), 0);
	assert_int_equal(xs_write(xs, XS_TX_NONE, "backend/vbd/x7/0/state", "1"), 0);    /* not a domid */
	assert_int_equal(xs_write(xs, XS_TX_NONE, "backend/vbd/32752/0/state", "1"), 0); /* DOMID_SELF */
	assert_int_equal(xs_write(xs, XS_TX_NONE, "backend/vbd/3/99999/state", "1"), 0); /* id too big */
	assert_int_equal(xs_write(xs, XS_TX_NONE, "backend/vif/4/0/state", "1"), 0);     /* another type */
	scanned = 0;
	xenbus_backend_scan(xs, "vbd", scan_add);
	assert_int_equal(scanned, 3);
	assert_int_equal(scanned_fe[0], 2);
	assert_int_equal(scanned_id[0], 51712);
	assert_int_equal(scanned_fe[1], 2);
	assert_int_equal(scanned_id[1], 51728);
	assert_int_equal(scanned_fe[2], 5);
	assert_int_equal(scanned_id[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_paths_follow_libxl),
		T(test_backend_scan_finds_listed_devices_and_skips_bad_names),
		T(test_front_next_for_each_pair_of_states),
		T(test_back_next_for_each_pair_of_states),
		T(test_create_writes_both_directories_with_their_perms),
		T(test_handshake_connects_both_ends),
		T(test_backend_starting_over_reconnects_with_a_new_ring),
		T(test_frontend_leaving_closes_the_backend),
		T(test_hostile_ring_ref_or_port_is_refused),
		T(test_state_that_is_no_number_reads_unknown),
		T(test_publish_retries_conflicts_and_gives_up_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
