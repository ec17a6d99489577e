/* Interrupt patterns a GIC must get right, from inside a guest with four vCPUs, in the spirit of
 * KVM's vgic_irq selftest: edge coalescing, preemption by priority (a nested handler), EOImode split
 * (priority drop, then deactivation), an SGI storm between four vCPUs with every SGI accounted for,
 * an SPI retargeted while pending, and a level interrupt that pends again while its line stays high.
 * PASS/FAIL lines as irqtest's; the same program on QEMU and on the sim. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/xen.h"

#define NCPUS        4
#define PRIO         0xa0
#define PRIO_HIGH    0x40
#define PRIO_LOW     0xc0
#define SGI_EDGE     1
#define SGI_OUTER    2
#define SGI_HIGH     3
#define SGI_LOW      4
#define SGI_SPLIT    5
#define SGI_STORM    8 /* 8 + sender */
#define STORM_ROUNDS 25
#define SPI_MOVE     40
#define LEVEL_HITS   3
#define CTL_ENABLE   1u
#define CTL_IMASK    2u
#define GICD_ISPENDR 0x0200
#define GICD_ITARGET 0x0800
#define GICD_IROUTER 0x6000
#define WAIT_ROUNDS  200000
#define TRACE_MAX    16

static int failures, gic;
static uint32_t ptimer_ppi;

static struct {
	uint32_t hits[NCPUS][64]; /* per receiving vCPU, per INTID below 64 */
	uint32_t trace[TRACE_MAX], trace_n;
	uint32_t depth, max_depth;
	uint32_t online, phase, stormed, masked, unmasked;
} st;

static void check(bool ok, const char *what, long got)
{
	gl_printf("vgictest: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	failures += !ok;
}

static uint32_t get(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

static bool wait_for(const uint32_t *p, uint32_t want)
{
	for (unsigned i = 0; i < WAIT_ROUNDS && get(p) < want; i++)
		yield();
	return get(p) >= want;
}

/* Long enough, with IRQs open, for anything deliverable to arrive. */
static void settle(void)
{
	for (unsigned i = 0; i < 200; i++)
		yield();
}

static void note(uint32_t what)
{
	uint32_t n = st.trace_n;
	if (n < TRACE_MAX)
		st.trace[n] = what;
	st.trace_n = n + 1;
}

static void preempted_section(void *arg)
{
	(void)arg;
	/* A higher priority preempts the running one; a lower one must wait for the EOI. */
	gl_gic_send_sgi(0, SGI_HIGH);
	gl_gic_send_sgi(0, SGI_LOW);
	settle();
}

static void irq_handler(void)
{
	unsigned me = gl_vcpu_id() % NCPUS;
	uint32_t id = gl_gic_ack();

	if (id >= 1020)
		return;
	if (id < 64)
		__atomic_fetch_add(&st.hits[me][id], 1, __ATOMIC_RELEASE);
	st.depth++;
	if (st.depth > st.max_depth)
		st.max_depth = st.depth;
	if (me == 0 && id >= SGI_OUTER && id <= SGI_LOW)
		note(id);
	if (me == 0 && id == SGI_OUTER) {
		gl_irq_preemptible(preempted_section, NULL);
		note(100 + id);
	}
	if (id == ptimer_ppi && get(&st.hits[me][id]) >= LEVEL_HITS)
		gl_sysreg_write(GL_CNTP_CTL_EL0, CTL_ENABLE | CTL_IMASK); /* the line drops */
	st.depth--;
	gl_gic_eoi(id); /* with EOImode 1 (SGI_SPLIT's test) only the priority drops */
}

static void test_edge_coalesces(void)
{
	gl_irq_mask();
	gl_gic_send_sgi(0, SGI_EDGE);
	gl_gic_send_sgi(0, SGI_EDGE);
	gl_irq_unmask();
	settle();
	check(get(&st.hits[0][SGI_EDGE]) == 1, "edge: two SGIs sent while masked are taken once",
	      get(&st.hits[0][SGI_EDGE]));
}

static void test_preemption(void)
{
	gl_gic_send_sgi(0, SGI_OUTER);
	settle();
	/* Expected: outer starts, high preempts it inside, outer ends, then low. */
	uint32_t want[] = { SGI_OUTER, SGI_HIGH, 100 + SGI_OUTER, SGI_LOW };
	bool ok = st.trace_n == 4;
	for (unsigned i = 0; ok && i < 4; i++)
		ok = st.trace[i] == want[i];
	long code = 0;
	for (unsigned i = 0; i < st.trace_n && i < 4; i++)
		code = code * 1000 + st.trace[i];
	check(ok, "preemption: higher priority nests inside, lower waits for the EOI (2 3 102 4)", code);
	check(st.max_depth == 2, "preemption: handlers nested two deep", st.max_depth);
}

static void test_eoimode_split(void)
{
	gl_gic_set_eoimode(true);
	gl_gic_send_sgi(0, SGI_SPLIT);
	settle();
	uint32_t first = get(&st.hits[0][SGI_SPLIT]);
	gl_gic_send_sgi(0, SGI_SPLIT); /* pending again while still active: held */
	settle();
	uint32_t held = get(&st.hits[0][SGI_SPLIT]);
	gl_gic_deactivate(SGI_SPLIT);
	settle();
	uint32_t after = get(&st.hits[0][SGI_SPLIT]);
	gl_gic_set_eoimode(false);
	check(first == 1 && held == 1, "EOImode 1: after EOIR the SGI stays active, a second one waits", held);
	check(after == 2, "EOImode 1: deactivation releases the waiting SGI", after);
}

static void storm(unsigned me)
{
	/* One in flight per (sender, receiver) pair: every SGI is counted, none may coalesce. */
	for (unsigned r = 0; r < STORM_ROUNDS; r++)
		for (unsigned to = 0; to < NCPUS; to++) {
			if (to == me)
				continue;
			gl_gic_send_sgi(to, SGI_STORM + me);
			if (!wait_for(&st.hits[to][SGI_STORM + me], r + 1))
				return;
		}
}

/* The phases vCPU 0 leads the others through. */
enum { PHASE_STORM = 1, PHASE_MASK, PHASE_UNMASK, PHASE_END };

static void secondary(unsigned vcpu)
{
	gl_gic_cpu_init();
	for (unsigned s = 0; s < NCPUS; s++)
		gl_gic_enable(SGI_STORM + s, PRIO);
	gl_irq_unmask();
	__atomic_fetch_add(&st.online, 1, __ATOMIC_RELEASE);
	wait_for(&st.phase, PHASE_STORM);
	storm(vcpu);
	__atomic_fetch_add(&st.stormed, 1, __ATOMIC_RELEASE);
	wait_for(&st.phase, PHASE_MASK);
	if (vcpu == 1) {
		/* Held off while vCPU 0 pends an SPI and moves it here. */
		gl_irq_mask();
		__atomic_store_n(&st.masked, 1, __ATOMIC_RELEASE);
		wait_for(&st.phase, PHASE_UNMASK);
		gl_irq_unmask();
		settle();
		__atomic_store_n(&st.unmasked, 1, __ATOMIC_RELEASE);
	}
	wait_for(&st.phase, PHASE_END);
}

static void test_storm(void)
{
	for (unsigned s = 0; s < NCPUS; s++)
		gl_gic_enable(SGI_STORM + s, PRIO);
	for (unsigned v = 1; v < NCPUS; v++)
		gl_cpu_on(v, secondary);
	bool online = wait_for(&st.online, NCPUS - 1);
	check(online, "storm: vCPUs 1-3 online", get(&st.online));
	__atomic_store_n(&st.phase, PHASE_STORM, __ATOMIC_RELEASE);
	storm(0);
	wait_for(&st.stormed, NCPUS - 1);
	unsigned total = 0, exact = 0;
	for (unsigned to = 0; to < NCPUS; to++)
		for (unsigned from = 0; from < NCPUS; from++) {
			if (to == from)
				continue;
			uint32_t n = get(&st.hits[to][SGI_STORM + from]);
			total += n;
			exact += n == STORM_ROUNDS;
		}
	check(exact == NCPUS * (NCPUS - 1), "storm: every pair delivered exactly its SGIs", total);
}

static void test_spi_retarget(void)
{
	uint64_t d = gl_gic_dist_base();

	__atomic_store_n(&st.phase, PHASE_MASK, __ATOMIC_RELEASE);
	wait_for(&st.masked, 1);
	gl_irq_mask();
	gl_gic_enable(SPI_MOVE, PRIO); /* routed to vCPU 0 */
	gl_write32(d + GICD_ISPENDR + (SPI_MOVE / 32) * 4, 1u << (SPI_MOVE % 32));
	if (gic == 3) {
		gl_write64(d + GICD_IROUTER + SPI_MOVE * 8, 1); /* Aff0 = 1 */
	} else {
		uint64_t reg = d + GICD_ITARGET + (SPI_MOVE & ~3u);
		unsigned shift = (SPI_MOVE & 3) * 8;
		gl_write32(reg, (gl_read32(reg) & ~(0xffu << shift)) | (2u << shift));
	}
	gl_irq_unmask();
	settle();
	uint32_t on0 = get(&st.hits[0][SPI_MOVE]);
	__atomic_store_n(&st.phase, PHASE_UNMASK, __ATOMIC_RELEASE);
	wait_for(&st.unmasked, 1);
	uint32_t on1 = get(&st.hits[1][SPI_MOVE]);
	check(on0 == 0, "SPI retargeted while pending: not taken by its old vCPU", on0);
	check(on1 == 1, "SPI retargeted while pending: taken once by its new vCPU", on1);
}

static void test_level(void)
{
	gl_gic_enable(ptimer_ppi, PRIO);
	gl_sysreg_write(GL_CNTP_CVAL_EL0, gl_sysreg_read(GL_CNTPCT_EL0)); /* already due: the line is high */
	gl_sysreg_write(GL_CNTP_CTL_EL0, CTL_ENABLE);
	settle();
	uint32_t hits = get(&st.hits[0][ptimer_ppi]);
	gl_sysreg_write(GL_CNTP_CTL_EL0, 0);
	gl_gic_disable(ptimer_ppi);
	check(hits == LEVEL_HITS, "level: the physical timer PPI pends again after each EOI while its line is high",
	      hits);
}

static uint32_t timer_ppi(const void *fdt, unsigned index)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer"), len;
	const fdt32_t *irq = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;

	if (!irq || len < (int)(3 * (index + 1) * 4))
		return 30;
	return 16 + fdt32_to_cpu(irq[3 * index + 1]);
}

void guest_main(const void *fdt)
{
	gic = gl_gic_init(fdt);
	check(gic == 2 || gic == 3, "a GIC in the device tree", gic);
	if (gic < 0)
		gl_shutdown(SHUTDOWN_crash);
	ptimer_ppi = timer_ppi(fdt, 1); /* the non-secure physical timer */
	gl_irq_vector(irq_handler);
	for (unsigned id = SGI_EDGE; id <= SGI_SPLIT; id++)
		gl_gic_enable(id, id == SGI_HIGH ? PRIO_HIGH : id == SGI_LOW ? PRIO_LOW : PRIO);
	gl_irq_unmask();

	test_edge_coalesces();
	test_preemption();
	test_eoimode_split();
	test_level();
	test_storm();
	test_spi_retarget();

	__atomic_store_n(&st.phase, PHASE_END, __ATOMIC_RELEASE);
	gl_printf("vgictest: %s\n", failures ? "some checks FAILED" : "all passed");
	gl_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
