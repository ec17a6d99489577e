/* A PV block frontend DomU: finds its vbd in the xenstore (device/vbd/<dev>, written by the
 * toolstack), connects to the backend it names as Linux's xen-blkfront does, and drives a workload
 * of 4 KiB writes (and reads checked against what it wrote), keeping a log of every acknowledged
 * write. When the backend goes away (its state node vanishes, or the toolstack names a new one) it
 * disconnects, reconnects to the new backend and reissues what was not acknowledged. At the end it
 * reads the whole area back: the disk must hold exactly the log's contents.
 * Bootargs: blkfront.dev=<vbd> (0), blkfront.writes=<n> (256), blkfront.blocks=<4 KiB blocks> (64),
 * blkfront.hostile=1: first puts malformed requests straight on the ring, each of which the backend
 * must answer with an error status without touching the disk; blkfront.window=1: at the end, waits
 * for a window of time in data/window-start and window-end (the toolstack's, physical counter ticks)
 * and prints its write rate before, across and after it. */
#include <string.h>

#include "blkfront/blkrate.h"
#include "core/format.h"
#include "lib/blkfront.h"
#include "lib/evtchn.h"
#include "lib/gnttab.h"
#include "lib/guest.h"
#include "lib/ring.h"
#include "lib/xenbus.h"
#include "lib/xs.h"
#include "public/errno.h"

#define PAGE         4096u
#define MAX_BLOCKS   256u
#define RING_PAGES   8u /* a fresh page per connection: an old one may still be mapped by a dead peer */
#define REPORT_EVERY 32u

struct op {
	bool busy, write;
	unsigned block;
	uint32_t gen;
	uint64_t page; /* guest address of its data page */
};

/* The domain's state: statics cleared at start (the sim links one copy per build). */
static struct {
	struct xs_client *xs;
	const void *fdt;
	unsigned dev, writes, blocks;
	char path[XENBUS_PATH], be_path[XENBUS_PATH];
	domid_t be;
	/* the connection */
	uint64_t ring_page[RING_PAGES];
	unsigned ring_next;
	grant_ref_t ring_ref;
	evtchn_port_t port;
	struct ring_front ring;
	bool ring_up, connected;
	unsigned connections, reissued;
	/* the workload */
	struct blkfront f;
	struct op op[BLKFRONT_MAX_INFLIGHT];
	uint32_t acked_gen[MAX_BLOCKS]; /* the log: each block's last acknowledged write, 0 none */
	uint32_t next_gen[MAX_BLOCKS];
	bool in_flight[MAX_BLOCKS];
	unsigned submitted, writes_submitted, acked, reads_checked, failures;
	unsigned report; /* progress to report once the next requests are on their way */
	struct blkrate rate;
	uint64_t polled_at; /* when the responses being taken were looked for */
} s;

static uint64_t pattern(unsigned block, uint32_t gen, unsigned word)
{
	return (uint64_t)gen << 40 | (uint64_t)block << 24 | word;
}

static void fill(uint64_t page, unsigned block, uint32_t gen)
{
	uint64_t buf[64];

	for (unsigned c = 0; c < PAGE / sizeof(buf); c++) {
		for (unsigned i = 0; i < 64; i++)
			buf[i] = pattern(block, gen, c * 64 + i);
		gl_copy_to(page + c * sizeof(buf), buf, sizeof(buf));
	}
}

/* True when the page holds @block's contents as of generation @gen (0: never written, zeros). */
static bool holds(uint64_t page, unsigned block, uint32_t gen)
{
	uint64_t buf[64];

	for (unsigned c = 0; c < PAGE / sizeof(buf); c++) {
		gl_copy_from(page + c * sizeof(buf), buf, sizeof(buf));
		for (unsigned i = 0; i < 64; i++)
			if (buf[i] != (gen ? pattern(block, gen, c * 64 + i) : 0))
				return false;
	}
	return true;
}

static void fail(const char *what, unsigned block, long v)
{
	s.failures++;
	gl_printf("blkfront: FAIL: %s (block %u, %ld)\n", what, block, v);
}

static void done(void *arg, int16_t status)
{
	struct op *o = arg;

	if (status != BLKIF_RSP_OKAY)
		fail(o->write ? "write not done" : "read not done", o->block, status);
	else if (o->write) {
		s.acked_gen[o->block] = o->gen;
		blkrate_ack(&s.rate, s.polled_at);
		if (++s.acked % REPORT_EVERY == 0)
			s.report = s.acked;
	} else if (!holds(o->page, o->block, s.acked_gen[o->block]))
		fail("a read differs from the log of acknowledged writes", o->block, s.acked_gen[o->block]);
	else
		s.reads_checked++;
	s.in_flight[o->block] = false;
	o->busy = false;
}

static int grant(void *ctx, domid_t be, uint64_t gfn, bool ro) { return (void)ctx, gnttab_grant(be, gfn, ro); }
static int ungrant(void *ctx, grant_ref_t ref) { return (void)ctx, gnttab_end(ref); }
static int queue(void *ctx, const struct blkif_request *r) { return (void)ctx, ring_front_put(&s.ring, r, sizeof(*r)); }

static void kick(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
}

static void push(void)
{
	if (s.connected && ring_front_push(&s.ring))
		gl_evtchn_notify(s.port);
}

/* One request of the workload on a free op: a write of the next generation of a block, or (every
 * fourth) a read of a block with no write in flight, checked against the log when it completes. */
static bool submit_next(bool read_back, unsigned block)
{
	struct op *o = NULL;

	for (unsigned i = 0; i < BLKFRONT_MAX_INFLIGHT && !o; i++)
		if (!s.op[i].busy)
			o = &s.op[i];
	if (!o || s.in_flight[block])
		return false;
	o->write = !read_back && s.submitted % 4 != 3;
	o->block = block;
	if (o->write) {
		o->gen = ++s.next_gen[block];
		fill(o->page, block, o->gen);
	}
	struct blkfront_seg seg = { .gfn = o->page >> 12, .first_sect = 0, .last_sect = 7 };
	int64_t id =
	    blkfront_submit(&s.f, o->write ? BLKIF_OP_WRITE : BLKIF_OP_READ, (uint64_t)block * 8, &seg, 1, done, o);
	if (id < 0) {
		fail("submit", block, (long)id);
		return false;
	}
	o->busy = true;
	s.in_flight[block] = true;
	s.writes_submitted += o->write;
	return true;
}

/* The backend went away or was replaced: forget the ring (its page too, in case the dead backend's
 * mapping outlives it), keep every unacknowledged request for the next backend. */
static void teardown(void)
{
	if (!s.ring_up)
		return;
	blkfront_disconnect(&s.f);
	gl_evtchn_close(s.port);
	int rc = gnttab_end(s.ring_ref);
	if (rc)
		gl_printf("blkfront: ring grant %u still in use (%d): left granted\n", s.ring_ref, rc);
	s.ring_up = s.connected = false;
	xenbus_write_state(s.xs, s.path, XenbusStateInitialising);
	gl_printf("blkfront: backend d%u gone, %u requests unacknowledged\n", s.be, s.f.inflight);
}

/* The backend is in InitWait: a fresh ring page granted to it, a port for it, Initialised. */
static int setup_ring(void)
{
	if (s.ring_next == RING_PAGES)
		return -XEN_ENOSPC;
	uint64_t page = s.ring_page[s.ring_next++];
	ring_shared_init(page, 0);
	int rc = ring_front_attach(&s.ring, page, PAGE, sizeof(struct blkif_request));
	rc = rc ?: gnttab_grant(s.be, page >> 12, false);
	if (rc < 0)
		return rc;
	s.ring_ref = (grant_ref_t)rc;
	rc = gl_evtchn_alloc_unbound(s.be, &s.port);
	if (rc) {
		gnttab_end(s.ring_ref);
		return rc;
	}
	gl_evtchn_set_handler(s.port, kick, NULL);
	xenbus_write_u64(s.xs, s.path, "ring-ref", s.ring_ref);
	xenbus_write_u64(s.xs, s.path, "event-channel", s.port);
	s.ring_up = true;
	return xenbus_write_state(s.xs, s.path, XenbusStateInitialised);
}

/* Reads device/vbd/<dev>/backend: a different backend than the one we had means the old one is
 * gone; its state node is watched from now on. */
static void follow_backend(void)
{
	char path[XENBUS_PATH], key[XENBUS_PATH];
	uint64_t id;

	fmt_snprintf(key, sizeof(key), "%s/backend", s.path);
	if (xs_read(s.xs, XS_TX_NONE, key, path, sizeof(path)) < 0 ||
	    xenbus_read_u64(s.xs, s.path, "backend-id", &id) || id >= DOMID_FIRST_RESERVED)
		return;
	if (!memcmp(path, s.be_path, strlen(path) + 1) && id == s.be)
		return;
	teardown();
	/* The backend's whole home is watched, not just its state node: the daemon's watch matching
	 * overreads paths of 32 bytes and more (see the report), and its home is all we need to see. */
	if (s.be_path[0]) {
		fmt_snprintf(key, sizeof(key), "/local/domain/%u", s.be);
		xs_unwatch(s.xs, key, "bs");
	}
	memcpy(s.be_path, path, sizeof(path));
	s.be = (domid_t)id;
	fmt_snprintf(key, sizeof(key), "/local/domain/%u", s.be);
	xs_watch(s.xs, key, "bs");
}

static void step(void)
{
	follow_backend();
	enum xenbus_state bs = s.be_path[0] ? xenbus_read_state(s.xs, s.be_path) : XenbusStateUnknown;

	/* A backend that is not Connected while we are has lost our ring, whether it closed or is a
	 * new driver domain at the same path starting over (InitWait); before we connect, only one
	 * that leaves has. */
	if (s.connected ? bs != XenbusStateConnected
			: s.ring_up && bs != XenbusStateInitWait && bs != XenbusStateConnected)
		teardown();
	if (!s.ring_up && bs == XenbusStateInitWait) {
		int rc = setup_ring();
		if (rc)
			fail("cannot set up the ring", 0, rc);
	}
	if (s.ring_up && !s.connected && bs == XenbusStateConnected) {
		int n = blkfront_connect(&s.f, s.be);
		if (n < 0) {
			fail("cannot reissue", 0, n);
			return;
		}
		s.connected = true;
		s.connections++;
		push();
		xenbus_write_state(s.xs, s.path, XenbusStateConnected);
		gl_printf("blkfront: connected to backend d%u (%s), %u requests reissued\n", s.be, s.be_path,
			  (unsigned)(s.f.reissued - s.reissued));
		s.reissued = (unsigned)s.f.reissued;
	}
}

/* Takes responses and xenstore events; waits for an event only when neither brought anything (a
 * step's xenstore calls may have taken the ring's event: look again before sleeping). */
static void turn(void)
{
	char path[XENBUS_PATH], token[8];
	int done_now = 0;

	push();
	if (s.connected) {
		s.polled_at = gl_sysreg_read(GL_CNTPCT_EL0);
		done_now = blkfront_poll(&s.f, &s.ring);
		if (done_now < 0) {
			fail("the backend broke the ring", 0, -XEN_EIO);
			teardown();
		}
	}
	bool changed = false;
	while (xs_next_event(s.xs, path, sizeof(path), token, sizeof(token), false))
		changed = true;
	if (changed)
		step();
	else if (done_now == 0)
		gl_evtchn_wait(0);
}

/* Malformed requests, put on the ring behind blkfront's back (their ids lie outside its id space,
 * so blkfront drops their responses as bogus): each must come back BLKIF_RSP_ERROR or EOPNOTSUPP,
 * and the disk must not change (blocks 62 and 63 read back as zeros afterwards). */
#define HOSTILE_ID (1ull << 40)

static void hostile(uint64_t spare)
{
	struct blkif_request r[8];
	const int16_t want[8] = { BLKIF_RSP_ERROR, BLKIF_RSP_ERROR, BLKIF_RSP_ERROR, BLKIF_RSP_ERROR,
				  BLKIF_RSP_ERROR, BLKIF_RSP_ERROR, BLKIF_RSP_ERROR, BLKIF_RSP_EOPNOTSUPP };
	int good = gnttab_grant(s.be, spare >> 12, true), ro = gnttab_grant(s.be, (spare >> 12) + 1, true);
	uint64_t sectors = (uint64_t)s.blocks * 8;

	fill(spare, 63, 0xeeeeee);
	for (unsigned i = 0; i < 8; i++)
		r[i] =
		    (struct blkif_request){ .operation = BLKIF_OP_WRITE,
					    .nr_segments = 1,
					    .id = HOSTILE_ID + i,
					    .sector_number = 63 * 8,
					    .seg[0] = { .gref = (grant_ref_t)good, .first_sect = 0, .last_sect = 7 } };
	r[0].nr_segments = 0;                                  /* no segment */
	r[1].nr_segments = 12;                                 /* more than 11 */
	r[2].seg[0].first_sect = 5, r[2].seg[0].last_sect = 4; /* first after last */
	r[3].seg[0].last_sect = 8;                             /* past the page */
	r[4].sector_number = sectors - 4;                      /* runs off the disk's end */
	r[5].nr_segments = 2, r[5].sector_number = 62 * 8;     /* its second page is no grant: nothing written */
	r[5].seg[1] = (struct blkif_request_segment){ .gref = 7, .last_sect = 7 };
	r[6].operation = BLKIF_OP_READ, r[6].seg[0].gref = (grant_ref_t)ro; /* a read into a read-only grant */
	r[7].operation = 200;                                               /* no such operation */
	for (unsigned i = 0; i < 8; i++)
		ring_front_put(&s.ring, &r[i], sizeof(r[i]));
	push();
	unsigned got = 0, right = 0;
	while (got < 8) {
		struct blkif_response rsp;
		int rc = ring_front_take(&s.ring, &rsp, sizeof(rsp));
		if (rc < 0)
			break;
		if (rc == 0) {
			if (!ring_front_final_check(&s.ring))
				gl_evtchn_wait(0);
			continue;
		}
		unsigned i = (unsigned)(rsp.id - HOSTILE_ID);
		got++;
		right += i < 8 && rsp.status == want[i];
	}
	gnttab_end((grant_ref_t)good);
	gnttab_end((grant_ref_t)ro);
	if (right != 8)
		fail("malformed requests not all refused", 0, right);
	else
		gl_printf("blkfront: PASS: the backend refused all 8 malformed requests\n");
	/* Blocks 62 and 63 were their targets: still as never written. */
	for (unsigned b = 62; b < 64; b++) {
		while (!submit_next(true, b))
			turn();
		while (s.in_flight[b] && !s.failures)
			turn();
	}
}

/* The write rate before, across and after the toolstack's window (the physical counter is the
 * machine's, the same in every domain): from the first acknowledged write to the window's start,
 * the window, and from its end to the last write. */
static void report_rates(void)
{
	uint64_t start = 0, end = 0, hz = gl_sysreg_read(GL_CNTFRQ_EL0);

	xs_watch(s.xs, "data/window-end", "wi");
	while (xenbus_read_u64(s.xs, "data", "window-end", &end) && !s.failures)
		turn();
	if (xenbus_read_u64(s.xs, "data", "window-start", &start) || !s.rate.n || start < s.rate.at[0] ||
	    end <= start) {
		fail("no window within the writes", 0, (long)(end - start));
		return;
	}
	uint64_t before = blkrate_per_s(&s.rate, s.rate.at[0], start, hz),
		 during = blkrate_per_s(&s.rate, start, end, hz),
		 after = blkrate_per_s(&s.rate, end, s.rate.at[s.rate.n - 1], hz);
	gl_printf("blkfront: writes/s before %llu during %llu after %llu the window (during/before %llu%%, window "
		  "%llu ticks)\n",
		  (unsigned long long)before, (unsigned long long)during, (unsigned long long)after,
		  (unsigned long long)(before ? during * 100 / before : 0), (unsigned long long)(end - start));
}

void guest_main(const void *fdt)
{
	uint64_t ram, ram_size;

	memset(&s, 0, sizeof(s));
	s.fdt = fdt;
	s.dev = (unsigned)gl_bootarg_u64(fdt, "blkfront.dev=", 0);
	s.writes = (unsigned)gl_bootarg_u64(fdt, "blkfront.writes=", 256);
	s.blocks = (unsigned)gl_bootarg_u64(fdt, "blkfront.blocks=", 64);
	if (s.blocks < BLKFRONT_MAX_INFLIGHT || s.blocks > MAX_BLOCKS || !gl_ram_bank(fdt, &ram, &ram_size) ||
	    ram_size < (2u << 20)) {
		gl_printf("blkfront: FAIL: bad arguments or too little RAM\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	for (unsigned i = 0; i < BLKFRONT_MAX_INFLIGHT; i++)
		s.op[i].page = ram + (1u << 20) + i * PAGE; /* past the program's image */
	for (unsigned i = 0; i < RING_PAGES; i++)
		s.ring_page[i] = ram + (1u << 20) + (BLKFRONT_MAX_INFLIGHT + i) * PAGE;
	const struct blkfront_ops ops = { .grant = grant, .ungrant = ungrant, .queue = queue };
	blkfront_init(&s.f, &ops);
	int rc = gl_evtchn_init(fdt);
	rc = rc ?: gnttab_init(fdt);
	s.xs = rc ? NULL : xs_open(fdt);
	if (!s.xs) {
		gl_printf("blkfront: FAIL: no event channels, grant table or xenstore (%d)\n", rc);
		gl_shutdown(SHUTDOWN_crash);
	}
	fmt_snprintf(s.path, sizeof(s.path), "device/vbd/%u", s.dev);
	xs_watch(s.xs, "device", "be"); /* our vbd's backend and backend-id keys are in there */
	xenbus_write_state(s.xs, s.path, XenbusStateInitialising);

	if (gl_bootarg_u64(fdt, "blkfront.hostile=", 0)) {
		while (!s.connected && !s.failures)
			turn();
		hostile(ram + (1u << 20) + (BLKFRONT_MAX_INFLIGHT + RING_PAGES) * PAGE);
	}
	/* The workload: writes (and checked reads) cycling over the blocks, up to 32 in flight. */
	unsigned next = 0;
	while (s.acked < s.writes && !s.failures) {
		while (s.writes_submitted < s.writes && submit_next(false, next % s.blocks)) {
			s.submitted++;
			next++;
		}
		/* Reported with requests in flight: a toolstack that acts on it acts in the middle of I/O. */
		if (s.report) {
			push();
			gl_printf("blkfront: %u writes acknowledged\n", s.report);
			xenbus_write_u64(s.xs, "data", "acked", s.report);
			s.report = 0;
		}
		turn();
	}
	/* Everything acknowledged: the disk must now hold exactly the log. */
	for (unsigned b = 0; b < s.blocks && !s.failures;) {
		if (submit_next(true, b))
			b++;
		else
			turn();
	}
	while (s.f.inflight && !s.failures)
		turn();
	if (gl_bootarg_u64(fdt, "blkfront.window=", 0) && !s.failures)
		report_rates();
	xenbus_write_state(s.xs, s.path, XenbusStateClosed);
	if (!s.failures)
		gl_printf(
		    "blkfront: PASS: %u blocks read back equal the log of %u acknowledged writes (%u reads checked "
		    "on the way, %u connections, %u requests reissued)\n",
		    s.blocks, s.acked, s.reads_checked - s.blocks, s.connections, s.reissued);
	gl_shutdown(s.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
