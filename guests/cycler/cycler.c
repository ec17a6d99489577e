/* Dom0's domain-lifecycle check: with the toolstack it builds a domain running tiny, lets it run,
 * destroys it, cycler.n= times (1000 by default), every other one destroyed while still running.
 * Each cycle must leave the machine's free pages (XEN_SYSCTL_physinfo) as it found them. */
#include "core/format.h"
#include "lib/guest.h"
#include "lib/tools.h"
#include "public/errno.h"

#define TINY_MARK     0x54494e59554e4955ull /* guests/tiny's, xored with its number */
#define MARK_ADDR     (GL_TOOLS_RAM_BASE + (1ull << 20))
#define TINY_MIB      2u
#define WAIT_YIELDS   200000u
#define CYCLES_REPORT 100u

struct tally {
	unsigned vcpus;
	uint64_t built, marked, smp, ran_out, killed_running, gone, late, leaks;
	uint64_t phase[3]; /* counter ticks: building, running, destroying until the frames are back */
	domid_t lo, hi;
};

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

static uint64_t now(void) { return gl_sysreg_read(GL_CNTVCT_EL0); }

/* Until tiny has left its mark and (unless it stays) shut down. */
static bool wait_for(domid_t dom, uint64_t va, uint64_t want, bool stay, struct gl_dom_state *st)
{
	for (unsigned i = 0; i < WAIT_YIELDS; i++) {
		bool marked = gl_read64(va) == want;
		if (gl_tools_state(dom, st))
			return false;
		if (marked && (stay || st->shutdown))
			return true;
		yield();
	}
	return false;
}

/* A destroyed domain lingers while its vCPUs leave their pCPUs: gone when getdomaininfo no
 * longer finds it. */
static bool wait_gone(domid_t dom)
{
	struct gl_dom_state st;

	for (unsigned i = 0; i < WAIT_YIELDS; i++) {
		if (gl_tools_state(dom, &st) == -XEN_ESRCH)
			return true;
		yield();
	}
	return false;
}

static int cycle(uint64_t i, uint64_t free0, struct tally *t)
{
	bool stay = i & 1;
	char args[64];
	struct gl_dom_cfg cfg = { .name = "tiny",
				  .program = "tiny",
				  .mem_mib = TINY_MIB,
				  .vcpus = t->vcpus,
				  .bootargs = args,
				  .paused = true };
	struct gl_dom_state st;
	uint64_t va, free, total;
	domid_t dom;

	fmt_snprintf(args, sizeof(args), "tiny.n=%llu tiny.mark=%llu%s", (unsigned long long)i,
		     (unsigned long long)MARK_ADDR, stay ? " tiny.stay" : "");
	uint64_t t0 = now();
	int rc = gl_tools_create(&cfg, &dom);
	rc = rc ?: gl_tools_map_foreign(dom, MARK_ADDR >> 12, &va);
	rc = rc ?: gl_tools_unpause(dom);
	if (rc) {
		gl_printf("cycler: FAIL: cycle %llu: building the domain: %d\n", (unsigned long long)i, rc);
		return rc;
	}
	t->built++;
	t->lo = t->built == 1 || dom < t->lo ? dom : t->lo;
	t->hi = dom > t->hi ? dom : t->hi;
	uint64_t t1 = now();
	bool ok = wait_for(dom, va, TINY_MARK ^ i, stay, &st);
	uint64_t t2 = now();
	t->marked += ok;
	/* Its secondary vCPUs (started before the mark) left theirs after it. */
	unsigned v = 1;
	while (ok && v < t->vcpus && gl_read64(va + 8 * v) == (TINY_MARK ^ i ^ v))
		v++;
	t->smp += ok && v == t->vcpus;
	t->ran_out += ok && !stay && st.shutdown && st.shutdown_reason == SHUTDOWN_poweroff;
	t->killed_running += ok && stay && !st.shutdown && !st.dying;
	/* A running domain goes with our mapping of its page still held (its frame outlives it until
	 * we unmap); one that shut down is unmapped first. */
	rc = stay ? gl_tools_destroy(dom) : gl_tools_unmap_foreign(va);
	rc = rc ?: (stay ? gl_tools_unmap_foreign(va) : gl_tools_destroy(dom));
	t->gone += !rc && wait_gone(dom);
	rc = rc ?: gl_tools_physinfo(&free, &total);
	/* Xen frees a domain's memory before destroydomain returns; a teardown the hypervisor finishes
	 * later shows here as frames that come back after the domain is gone: counted, then waited for. */
	if (!rc && free != free0) {
		t->late++;
		for (unsigned w = 0; w < WAIT_YIELDS && !rc && free != free0; w++) {
			yield();
			rc = gl_tools_physinfo(&free, &total);
		}
	}
	t->phase[0] += t1 - t0;
	t->phase[1] += t2 - t1;
	t->phase[2] += now() - t2;
	if (rc) {
		gl_printf("cycler: FAIL: cycle %llu (d%u): destroying: %d\n", (unsigned long long)i, dom, rc);
		return rc;
	}
	if (!ok)
		gl_printf("cycler: FAIL: cycle %llu (d%u) did not %s\n", (unsigned long long)i, dom,
			  stay ? "mark its RAM" : "mark its RAM and shut down");
	if (free != free0) {
		t->leaks++;
		gl_printf("cycler: FAIL: cycle %llu (d%u): %llu free pages, %llu before\n", (unsigned long long)i, dom,
			  (unsigned long long)free, (unsigned long long)free0);
	}
	return 0;
}

static unsigned long long ns(uint64_t ticks, uint64_t hz, uint64_t n)
{
	return n && hz ? (unsigned long long)(ticks * 1000000000ull / hz / n) : 0;
}

static void verdict(bool ok, const char *what, uint64_t got)
{
	gl_printf("cycler: %s: %s (got %llu)\n", ok ? "PASS" : "FAIL", what, (unsigned long long)got);
}

void guest_main(const void *fdt)
{
	uint64_t n = gl_bootarg_u64(fdt, "cycler.n=", 1000), free0, total, free_end;
	struct tally t = { .vcpus = (unsigned)gl_bootarg_u64(fdt, "cycler.vcpus=", 1) };
	int rc = gl_tools_init(fdt);

	rc = rc ?: gl_tools_physinfo(&free0, &total);
	if (rc) {
		gl_printf("cycler: FAIL: toolstack start: %d\n", rc);
		gl_shutdown(SHUTDOWN_crash);
	}
	gl_printf("cycler: %llu cycles; %llu of %llu pages free\n", (unsigned long long)n, (unsigned long long)free0,
		  (unsigned long long)total);
	uint64_t t0 = gl_sysreg_read(GL_CNTVCT_EL0), hz = gl_sysreg_read(GL_CNTFRQ_EL0);
	for (uint64_t i = 0; i < n && !rc; i++) {
		rc = cycle(i, free0, &t);
		if ((i + 1) % CYCLES_REPORT == 0)
			gl_printf("cycler: %llu cycles done\n", (unsigned long long)(i + 1));
	}
	uint64_t ticks = gl_sysreg_read(GL_CNTVCT_EL0) - t0;
	rc = rc ?: gl_tools_physinfo(&free_end, &total);
	verdict(t.built == n, "every cycle built a domain with the toolstack", t.built);
	verdict(t.marked == n, "every domain ran and marked its RAM with its number", t.marked);
	gl_printf("cycler: %u vCPUs a domain\n", t.vcpus);
	verdict(t.smp == n, "every vCPU of every domain ran", t.smp);
	verdict(t.ran_out == n - n / 2, "half shut down by themselves (poweroff) before being destroyed", t.ran_out);
	verdict(t.killed_running == n / 2, "half were destroyed while still running", t.killed_running);
	verdict(t.gone == n, "every destroyed domain is gone (getdomaininfo ESRCH)", t.gone);
	verdict(t.leaks == 0, "free pages after each cycle equal those before (cycles that leaked)", t.leaks);
	verdict(!rc && free_end == free0, "free pages at the end equal those at the start", free0 - free_end);
	gl_printf("cycler: %llu cycles saw frames come back only after the domain was gone\n",
		  (unsigned long long)t.late);
	gl_printf("cycler: domids d%u..d%u; %llu ns of virtual time per cycle\n", t.lo, t.hi, ns(ticks, hz, n));
	gl_printf(
	    "cycler: per cycle: %llu ns building, %llu ns running, %llu ns destroying until the frames are back\n",
	    ns(t.phase[0], hz, n), ns(t.phase[1], hz, n), ns(t.phase[2], hz, n));
	bool all = t.built == n && t.marked == n && t.smp == n && t.ran_out == n - n / 2 && t.killed_running == n / 2 &&
		   t.gone == n && !t.leaks && !rc && free_end == free0;
	gl_printf("cycler: %s\n", all ? "all passed" : "FAILED");
	gl_shutdown(all ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
