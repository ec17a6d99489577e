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
#include "world_check.h"

#ifdef WORLD_SNAPSHOT
#pragma clang section bss = "" data = "" /* the harness's own state is not the machine's */
#endif

/* The decoding and the checks are the harness's, not the core's: no coverage or comparison
 * tracing for the engines to spend time on (and steer by). */
WORLD_UNTRACED_BEGIN

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
/* before[d][i] still holds that page as it is: taken before an earlier call, and nothing has
 * changed the page since (a call of the domain itself, one that wrote it through a grant, or the
 * harness's stores do). Copies are then taken only when a page has changed, not before every call. */
static bool saved[WORLD_DOMS][WORLD_PAGES];
static bool clean[WORLD_DOMS][WORLD_PAGES]; /* write-protected before the call: no copy taken */
static bool owners_unchecked;               /* the last call skipped world_check_ownership */
static bool trace;                          /* HCALL_TRACE=1: each call and its result on stderr, for triage */

static void *page(const struct world_dom *w, unsigned i) { return hal_pa_to_va(w->ram[i]); }

/* The harness stores into @p's page: whichever domain's RAM it is, its copy is stale. */
static void forget(const void *p)
{
	uintptr_t pg = (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
	for (unsigned d = 0; d < WORLD_DOMS; d++)
		for (unsigned i = 0; i < WORLD_PAGES; i++)
			if ((uintptr_t)page(&world[d], i) == pg)
				saved[d][i] = false;
}

/* Pages of @w the caller may write through a grant: a writable mapping of it the caller holds
 * (pinned while the grant allowed it; the granter may have rewritten the entry since), or a
 * writable grant to @caller now (a grant copy). A grant names a GFN, and the page may sit at
 * another GFN than it started at (add_to_physmap moves pages): the frame is resolved through the
 * granter's p2m, as a map does, and compared by PA. */
static bool granted(struct world_dom *w, domid_t caller, unsigned i)
{
	paddr_t pa;
	if (world_grant_pinned_rw(w->d.id, caller, w->ram[i]))
		return true;
	if (world_p2m_lookup(&w->d.p2m, WORLD_TABLE_GFN << 12, &pa) == P2M_INVALID)
		return false;
	const struct grant_entry_v1 *e = hal_pa_to_va(pa);
	for (unsigned r = 0; e && r < PAGE_SIZE / sizeof(*e); r++) {
		paddr_t frame;
		if ((e[r].flags & GTF_type_mask) == GTF_permit_access && e[r].domid == caller &&
		    !(e[r].flags & GTF_readonly) &&
		    world_p2m_lookup(&w->d.p2m, (uint64_t)e[r].frame << 12, &frame) != P2M_INVALID &&
		    pa_addr(frame) == pa_addr(w->ram[i]))
			return true;
	}
	return false;
}

/* Every other domain's RAM as it is before the call: copied, unless the snapshot's write
 * protection keeps the page as it was at the reset or the copy taken earlier still holds. */
static void save_others(unsigned caller)
{
	for (unsigned d = 0; d < WORLD_DOMS; d++)
		for (unsigned i = 0; d != caller && i < WORLD_PAGES; i++) {
			clean[d][i] = world_page_clean(page(&world[d], i));
			if (!clean[d][i] && !saved[d][i]) {
				memcpy(before[d][i], page(&world[d], i), PAGE_SIZE);
				saved[d][i] = true;
			}
		}
}

/* Every other domain's RAM is as it was, but for pages it lets the caller write. */
static void check_isolation(unsigned caller)
{
	for (unsigned d = 0; d < WORLD_DOMS; d++) {
		for (unsigned i = 0; i < WORLD_PAGES; i++) {
			const void *now = page(&world[d], i);
			if (d == caller || (clean[d][i] && world_page_clean(now)))
				continue;
			/* A page the domain gave up is not its RAM any more: anyone may have it now. */
			if (world_frame_owner(world[d].ram[i]) != world[d].d.id) {
				saved[d][i] = false;
				continue;
			}
			if (memcmp(clean[d][i] ? world_snapshot_of(now) : before[d][i], now, PAGE_SIZE)) {
				CHECK(granted(&world[d], world[caller].d.id, i));
				saved[d][i] = false;
			}
		}
	}
	/* The caller's own RAM may have changed in its call. */
	for (unsigned i = 0; i < WORLD_PAGES; i++)
		saved[caller][i] = false;
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
		uint8_t *p = world_guest_page(w, gfn << 12);
		/* Through its p2m as the guest's store would go: nothing if it mapped something else there. */
		if (p) {
			memcpy(p + off, mem, n);
			forget(p);
		}
		return;
	}
	uint8_t *argp = world_guest_page(w, WORLD_ARG_IPA);
	if (argp) {
		memcpy(argp, mem, c->memlen);
		forget(argp);
	}
	uint64_t x[5];
	for (unsigned i = 0; i < 5; i++) {
		x[i] = le64(c->x[i]);
		if (c->ptrs >> i & 1)
			x[i] = WORLD_ARG_IPA + (x[i] & 0xff8);
	}
	if (c->ptrs & 0x80)
		x[0] &= 0x1f;

	save_others(caller);
	uint64_t op = c->op < NR_OPS ? ops[c->op] : (le64(c->x[4]) & 0xff);
	long rc = world_hypercall(w, v->id, op, x);
	if (trace)
		fprintf(stderr, "d%u v%u hypercall %llu (%#llx, %#llx, %#llx) = %ld\n", w->d.id, v->id,
			(unsigned long long)v->ctx.x[16], (unsigned long long)le64(c->x[0]),
			(unsigned long long)v->ctx.x[1], (unsigned long long)v->ctx.x[2], rc);
	CHECK(world_xen_errno(rc));

	check_isolation(caller);
	world_check_ports();
	/* The walk of every RAM window costs a fifth of the harness's time: skipped after the calls
	 * that reach neither a p2m nor the frame allocator, and done at the end of an input that
	 * skipped it last. */
	owners_unchecked = op == __HYPERVISOR_xen_version || op == __HYPERVISOR_console_io ||
			   op == __HYPERVISOR_sched_op || op == __HYPERVISOR_event_channel_op;
	if (!owners_unchecked)
		world_check_ownership();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace = getenv("HCALL_TRACE") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool teardown = world_begin(data, size);

	owners_unchecked = true;
	memset(saved, 0, sizeof(saved));
	for (unsigned n = 0; n < 32 && size >= sizeof(struct call); n++) {
		struct call c;
		memcpy(&c, data, sizeof(c));
		data += sizeof(c), size -= sizeof(c);
		if (c.memlen > size)
			c.memlen = (uint8_t)size;
		run_call(&c, data);
		data += c.memlen, size -= c.memlen;
	}
	if (owners_unchecked)
		world_check_ownership();
	world_end(teardown);
	return 0;
}

WORLD_UNTRACED_END
