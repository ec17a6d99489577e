/* Fuzz harness for the hypercall ABI: each input is a sequence of hypercalls (caller domain and
 * vCPU, op, x0-x4, bytes of the argument page they may point at) against Dom0 and two DomUs on
 * the real mm, grant tables and event channels, rebuilt per input. After every call: the result
 * is a value or a Xen errno, no other domain's memory changed but pages it granted the caller,
 * each domain's RAM is still its own, event-channel bindings are symmetric; after the input,
 * teardown gives back every frame and every heap byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtchn/evtchn.h"
#include "hal/mmu.h"
#include "hcall/hcall.h"
#include "hcall_world.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "mm/p2m.h"
#include "public/grant_table.h"
#include "public/xen.h"

#ifdef WORLD_SNAPSHOT
#pragma clang section bss = "" data = "" /* the harness's own state is not the machine's */
#endif

#define CHECK(c) ((c) ? (void)0 : abort())

#define PORTS_CHECKED 32

/* The hypercalls the core implements, by Xen's number, and one slot for any number at all. */
static const uint64_t ops[] = {
	__HYPERVISOR_memory_op,        __HYPERVISOR_xen_version, __HYPERVISOR_console_io,
	__HYPERVISOR_grant_table_op,   __HYPERVISOR_vcpu_op,     __HYPERVISOR_sched_op,
	__HYPERVISOR_event_channel_op, __HYPERVISOR_hvm_op,      __HYPERVISOR_domctl,
};
#define NR_OPS (sizeof(ops) / sizeof(ops[0]))
/* Not a call: the guest writes @memlen bytes into its own memory at x0's offset (8-aligned) in its
 * grant-table frame (x1 odd) or RAM page x1 / 2, as it does to fill in grant entries. */
#define OP_STORE 0xfe

/* One call: a 44-byte header, then @memlen bytes written at the start of the argument page. */
struct call {
	uint8_t who;  /* 1:0 the domain (mod 3), 2 the vCPU */
	uint8_t op;   /* index into ops[]; NR_OPS and above: x[4]'s low byte is the op itself */
	uint8_t ptrs; /* bit i: x[i] points into the argument page; bit 7: x0 is a small sub-op */
	uint8_t memlen;
	uint8_t x[5][8]; /* little-endian */
};

static uint8_t before[WORLD_DOMS][WORLD_PAGES][PAGE_SIZE];
static uint64_t heap_start, free_start;
static bool trace; /* HCALL_TRACE=1: each call and its result on stderr, for triage */

static bool xen_errno(long rc)
{
	static const long known[] = { XEN_EPERM,  XEN_ENOENT,  XEN_ESRCH,   XEN_EINTR,    XEN_EIO,    XEN_ENXIO,
				      XEN_E2BIG,  XEN_EBADF,   XEN_EAGAIN,  XEN_ENOMEM,   XEN_EACCES, XEN_EFAULT,
				      XEN_EBUSY,  XEN_EEXIST,  XEN_ENODEV,  XEN_EINVAL,   XEN_ENOSPC, XEN_ERANGE,
				      XEN_ENOSYS, XEN_ENOTSUP, XEN_ENODATA, XEN_ETIMEDOUT };
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (rc == -known[i])
			return true;
	return false;
}

static void *page(const struct world_dom *w, unsigned i) { return hal_pa_to_va(w->ram[i]); }

/* Pages of @w the caller may write through a grant: its writable grants to @caller, by frame. */
static bool granted(struct world_dom *w, domid_t caller, unsigned i)
{
	paddr_t pa;
	if (p2m_lookup(&w->d.p2m, ipa_init(WORLD_TABLE_GFN << 12), &pa, NULL) == P2M_INVALID)
		return false;
	const struct grant_entry_v1 *e = hal_pa_to_va(pa);
	for (unsigned r = 0; e && r < PAGE_SIZE / sizeof(*e); r++)
		if ((e[r].flags & GTF_type_mask) == GTF_permit_access && e[r].domid == caller &&
		    !(e[r].flags & GTF_readonly) && e[r].frame == WORLD_RAM_GFN + i)
			return true;
	return false;
}

/* Every other domain's RAM is as it was, but for pages it lets the caller write. */
static void check_isolation(unsigned caller)
{
	for (unsigned d = 0; d < WORLD_DOMS; d++) {
		if (d == caller)
			continue;
		for (unsigned i = 0; i < WORLD_PAGES; i++)
			if (memcmp(before[d][i], page(&world[d], i), PAGE_SIZE))
				CHECK(granted(&world[d], world[caller].d.id, i));
	}
}

/* RAM mapped in a domain's RAM window is a frame the domain owns, or a hypervisor frame it was
 * given (its grant-table frames, mapped with add_to_physmap) that no other domain has as RAM. */
static void check_ownership(void)
{
	uint64_t xen[WORLD_DOMS][WORLD_PAGES];
	unsigned nxen[WORLD_DOMS] = { 0 };

	for (unsigned d = 0; d < WORLD_DOMS; d++)
		for (unsigned i = 0; i < WORLD_PAGES; i++) {
			paddr_t pa;
			enum p2m_type t = p2m_lookup(&world[d].d.p2m, ipa_init((WORLD_RAM_GFN + i) << 12), &pa, NULL);
			if (t != P2M_RAM_RW && t != P2M_RAM_RO)
				continue;
			domid_t owner = frame_owner(pa);
			CHECK(owner == world[d].d.id || owner == DOMID_XEN);
			if (owner == DOMID_XEN)
				xen[d][nxen[d]++] = pa_addr(pa);
		}
	for (unsigned d = 0; d < WORLD_DOMS; d++)
		for (unsigned e = d + 1; e < WORLD_DOMS; e++)
			for (unsigned i = 0; i < nxen[d]; i++)
				for (unsigned j = 0; j < nxen[e]; j++)
					CHECK(xen[d][i] != xen[e][j]);
}

/* An interdomain port's peer port points back at it. */
static void check_ports(void)
{
	for (unsigned d = 0; d < WORLD_DOMS; d++)
		for (evtchn_port_t p = 1; p < PORTS_CHECKED; p++) {
			struct evtchn_status s = { .dom = DOMID_SELF, .port = p };
			if (evtchn_status(&world[d].d, &s) || s.status != EVTCHNSTAT_interdomain)
				continue;
			struct domain *peer = domain_by_id(s.u.interdomain.dom);
			CHECK(peer != NULL);
			struct evtchn_status back = { .dom = DOMID_SELF, .port = s.u.interdomain.port };
			CHECK(evtchn_status(peer, &back) == 0 && back.status == EVTCHNSTAT_interdomain);
			CHECK(back.u.interdomain.dom == world[d].d.id && back.u.interdomain.port == p);
		}
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void run_call(const struct call *c, const uint8_t *mem)
{
	unsigned caller = (c->who & 3) % WORLD_DOMS;
	struct world_dom *w = &world[caller];
	struct vcpu *v = &w->v[(c->who >> 2) & 1];

	if (c->op == OP_STORE) {
		uint64_t x0 = le64(c->x[0]), x1 = le64(c->x[1]);
		uint64_t gfn = (x1 & 1) ? WORLD_TABLE_GFN : WORLD_RAM_GFN + (x1 >> 1) % WORLD_PAGES;
		size_t off = x0 & 0xff8, n = c->memlen < PAGE_SIZE - off ? c->memlen : PAGE_SIZE - off;
		paddr_t pa;
		/* Through its p2m as the guest's store would go: nothing if it mapped something else there. */
		if (p2m_lookup(&w->d.p2m, ipa_init(gfn << 12), &pa, NULL) == P2M_RAM_RW)
			memcpy((uint8_t *)hal_pa_to_va(pa) + off, mem, n);
		return;
	}
	memcpy(page(w, WORLD_PAGES - 1), mem, c->memlen);
	memset(&v->ctx, 0, sizeof(v->ctx));
	for (unsigned i = 0; i < 5; i++) {
		uint64_t x = le64(c->x[i]);
		v->ctx.x[i] = (c->ptrs >> i & 1) ? WORLD_ARG_IPA + (x & 0xff8) : x;
	}
	if (c->ptrs & 0x80)
		v->ctx.x[0] &= 0x1f;
	v->ctx.x[16] = c->op < NR_OPS ? ops[c->op] : (le64(c->x[4]) & 0xff);
	v->ctx.pc = 0x40001004; /* past the HVC */

	for (unsigned d = 0; d < WORLD_DOMS; d++)
		if (d != caller)
			for (unsigned i = 0; i < WORLD_PAGES; i++)
				memcpy(before[d][i], page(&world[d], i), PAGE_SIZE);

	/* A continued call (PC back on the HVC) is executed again at once, as the vCPU would. */
	for (unsigned n = 0; n < 64; n++) {
		uint64_t op = v->ctx.x[16];
		hcall_dispatch(v);
		if (v->ctx.pc != 0x40001000)
			break;
		v->ctx.pc = 0x40001004;
		CHECK(v->ctx.x[16] == op);
	}
	long rc = (long)v->ctx.x[0];
	if (trace)
		fprintf(stderr, "d%u v%u hypercall %llu (%#llx, %#llx, %#llx) = %ld\n", w->d.id, v->id,
			(unsigned long long)v->ctx.x[16], (unsigned long long)le64(c->x[0]),
			(unsigned long long)v->ctx.x[1], (unsigned long long)v->ctx.x[2], rc);
	CHECK(rc >= 0 || xen_errno(rc));

	check_isolation(caller);
	check_ownership();
	check_ports();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	world_init();
	trace = getenv("HCALL_TRACE") != NULL;
	heap_start = heap_bytes_in_use();
	free_start = frame_free_count();
	return 0;
}

/* The plain build rebuilds the world and tears it down after every input, checking for leaks.
 * The engine builds restore a snapshot instead (the rebuild is the harness's cost): they tear
 * down and check only inputs whose first byte is 0x80-0x87 (1 in 32), a choice the input makes, so a
 * finding replays the same way with the plain binary. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool teardown = true;
#ifdef WORLD_SNAPSHOT
	static bool saved;
	if (!saved) {
		/* At the first input, once the engine's own signal handlers are in place. */
		world_build();
		world_snapshot();
		saved = true;
	}
	teardown = size && (data[0] & 0xf8) == 0x80;
#else
	world_build();
#endif
	for (unsigned n = 0; n < 32 && size >= sizeof(struct call); n++) {
		struct call c;
		memcpy(&c, data, sizeof(c));
		data += sizeof(c), size -= sizeof(c);
		if (c.memlen > size)
			c.memlen = (uint8_t)size;
		run_call(&c, data);
		data += c.memlen, size -= c.memlen;
	}
	if (teardown) {
		world_destroy();
		/* Nothing leaked: every frame back (p2m tables and frames others mapped included), heap as it was. */
		CHECK(heap_bytes_in_use() == heap_start && frame_free_count() == free_start);
	}
#ifdef WORLD_SNAPSHOT
	world_restore();
#endif
	return 0;
}
