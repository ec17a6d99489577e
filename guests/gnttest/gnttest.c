/* Grant tables from inside a guest: its table mapped with add_to_physmap, a page of its own granted
 * to itself, mapped, unmapped and copied with every misuse checked against Xen's statuses; with
 * "gnttest.grant=PEER" or "gnttest.map=PEER" in its bootargs, a page shared with another domain;
 * with "gnttest.pairs=N", N map+unmap pairs of its own grant, timed (bench/gnttab).
 * No static state: several domains may run this one program side by side in the sim. */
#include <libfdt.h>
#include <string.h>

#include "lib/guest.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "public/shared.h"
#include "public/xen.h"

/* Where the table is mapped: the /hypervisor node's grant region, as Linux finds it (a 1:1 Dom0's
 * differs from a DomU's GUEST_GNTTAB_BASE, which is device space there), else Xen's DomU default. */
static uint64_t table_base = GUEST_GNTTAB_BASE;
#define TABLE table_base
/* Where this domain maps grants: inside that region past the table's own frames, also a hole
 * (0x38100000 for a DomU, as before). */
static uint64_t map_at = GUEST_GNTTAB_BASE + 0x100000;
#define MAP_AT   map_at
#define NO_PEER  0xffff
#define WAIT_MAX 200000u /* yields before a wait for the peer counts as failed */

struct t {
	unsigned failures;
	domid_t self;
	uint64_t page, page2; /* two pages of its own RAM (IPAs) */
	uint64_t arg_gva;     /* a hypercall argument buffer */
	void *arg;
	struct gl_abort abort;
};

static void check(struct t *t, bool ok, const char *what, long got)
{
	gl_printf("gnttest: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	t->failures += !ok;
}

static long gnttab_op(struct t *t, unsigned cmd, const void *op, size_t size)
{
	memcpy(t->arg, op, size);
	return gl_hypercall(__HYPERVISOR_grant_table_op, cmd, t->arg_gva, 1, 0, 0);
}

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

/* A grant entry as a guest writes one: the frame first, then {flags, domid} in one store. */
static void grant(grant_ref_t ref, domid_t to, uint64_t page, uint16_t flags)
{
	uint64_t e = TABLE + ref * sizeof(struct grant_entry_v1);
	gl_write32(e + 4, (uint32_t)(page >> 12));
	gl_write32(e, (uint32_t)to << 16 | flags);
}

static uint16_t flags_of(grant_ref_t ref) { return (uint16_t)gl_read32(TABLE + ref * sizeof(struct grant_entry_v1)); }

static struct gnttab_map_grant_ref map(struct t *t, domid_t dom, grant_ref_t ref, uint64_t at, uint32_t flags)
{
	struct gnttab_map_grant_ref m = { .host_addr = at, .flags = flags, .ref = ref, .dom = dom };
	long rc = gnttab_op(t, GNTTABOP_map_grant_ref, &m, sizeof(m));
	memcpy(&m, t->arg, sizeof(m));
	if (rc)
		m.status = (int16_t)rc; /* a call-level failure, reported as such */
	return m;
}

static int16_t unmap(struct t *t, grant_handle_t h, uint64_t at, uint64_t dev_bus_addr)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = at, .dev_bus_addr = dev_bus_addr, .handle = h };
	long rc = gnttab_op(t, GNTTABOP_unmap_grant_ref, &u, sizeof(u));
	return rc ? (int16_t)rc : ((struct gnttab_unmap_grant_ref *)t->arg)->status;
}

static int16_t copy(struct t *t, uint64_t src, domid_t sdom, uint16_t soff, uint64_t dst, domid_t ddom, uint16_t doff,
		    uint16_t len, uint16_t flags)
{
	struct gnttab_copy c = { .len = len, .flags = flags };
	c.source.u.gmfn = src, c.source.domid = sdom, c.source.offset = soff;
	c.dest.u.gmfn = dst, c.dest.domid = ddom, c.dest.offset = doff;
	long rc = gnttab_op(t, GNTTABOP_copy, &c, sizeof(c));
	return rc ? (int16_t)rc : ((struct gnttab_copy *)t->arg)->status;
}

/* The table: version 1 only, one frame of 64, mapped where this guest asks. */
static void test_table(struct t *t)
{
	struct gnttab_get_version g = { .dom = DOMID_SELF };
	long rc = gnttab_op(t, GNTTABOP_get_version, &g, sizeof(g));
	check(t, rc == 0 && ((struct gnttab_get_version *)t->arg)->version == 1, "get_version is 1", rc);
	struct gnttab_set_version s = { 2 };
	rc = gnttab_op(t, GNTTABOP_set_version, &s, sizeof(s));
	check(t, rc == -XEN_ENOSYS, "set_version 2 is ENOSYS (v1 only, as Xen on arm)", rc);
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	rc = gnttab_op(t, GNTTABOP_query_size, &q, sizeof(q));
	struct gnttab_query_size *qa = t->arg;
	check(t, rc == 0 && qa->status == GNTST_okay && qa->nr_frames == 1 && qa->max_nr_frames == 64,
	      "query_size: 1 frame of at most 64", qa->nr_frames);

	uint64_t x_gva;
	struct xen_add_to_physmap *x = gl_alloc(sizeof(*x), &x_gva);
	*x = (struct xen_add_to_physmap){
		.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = TABLE >> 12
	};
	rc = gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, x_gva, 0, 0, 0);
	check(t, rc == 0, "add_to_physmap(grant_table, 0) maps the table", rc);
	x->idx = XENMAPIDX_grant_table_status;
	rc = gl_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, x_gva, 0, 0, 0);
	check(t, rc == -XEN_EINVAL, "add_to_physmap of a status frame is EINVAL (v1)", rc);

	uint64_t list_gva;
	uint64_t *list = gl_alloc(2 * sizeof(uint64_t), &list_gva);
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 2, .frame_list = list_gva };
	rc = gnttab_op(t, GNTTABOP_setup_table, &st, sizeof(st));
	check(t,
	      rc == 0 && ((struct gnttab_setup_table *)t->arg)->status == GNTST_okay && list[0] == TABLE >> 12 &&
		  list[1] == UINT64_MAX,
	      "setup_table: frame 0 where mapped, frame 1 (grown) unmapped", (long)list[0]);
}

/* Which domain this is: a grant of its own page to domid c maps (granter c) only when c is itself.
 * Xen gives a guest no other way to learn its id than the toolstack. Another domain probing at the
 * same moment may have granted us its entry 1: a store through the mapping tells whose page it is. */
static bool find_self(struct t *t)
{
	const uint64_t probe = 4088, mine = 0x5e1f0000ull;

	for (domid_t c = 0; c < 64; c++) {
		grant(1, c, t->page, GTF_permit_access);
		struct gnttab_map_grant_ref m = map(t, c, 1, MAP_AT, GNTMAP_host_map);
		if (m.status != GNTST_okay)
			continue;
		gl_write64(t->page + probe, mine);
		gl_write64(MAP_AT + probe, mine + 1);
		bool own = gl_read64(t->page + probe) == mine + 1;
		unmap(t, m.handle, MAP_AT, 0);
		if (own) {
			t->self = c;
			grant(1, 0, 0, 0);
			return true;
		}
	}
	grant(1, 0, 0, 0);
	return false;
}

static void test_self_map(struct t *t)
{
	for (unsigned i = 0; i < 512; i++)
		gl_write64(t->page + i * 8, 0x600dull << 48 | i);
	grant(2, t->self, t->page, GTF_permit_access);
	struct gnttab_map_grant_ref m = map(t, t->self, 2, MAP_AT, GNTMAP_host_map);
	check(t, m.status == GNTST_okay && m.dev_bus_addr != 0, "map own grant read-write", m.status);
	check(t, flags_of(2) == (GTF_permit_access | GTF_reading | GTF_writing), "GTF_reading|GTF_writing set",
	      flags_of(2));
	check(t, gl_read64(MAP_AT + 8 * 77) == (0x600dull << 48 | 77), "the mapping reads the page", 0);
	gl_write64(MAP_AT + 8, 0xabcdef);
	check(t, gl_read64(t->page + 8) == 0xabcdef, "a write through the mapping lands in the page", 0);
	/* Not checked: an unmap naming another (unmapped) address. Halcyon refuses it (general_error)
	 * and keeps the mapping; Xen 4.17 answers okay and releases the handle while the page stays
	 * mapped. dev_bus_addr only counts for device mappings, which arm has not (as in Xen). */
	int16_t st = unmap(t, m.handle, MAP_AT, 12345);
	check(t, st == GNTST_okay && flags_of(2) == GTF_permit_access, "unmap clears the bits", st);
	st = unmap(t, m.handle, MAP_AT, 0);
	check(t, st == GNTST_bad_handle, "unmapping twice is bad_handle", st);

	gl_catch_aborts(&t->abort);
	uint32_t v = gl_read32(MAP_AT);
	gl_catch_aborts(NULL);
	check(t, t->abort.taken && v == 0, "after unmap the IPA is a hole again", (long)t->abort.esr);

	grant(3, t->self, t->page, 0);
	st = map(t, t->self, 3, MAP_AT, GNTMAP_host_map).status;
	check(t, st == GNTST_general_error, "no GTF_permit_access: general_error (as Xen)", st);
	grant(3, t->self, t->page, GTF_permit_access | GTF_readonly);
	st = map(t, t->self, 3, MAP_AT, GNTMAP_host_map).status;
	check(t, st == GNTST_general_error, "read-only grant mapped writable: general_error", st);
	m = map(t, t->self, 3, MAP_AT, GNTMAP_host_map | GNTMAP_readonly);
	check(t, m.status == GNTST_okay && flags_of(3) == (GTF_permit_access | GTF_readonly | GTF_reading),
	      "read-only grant mapped read-only: only GTF_reading", m.status);
	/* Not checked: a store to the read-only mapping. Halcyon injects a data abort; Xen 4.17 returns
	 * to the store again and again, so the same program cannot run under both. */
	check(t, unmap(t, m.handle, MAP_AT, 0) == GNTST_okay && flags_of(3) == (GTF_permit_access | GTF_readonly),
	      "read-only unmap", 0);
	st = map(t, t->self, 4000, MAP_AT, GNTMAP_host_map).status;
	check(t, st == GNTST_bad_gntref, "a ref beyond the table: bad_gntref", st);
	st = map(t, DOMID_SELF, 2, MAP_AT, GNTMAP_host_map).status;
	check(t, st == GNTST_bad_domain, "map with DOMID_SELF: bad_domain (map wants the real id)", st);
	st = unmap(t, 77, MAP_AT, 0);
	check(t, st == GNTST_bad_handle, "a handle never issued: bad_handle", st);
	grant(2, 0, 0, 0);
	grant(3, 0, 0, 0);
}

static void test_self_copy(struct t *t)
{
	grant(5, t->self, t->page, GTF_permit_access | GTF_readonly);
	grant(6, t->self, t->page2, GTF_permit_access);
	int16_t st = copy(t, 5, t->self, 16, t->page2 >> 12, DOMID_SELF, 104, 64, GNTCOPY_source_gref);
	check(t, st == GNTST_okay && gl_read64(t->page2 + 104) == gl_read64(t->page + 16), "copy gref -> own gmfn", st);
	gl_write64(t->page + 2048, 0x1234567890ull);
	st = copy(t, t->page >> 12, DOMID_SELF, 2048, 6, t->self, 8, 8, GNTCOPY_dest_gref);
	check(t, st == GNTST_okay && gl_read64(t->page2 + 8) == 0x1234567890ull, "copy own gmfn -> gref", st);
	st = copy(t, t->page >> 12, DOMID_SELF, 0, 5, t->self, 0, 8, GNTCOPY_dest_gref);
	check(t, st == GNTST_general_error, "copy into a read-only grant: general_error", st);
	st = copy(t, 5, t->self, 4000, t->page2 >> 12, DOMID_SELF, 0, 100, GNTCOPY_source_gref);
	check(t, st == GNTST_bad_copy_arg, "copy past the page end: bad_copy_arg", st);
	st = copy(t, t->page >> 12, t->self, 0, t->page2 >> 12, DOMID_SELF, 0, 8, 0);
	check(t, st == GNTST_permission_denied, "copy by gmfn needs DOMID_SELF: permission_denied", st);
	st = copy(t, 4000, t->self, 0, t->page2 >> 12, DOMID_SELF, 0, 8, GNTCOPY_source_gref);
	check(t, st == GNTST_bad_gntref, "copy from a ref beyond the table: bad_gntref", st);
	/* 200 copies in one call: more than one continuation's worth (Halcyon continues every 128). */
	uint64_t batch_gva;
	struct gnttab_copy *b = gl_alloc(200 * sizeof(*b), &batch_gva);
	for (unsigned i = 0; i < 200; i++) {
		gl_write64(t->page + 8 * i, 0xc0b1ull << 32 | i);
		b[i] = (struct gnttab_copy){ .len = 8, .flags = GNTCOPY_dest_gref, .status = 1 };
		b[i].source.u.gmfn = t->page >> 12, b[i].source.domid = DOMID_SELF,
		b[i].source.offset = (uint16_t)(8 * i);
		b[i].dest.u.ref = 6, b[i].dest.domid = t->self, b[i].dest.offset = (uint16_t)(2048 + 8 * i);
	}
	long rc = gl_hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_copy, batch_gva, 200, 0, 0);
	unsigned good = 0;
	for (unsigned i = 0; i < 200; i++)
		good += b[i].status == GNTST_okay && gl_read64(t->page2 + 2048 + 8 * i) == (0xc0b1ull << 32 | i);
	check(t, rc == 0 && good == 200, "a batch of 200 copies, every status okay", good);
	check(t, flags_of(5) == (GTF_permit_access | GTF_readonly) && flags_of(6) == GTF_permit_access,
	      "copies leave no bits set", flags_of(6));
	grant(5, 0, 0, 0);
	grant(6, 0, 0, 0);
}

/* The ops an arm guest seldom uses, answered as Xen 4.17 on arm answers them. */
static void test_other_ops(struct t *t)
{
	uint64_t list_gva;
	gl_alloc(16, &list_gva);
	struct gnttab_get_status_frames g = { .nr_frames = 1, .dom = DOMID_SELF, .frame_list = list_gva };
	long rc = gnttab_op(t, GNTTABOP_get_status_frames, &g, sizeof(g));
	int16_t st = ((struct gnttab_get_status_frames *)t->arg)->status;
	check(t, rc == 0 && st == GNTST_general_error, "get_status_frames: a v1 table has none", st);
	g.nr_frames = 0;
	rc = gnttab_op(t, GNTTABOP_get_status_frames, &g, sizeof(g));
	st = ((struct gnttab_get_status_frames *)t->arg)->status;
	check(t, rc == 0 && st == GNTST_okay, "get_status_frames of none is okay", st);
	struct gnttab_transfer x = { .mfn = t->page2 >> 12, .domid = t->self, .ref = 9 };
	rc = gnttab_op(t, GNTTABOP_transfer, &x, sizeof(x));
	check(t, rc == -XEN_ENOTSUP, "transfer is EOPNOTSUPP (no PV on arm)", rc);

	grant(10, t->self, t->page, GTF_permit_access);
	grant(11, 0, t->page2, 0);
	struct gnttab_swap_grant_ref s = { 10, 11, 1 };
	rc = gnttab_op(t, GNTTABOP_swap_grant_ref, &s, sizeof(s));
	st = ((struct gnttab_swap_grant_ref *)t->arg)->status;
	check(t, rc == 0 && st == GNTST_okay && flags_of(11) == GTF_permit_access && flags_of(10) == 0,
	      "swap_grant_ref exchanges two idle entries", st);
	struct gnttab_map_grant_ref m = map(t, t->self, 11, MAP_AT, GNTMAP_host_map);
	s = (struct gnttab_swap_grant_ref){ 11, 10, 1 };
	rc = gnttab_op(t, GNTTABOP_swap_grant_ref, &s, sizeof(s));
	st = ((struct gnttab_swap_grant_ref *)t->arg)->status;
	check(t, m.status == GNTST_okay && rc == 0 && st == GNTST_eagain, "swap_grant_ref of a mapped entry: eagain",
	      st);

	struct gnttab_unmap_and_replace r = { .host_addr = MAP_AT, .new_addr = MAP_AT + 0x10000, .handle = m.handle };
	rc = gnttab_op(t, GNTTABOP_unmap_and_replace, &r, sizeof(r));
	st = ((struct gnttab_unmap_and_replace *)t->arg)->status;
	check(t, rc == 0 && st == GNTST_general_error, "unmap_and_replace to another address: general_error", st);
	r.new_addr = 0;
	rc = gnttab_op(t, GNTTABOP_unmap_and_replace, &r, sizeof(r));
	st = ((struct gnttab_unmap_and_replace *)t->arg)->status;
	check(t, rc == 0 && st == GNTST_okay && flags_of(11) == GTF_permit_access,
	      "unmap_and_replace with new_addr 0 unmaps", st);
	st = unmap(t, m.handle, MAP_AT, 0);
	check(t, st == GNTST_bad_handle, "and the handle is gone", st);
	grant(10, 0, 0, 0);
	grant(11, 0, 0, 0);
}

/* Granter: a message in a page for the peer, then wait for its reply and for its unmap. */
static void share_with(struct t *t, domid_t peer)
{
	const uint64_t hello = 0x68656c6c6f000000ull | t->self, reply = 0x7265706c79000000ull | peer;
	gl_write64(t->page + 8, 0);
	gl_write64(t->page, hello);
	grant(8, peer, t->page, GTF_permit_access);
	unsigned n = 0;
	while (gl_read64(t->page + 8) != reply && ++n < WAIT_MAX)
		yield();
	check(t, n < WAIT_MAX, "the peer wrote its reply into the granted page", n);
	while ((flags_of(8) & (GTF_reading | GTF_writing)) && ++n < WAIT_MAX)
		yield();
	check(t, n < WAIT_MAX, "the peer unmapped: the bits are clear again", flags_of(8));
	grant(8, 0, 0, 0);
}

/* Mapper: map the peer's ref 8 once it is granted, read the message, reply, unmap. */
static void map_from(struct t *t, domid_t peer)
{
	const uint64_t hello = 0x68656c6c6f000000ull | peer, reply = 0x7265706c79000000ull | t->self;
	struct gnttab_map_grant_ref m;
	unsigned n = 0;
	while ((m = map(t, peer, 8, MAP_AT, GNTMAP_host_map)).status != GNTST_okay && ++n < WAIT_MAX)
		yield();
	check(t, m.status == GNTST_okay, "mapped the peer's grant", m.status);
	if (m.status != GNTST_okay)
		return;
	uint64_t got = gl_read64(MAP_AT);
	check(t, got == hello, "read the peer's message through the mapping", (long)(got & 0xffff));
	gl_write64(MAP_AT + 8, reply);
	int16_t st = unmap(t, m.handle, MAP_AT, 0);
	check(t, st == GNTST_okay, "unmapped the peer's page", st);
}

/* @n map+unmap pairs of one self-grant, one op per call as Linux's gntdev issues them. */
static void time_pairs(struct t *t, unsigned n)
{
	unsigned bad = 0;

	grant(2, t->self, t->page, GTF_permit_access);
	uint64_t t0 = gl_sysreg_read(GL_CNTVCT_EL0);
	for (unsigned i = 0; i < n; i++) {
		struct gnttab_map_grant_ref m = map(t, t->self, 2, MAP_AT, GNTMAP_host_map);
		bad += m.status != GNTST_okay || unmap(t, m.handle, MAP_AT, 0) != GNTST_okay;
	}
	uint64_t ticks = gl_sysreg_read(GL_CNTVCT_EL0) - t0, hz = gl_sysreg_read(GL_CNTFRQ_EL0);
	grant(2, 0, 0, 0);
	gl_printf("gnttest: %u map+unmap pairs in %llu counter ticks at %llu Hz\n", n, (unsigned long long)ticks,
		  (unsigned long long)hz);
	check(t, bad == 0, "every timed pair mapped and unmapped", bad);
}

static void find_table(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "xen,xen"), len;
	const fdt32_t *reg = node < 0 ? NULL : fdt_getprop(fdt, node, "reg", &len);

	/* The root's two address and two size cells, as both hypervisors write it. */
	if (!reg || len < 16)
		return;
	uint64_t size = (uint64_t)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]);
	table_base = (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
	map_at = table_base + (size < 0x200000 ? (size / 2) & ~0xfffull : 0x100000);
}

void guest_main(const void *fdt)
{
	struct t t = { 0 };
	uint64_t base, size;

	if (!fdt || fdt_check_header(fdt) || !gl_ram_bank(fdt, &base, &size)) {
		gl_printf("gnttest: FAIL: no usable device tree\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	find_table(fdt);
	/* The last two pages of RAM: far above the image, the tree and the library's arena. */
	t.page = base + size - 2 * 4096;
	t.page2 = base + size - 4096;
	t.arg = gl_alloc(64, &t.arg_gva);

	test_table(&t);
	if (!find_self(&t)) {
		check(&t, false, "found its own domid by a self-grant", -1);
		gl_shutdown(SHUTDOWN_crash);
	}
	gl_printf("gnttest: running as d%u\n", t.self);
	test_self_map(&t);
	test_self_copy(&t);
	test_other_ops(&t);
	unsigned peer = (unsigned)gl_bootarg_u64(fdt, "gnttest.grant=", NO_PEER);
	if (peer != NO_PEER)
		share_with(&t, (domid_t)peer);
	peer = (unsigned)gl_bootarg_u64(fdt, "gnttest.map=", NO_PEER);
	if (peer != NO_PEER)
		map_from(&t, (domid_t)peer);
	unsigned pairs = (unsigned)gl_bootarg_u64(fdt, "gnttest.pairs=", NO_PEER);
	if (pairs != NO_PEER)
		time_pairs(&t, pairs);
	gl_printf("gnttest: %s\n", t.failures ? "FAILED" : "all passed");
	gl_shutdown(t.failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
