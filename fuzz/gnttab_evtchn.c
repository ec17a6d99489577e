/* Fuzz harness for grant tables and event channels across three domains: sequences of grant entry
 * writes, map/unmap/copy/setup/query, table frames moved, and event-channel allocate/bind/send/
 * close/reset, as structured hypercalls from Dom0 and two DomUs. A model of the live mappings is
 * kept beside the core's: after every step each frame's references are exactly its live
 * mappings, each mapping sits in its mapper's p2m, a mapped entry shows its pins, frames stay with
 * their owners and every interdomain port's peer points back at it. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hal/mmu.h"
#include "gnttab/gnttab.h"
#include "hcall_world.h"
#include "mm/frame.h"
#include "mm/p2m.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/memory.h"
#include "public/xen.h"
#include "world_check.h"

#ifdef WORLD_SNAPSHOT
#pragma clang section bss = "" data = "" /* the harness's own state is not the machine's */
#endif

#define REFS      64                /* grant refs the steps name: the first of frame 0 */
#define MAP_GFN   UINT64_C(0x50000) /* where mappings go: a hole in every domain's IPA space */
#define MAP_SLOTS 16
#define MAX_MAPS  STEPS_MAX
#define PORTS     32
#define STEPS_MAX 128

/* One step: 8 bytes. */
struct step {
	uint8_t kind;  /* % 16, see run_step */
	uint8_t who;   /* [1:0] the caller (mod 3), [2] its vCPU */
	uint8_t peer;  /* < 0xc0: a world domain (mod 3); 0xc0-0xef: a domid that does not exist; else DOMID_SELF */
	uint8_t flags; /* per kind */
	uint16_t a, b;
};

/* A mapping the core reported made: what must hold until it is unmapped. */
struct map {
	unsigned mapper;
	grant_handle_t handle;
	domid_t granter;
	grant_ref_t ref;
	uint64_t gfn;
	paddr_t pa;
	bool ro;
};

static struct map maps[MAX_MAPS];
static int trace = -1; /* GE_TRACE=1: each call and its result on stderr, for triage */
static unsigned nmaps;
/* Entries whose pin bits the granter wrote itself, or rewrote while mapped: the hypervisor clears
 * only the bits of its own pins, so they are unknown until the guest writes the entry again with
 * no pin bits and no mapping of it left. */
static bool scribbled[WORLD_DOMS][REFS];

static domid_t peer_id(uint8_t p)
{
	if (p < 0xc0)
		return world[p % WORLD_DOMS].d.id;
	return p < 0xf0 ? (domid_t)(p - 0xc0 + 3) : DOMID_SELF;
}

static unsigned index_of(domid_t id)
{
	for (unsigned i = 0; i < WORLD_DOMS; i++)
		if (world[i].d.id == id)
			return i;
	return WORLD_DOMS;
}

/* Each domain's grant-table frame 0, wherever the guest maps it. */
static struct grant_entry_v1 *table[WORLD_DOMS];

static struct grant_entry_v1 *entry(unsigned d, unsigned ref) { return &table[d][ref]; }

static bool mapped(unsigned granter, unsigned ref)
{
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].granter == world[granter].d.id && maps[i].ref == ref)
			return true;
	return false;
}

/* The caller's argument page, where the op structures go, as the guest sees it; a scratch page
 * when it has mapped something else there, such as a grant-table frame (the call then fails with
 * -EFAULT as the guest's would, and the table is not scribbled on behind the model's back). */
static void *arg(unsigned d)
{
	static uint8_t scratch[PAGE_SIZE];
	void *p = world_guest_page(&world[d], WORLD_ARG_IPA);
	return p && frame_owner(hal_va_to_pa(p)) == world[d].d.id ? p : scratch;
}

static long call(unsigned d, unsigned vcpu, uint64_t op, uint64_t x0, uint64_t x2)
{
	const uint64_t x[5] = { x0, WORLD_ARG_IPA, x2, 0, 0 };
	long rc = world_hypercall(&world[d], vcpu, op, x);
	if (trace < 0)
		trace = getenv("GE_TRACE") != NULL;
	if (trace)
		fprintf(stderr, "d%u v%u op %llu cmd %llu = %ld\n", d, vcpu, (unsigned long long)op,
			(unsigned long long)x0, rc);
	CHECK(world_xen_errno(rc));
	return rc;
}

/* gnttab()'s answer when the call itself failed (its arguments unreadable...): no status. */
#define CALL_FAILED 1

/* One grant-table op structure through the caller's argument page; its status, whose offset in
 * the structure is @status (the core must have written it when the call succeeded), or
 * CALL_FAILED. */
static int gnttab(unsigned d, unsigned vcpu, unsigned cmd, void *op, size_t len, size_t status)
{
	const int16_t unset = 0x7fff;
	memcpy((uint8_t *)op + status, &unset, 2);
	memcpy(arg(d), op, len);
	long rc = call(d, vcpu, __HYPERVISOR_grant_table_op, cmd, 1);
	memcpy(op, arg(d), len);
	int16_t st;
	memcpy(&st, (uint8_t *)op + status, 2);
	if (rc < 0)
		return CALL_FAILED;
	if (trace)
		fprintf(stderr, "  status %d\n", st);
	CHECK(st <= 0 && st >= GNTST_no_space);
	return st;
}

static void map(unsigned d, unsigned vcpu, const struct step *s)
{
	bool ro = s->flags & 1;
	struct gnttab_map_grant_ref op = {
		.host_addr = ((s->flags & 2 ? WORLD_RAM_GFN + s->b % WORLD_PAGES : MAP_GFN + s->b % MAP_SLOTS) << 12),
		.flags = s->flags & 4 ? s->flags : GNTMAP_host_map | (ro ? GNTMAP_readonly : 0),
		.ref = s->flags & 8 ? s->a : s->a % REFS,
		.dom = peer_id(s->peer),
	};
	if (gnttab(d, vcpu, GNTTABOP_map_grant_ref, &op, sizeof(op), offsetof(struct gnttab_map_grant_ref, status)))
		return;
	/* Made: a frame of the granter's, now in the mapper's p2m where it asked. */
	unsigned g = index_of(op.dom);
	CHECK(g < WORLD_DOMS && nmaps < MAX_MAPS && (op.flags & ~GNTMAP_readonly) == GNTMAP_host_map);
	struct map m = {
		d, op.handle, op.dom, op.ref, op.host_addr >> 12, pa_init(op.dev_bus_addr), op.flags & GNTMAP_readonly
	};
	CHECK(frame_owner(m.pa) == op.dom);
	for (unsigned i = 0; i < nmaps; i++)
		CHECK(maps[i].mapper != d || maps[i].handle != op.handle);
	maps[nmaps++] = m;
}

static void unmap(unsigned d, unsigned vcpu, const struct step *s)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = (MAP_GFN + s->b % MAP_SLOTS) << 12, .handle = s->a };
	unsigned known = MAX_MAPS;

	/* Mostly one of the caller's own live mappings, as a guest would. */
	for (unsigned i = 0, n = 0; !(s->flags & 1) && i < nmaps; i++)
		if (maps[i].mapper == d && n++ == s->a % nmaps)
			known = i;
	if (known < MAX_MAPS) {
		op.handle = maps[known].handle;
		if (!(s->flags & 2))
			op.host_addr = maps[known].gfn << 12;
	}
	int st =
	    gnttab(d, vcpu, GNTTABOP_unmap_grant_ref, &op, sizeof(op), offsetof(struct gnttab_unmap_grant_ref, status));
	/* Which of the model's mappings went: only one the caller holds under that handle and address. */
	unsigned gone = MAX_MAPS;
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].mapper == d && maps[i].handle == op.handle)
			gone = i;
	if (st != GNTST_okay) {
		/* A guest naming its own live mapping correctly (in arguments the hypervisor could
		 * read) gets it unmapped. */
		CHECK(st == CALL_FAILED || !(gone < MAX_MAPS && maps[gone].gfn << 12 == op.host_addr));
		return;
	}
	CHECK(gone < MAX_MAPS && maps[gone].gfn << 12 == op.host_addr);
	maps[gone] = maps[--nmaps];
}

static void copy(unsigned d, unsigned vcpu, const struct step *s)
{
	struct gnttab_copy op = { .flags = s->flags & 3, .len = (uint16_t)(s->b & 0x1fff) };
	op.source.domid = s->flags & 1 ? peer_id(s->peer) : DOMID_SELF;
	op.dest.domid = s->flags & 2 ? peer_id(s->peer) : DOMID_SELF;
	if (s->flags & 1)
		op.source.u.ref = s->a % REFS;
	else
		op.source.u.gmfn = WORLD_RAM_GFN + s->a % WORLD_PAGES;
	if (s->flags & 2)
		op.dest.u.ref = s->a / REFS % REFS;
	else
		op.dest.u.gmfn = WORLD_RAM_GFN + s->a / WORLD_PAGES % WORLD_PAGES;
	op.source.offset = (uint16_t)((s->b >> 3) & 0xfff);
	op.dest.offset = (uint16_t)(s->flags << 4 & 0xff0);
	gnttab(d, vcpu, GNTTABOP_copy, &op, sizeof(op), offsetof(struct gnttab_copy, status));
}

/* The guest's own grant entry @ref: a grant of page b to the peer, or its flags cleared. */
static void write_entry(unsigned d, const struct step *s, bool grant)
{
	unsigned ref = s->a % REFS;
	struct grant_entry_v1 *e = entry(d, ref);
	uint16_t flags = 0;

	if (grant) {
		e->domid = peer_id(s->peer);
		e->frame = (uint32_t)(WORLD_RAM_GFN + s->b % (WORLD_PAGES + 1));
		flags = s->flags & 0x80 ? s->flags : GTF_permit_access | (s->flags & 1 ? GTF_readonly : 0);
	}
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELAXED);
	/* The pin bits are the hypervisor's to keep only while the guest leaves them alone. */
	scribbled[d][ref] = mapped(d, ref) || (flags & (GTF_reading | GTF_writing));
}

static void evtchn(unsigned d, unsigned vcpu, unsigned cmd, const void *op, size_t len)
{
	memcpy(arg(d), op, len);
	call(d, vcpu, __HYPERVISOR_event_channel_op, cmd, 0);
}

static void run_step(const struct step *s)
{
	unsigned d = (s->who & 3) % WORLD_DOMS, vcpu = (s->who >> 2) & 1;
	domid_t peer = peer_id(s->peer);
	evtchn_port_t port = s->a % PORTS;

	if (trace > 0)
		fprintf(stderr, "step kind %u d%u v%u peer %#x flags %#x a %u b %u\n", s->kind % 16, d, vcpu, peer,
			s->flags, s->a, s->b);
	switch (s->kind % 16) {
	case 0: write_entry(d, s, true); break;
	case 1: write_entry(d, s, false); break;
	case 2: map(d, vcpu, s); break;
	case 3: unmap(d, vcpu, s); break;
	case 4: copy(d, vcpu, s); break;
	case 5: {
		/* setup_table, query_size, get_version and set_version, on itself or another domain. */
		static const unsigned cmds[] = { GNTTABOP_setup_table, GNTTABOP_query_size, GNTTABOP_get_version,
						 GNTTABOP_set_version };
		uint8_t op[24] = { 0 };
		unsigned cmd = cmds[s->flags % 4];
		if (cmd == GNTTABOP_setup_table) {
			struct gnttab_setup_table t = { .dom = peer,
							.nr_frames = s->b % 8,
							.frame_list = WORLD_ARG_IPA + 0x800 };
			memcpy(op, &t, sizeof(t));
		} else {
			memcpy(op, cmd == GNTTABOP_set_version ? (const void *)&s->b : (const void *)&peer, 2);
		}
		memcpy(arg(d), op, sizeof(op));
		call(d, vcpu, __HYPERVISOR_grant_table_op, cmd, 1);
		break;
	}
	case 6: {
		/* Grant-table frame @a at a GFN near the table's (over RAM when b says so). */
		struct xen_add_to_physmap x = { .domid = DOMID_SELF,
						.space = XENMAPSPACE_grant_table,
						.idx = s->a % 4 };
		x.gpfn = s->flags & 1 ? WORLD_RAM_GFN + s->b % WORLD_PAGES : WORLD_TABLE_GFN + s->b % 8;
		memcpy(arg(d), &x, sizeof(x));
		call(d, vcpu, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, 0);
		break;
	}
	case 7: {
		struct evtchn_alloc_unbound op = { .dom = s->flags & 1 ? peer : DOMID_SELF, .remote_dom = peer };
		evtchn(d, vcpu, EVTCHNOP_alloc_unbound, &op, sizeof(op));
		break;
	}
	case 8: {
		struct evtchn_bind_interdomain op = { .remote_dom = peer, .remote_port = port };
		evtchn(d, vcpu, EVTCHNOP_bind_interdomain, &op, sizeof(op));
		break;
	}
	case 9: evtchn(d, vcpu, EVTCHNOP_close, &port, sizeof(port)); break;
	case 10: evtchn(d, vcpu, EVTCHNOP_send, &port, sizeof(port)); break;
	case 11: evtchn(d, vcpu, EVTCHNOP_unmask, &port, sizeof(port)); break;
	case 12: {
		struct evtchn_bind_vcpu op = { .port = port, .vcpu = s->b % 3 };
		evtchn(d, vcpu, EVTCHNOP_bind_vcpu, &op, sizeof(op));
		break;
	}
	case 13: {
		struct evtchn_bind_ipi op = { .vcpu = s->b % 3 };
		evtchn(d, vcpu, EVTCHNOP_bind_ipi, &op, sizeof(op));
		break;
	}
	case 14: {
		struct evtchn_bind_virq op = { .virq = s->a % 12, .vcpu = s->b % 3 };
		evtchn(d, vcpu, EVTCHNOP_bind_virq, &op, sizeof(op));
		break;
	}
	default: {
		struct evtchn_reset op = { .dom = peer };
		struct evtchn_status st = { .dom = peer, .port = port };
		if (s->flags & 1)
			evtchn(d, vcpu, EVTCHNOP_reset, &op, sizeof(op));
		else
			evtchn(d, vcpu, EVTCHNOP_status, &st, sizeof(st));
		break;
	}
	}
}

/* The model against the core: every live mapping is in its mapper's p2m as a grant of the frame
 * it was given, each domain holds as many as the model says, each RAM frame has exactly one
 * reference per mapping of it, and an entry others map shows GTF_reading (GTF_writing when
 * mapped writable) unless the guest has rewritten it since. */
static void check_maps(void)
{
	for (unsigned i = 0; i < nmaps; i++) {
		paddr_t pa;
		enum p2m_type t = p2m_lookup(&world[maps[i].mapper].d.p2m, ipa_init(maps[i].gfn << 12), &pa, NULL);
		CHECK(t == (maps[i].ro ? P2M_GRANT_RO : P2M_GRANT_RW) && pa_addr(pa) == pa_addr(maps[i].pa));
	}
	for (unsigned d = 0; d < WORLD_DOMS; d++) {
		unsigned held = 0;
		for (unsigned i = 0; i < nmaps; i++)
			held += maps[i].mapper == d;
		CHECK(gnttab_maps_held(&world[d].d) == held);
		for (unsigned p = 0; p < WORLD_PAGES; p++) {
			unsigned refs = 0;
			for (unsigned i = 0; i < nmaps; i++)
				refs += pa_addr(maps[i].pa) == pa_addr(world[d].ram[p]);
			CHECK(frame_refs(world[d].ram[p]) == refs);
		}
		for (unsigned r = 0; r < REFS; r++) {
			const struct grant_entry_v1 *e = entry(d, r);
			bool rd = false, wr = false;
			for (unsigned i = 0; i < nmaps; i++)
				if (maps[i].granter == world[d].d.id && maps[i].ref == r)
					rd = true, wr |= !maps[i].ro;
			if (!scribbled[d][r] &&
			    (!!(e->flags & GTF_reading) != rd || !!(e->flags & GTF_writing) != wr)) {
				if (trace > 0)
					fprintf(stderr, "d%u ref %u flags %#x, mapped %d writable %d\n", d, r, e->flags,
						rd, wr);
				abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool teardown = world_begin(data, size);

	nmaps = 0;
	memset(scribbled, 0, sizeof(scribbled));
	for (unsigned d = 0; d < WORLD_DOMS; d++) {
		paddr_t pa;
		CHECK(p2m_lookup(&world[d].d.p2m, ipa_init(WORLD_TABLE_GFN << 12), &pa, NULL) == P2M_RAM_RW);
		table[d] = hal_pa_to_va(pa);
	}
	for (unsigned n = 0; n < STEPS_MAX && size >= sizeof(struct step); n++) {
		struct step s;
		memcpy(&s, data, sizeof(s));
		data += sizeof(s), size -= sizeof(s);
		run_step(&s);
		check_maps();
		world_check_ports();
		if (s.kind % 16 <= 6)
			world_check_ownership();
	}
	world_check_ownership();
	world_end(teardown);
	return 0;
}
