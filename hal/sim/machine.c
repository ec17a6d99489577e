#include "machine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "console.h"
#include "hal/mmu.h"
#include "irq.h"
#include "program.h"
#include "ram.h"
#include "s2.h"
#include "smmu.h"
#include "vcpu.h"

/* QEMU's rule for where the tree goes: this far into the first bank, or half of it if smaller. */
#define DTB_OFFSET_MAX (128ull << 20)

static struct {
	struct sim_config cfg;
	struct sim_cpu cpus[PLAT_MAX_CPUS];
	unsigned ncpus;
	enum plat_psci_conduit psci;
	struct plat_region ram0;
	struct sim_fiber host;
	struct sim_cpu *current;
	uint64_t rng;
	uint64_t now;
	uint64_t steps;
	bool stopped;
	struct sim_result res;
} m;

/* splitmix64: tiny, fast, and every seed (0 included) gives a good sequence. */
static uint64_t rng_next(void)
{
	uint64_t z = (m.rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int sim_machine_create(const struct platform *plat, const struct sim_config *cfg, char *err, size_t errlen)
{
	sim_machine_destroy(); /* a machine left over from an earlier run */
	memset(&m, 0, sizeof(m));
	m.cfg = *cfg;
	m.rng = cfg->seed;
	m.psci = plat->psci;
	if (plat->cpu_count == 0 || plat->cpu_count > PLAT_MAX_CPUS) {
		snprintf(err, errlen, "the machine needs 1 to %d CPUs, the tree has %u", PLAT_MAX_CPUS,
			 plat->cpu_count);
		return -1;
	}
	if (plat->mem_count == 0) {
		snprintf(err, errlen, "the machine needs RAM: the tree has no memory bank");
		return -1;
	}
	m.ncpus = plat->cpu_count;
	for (unsigned i = 0; i < m.ncpus; i++) {
		m.cpus[i].index = i;
		m.cpus[i].mpidr = plat->cpu_mpidr[i];
		m.cpus[i].running = &m.cpus[i].fiber;
		sim_mmu_init(&m.cpus[i].mmu);
	}
	m.ram0 = plat->mem[0];
	for (unsigned i = 0; i < plat->mem_count; i++) {
		if (sim_ram_add(plat->mem[i].base, plat->mem[i].size)) {
			snprintf(err, errlen, "cannot back RAM bank %#llx+%#llx with host memory",
				 (unsigned long long)pa_addr(plat->mem[i].base), (unsigned long long)plat->mem[i].size);
			sim_machine_destroy();
			return -1;
		}
	}
	if (sim_console_attach(plat, cfg->console, cfg->console_opaque)) {
		snprintf(err, errlen, "the console UART at %#llx overlaps RAM or another device",
			 (unsigned long long)pa_addr(plat->uart.regs.base));
		sim_machine_destroy();
		return -1;
	}
	if (sim_irq_create(plat, err, errlen)) {
		sim_machine_destroy();
		return -1;
	}
	return 0;
}

void sim_machine_destroy(void)
{
	sim_vcpu_release_all();
	for (unsigned i = 0; i < m.ncpus; i++)
		sim_fiber_destroy(&m.cpus[i].fiber);
	sim_irq_destroy();
	sim_smmu_destroy();
	sim_bus_reset();
	sim_ram_reset();
	m.ncpus = 0;
}

struct sim_cpu *sim_current(void) { return m.current; }

struct sim_cpu *sim_cpu_by_mpidr(uint64_t mpidr)
{
	for (unsigned i = 0; i < m.ncpus; i++)
		if (m.cpus[i].mpidr == mpidr)
			return &m.cpus[i];
	return NULL;
}

unsigned sim_cpu_count(void) { return m.ncpus; }

struct sim_cpu *sim_cpu_at(unsigned i) { return i < m.ncpus ? &m.cpus[i] : NULL; }

const struct sim_program *sim_program_find(const char *name)
{
	for (unsigned i = 0; i < m.cfg.nprograms; i++)
		if (strcmp(m.cfg.programs[i].name, name) == 0)
			return &m.cfg.programs[i];
	return NULL;
}

const struct sim_program *sim_programs(unsigned *n)
{
	*n = m.cfg.nprograms;
	return m.cfg.programs;
}

enum plat_psci_conduit sim_psci_conduit(void) { return m.psci; }

uint64_t sim_now(void) { return m.now; }

void sim_yield(void)
{
	struct sim_cpu *c = m.current;

	if (c)
		sim_fiber_switch(c->running, &m.host);
}

void sim_wfi(void)
{
	struct sim_cpu *c = m.current;

	if (!c)
		return;
	/* An interrupt already pending is a wake-up event: the WFI completes at once. */
	if (sim_irq_wakes(c)) {
		sim_yield();
		return;
	}
	c->state = SIM_CPU_WFI;
	sim_fiber_switch(c->running, &m.host);
}

/* Every CPU's first instruction: what the boot loader or the firmware's CPU_ON left for it. */
static void cpu_main(void)
{
	struct sim_cpu *c = m.current;

	/* Only the first start is the boot loader's; a CPU powered off and on again is a secondary. */
	if (c->boot) {
		c->boot = false;
		m.cfg.boot(pa_init(c->context));
	} else {
		c->logical = (unsigned)c->context;
		m.cfg.secondary((unsigned)c->context);
	}
	sim_stop(SIM_STOP_ERROR, 1, "CPU %#llx returned from its entry point", (unsigned long long)c->mpidr);
}

uint64_t sim_secondary_entry(void) { return (uint64_t)(uintptr_t)cpu_main; }

void sim_cpu_power_on(struct sim_cpu *c, uint64_t context)
{
	c->state = SIM_CPU_ON;
	c->context = context;
	c->irq_ready = false; /* its GIC CPU interface is the new run's to bring up */
}

void sim_cpu_power_off(void)
{
	struct sim_cpu *c = m.current;

	if (!c)
		sim_stop(SIM_STOP_ERROR, 1, "CPU_OFF from outside any CPU");
	c->state = SIM_CPU_OFF;
	/* The run loop frees the stack; the next CPU_ON starts from reset on a fresh one. */
	sim_fiber_abandon(&c->fiber, &m.host);
}

static void finish(enum sim_stop_kind kind, int status)
{
	m.res.kind = kind;
	m.res.status = status;
	m.stopped = true;
}

void sim_stop(enum sim_stop_kind kind, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m.res.reason, sizeof(m.res.reason), fmt, ap);
	va_end(ap);
	finish(kind, status);
	if (m.current)
		sim_fiber_abandon(m.current->running, &m.host);
	/* Only a broken caller stops a machine that is not running: there is no run to return to. */
	fprintf(stderr, "hypsim: stop outside a run: %s\n", m.res.reason);
	exit(status ? status : 1);
}

/* Picks the next CPU to run, or NULL if none can: a seeded uniform choice among the runnable. */
static struct sim_cpu *pick(void)
{
	struct sim_cpu *runnable[PLAT_MAX_CPUS];
	unsigned n = 0;

	for (unsigned i = 0; i < m.ncpus; i++)
		if (m.cpus[i].state == SIM_CPU_ON)
			runnable[n++] = &m.cpus[i];
	return n ? runnable[rng_next() % n] : NULL;
}

static void step(struct sim_cpu *c)
{
	if (!c->started) {
		if (sim_fiber_create(&c->fiber, cpu_main)) {
			snprintf(m.res.reason, sizeof(m.res.reason), "cannot map a stack for CPU %#llx",
				 (unsigned long long)c->mpidr);
			finish(SIM_STOP_ERROR, 1);
			return;
		}
		c->started = true;
		c->running = &c->fiber;
		m.res.cpus_started += !c->ran;
		c->ran = true;
	}
	m.current = c;
	sim_fiber_switch(&m.host, c->running);
	m.current = NULL;
	if (c->state == SIM_CPU_OFF) {
		sim_fiber_destroy(&c->fiber);
		c->started = false;
	}
	m.now += SIM_TICKS_PER_STEP;
	m.steps++;
	sim_bus_tick();
}

/* Nothing can run: virtual time jumps to the next timer deadline, whose interrupt may wake a CPU
 * (the loop looks again; a deadline that wakes no one leads to the next). With no timer armed
 * the machine has nothing left to do. */
static void all_asleep(void)
{
	uint64_t next = sim_irq_next_deadline();
	bool any_wfi = false;

	if (next != UINT64_MAX) {
		if (m.cfg.until && next > m.cfg.until)
			next = m.cfg.until;
		m.now = next > m.now ? next : m.now;
		return;
	}
	for (unsigned i = 0; i < m.ncpus; i++)
		any_wfi |= m.cpus[i].state == SIM_CPU_WFI;
	snprintf(m.res.reason, sizeof(m.res.reason), "%s", any_wfi ? "all CPUs idle" : "all CPUs off");
	finish(SIM_STOP_IDLE, 0);
}

struct plat_region sim_machine_tree_region(size_t len)
{
	uint64_t off = m.ram0.size / 2 < DTB_OFFSET_MAX ? m.ram0.size / 2 : DTB_OFFSET_MAX;

	return (struct plat_region){ pa_add(m.ram0.base, off), len };
}

static void place_tree(const void *dtb, size_t len, paddr_t *pa)
{
	struct plat_region r = sim_machine_tree_region(len);

	*pa = r.base;
	if (len > m.ram0.size - (pa_addr(r.base) - pa_addr(m.ram0.base))) {
		snprintf(m.res.reason, sizeof(m.res.reason), "the tree (%zu bytes) does not fit in RAM at %#llx", len,
			 (unsigned long long)pa_addr(*pa));
		finish(SIM_STOP_ERROR, 1);
		return;
	}
	memcpy(hal_pa_to_va(*pa), dtb, len);
	/* The core must not hand out the tree's pages: they are the HAL's, as the boot loader's are. */
	sim_ram_reserve(r);
}

int sim_machine_run(const void *dtb, size_t len, struct sim_result *res)
{
	paddr_t fdt;

	sim_fiber_init_self(&m.host);
	place_tree(dtb, len, &fdt);
	m.cpus[0].boot = true;
	sim_cpu_power_on(&m.cpus[0], pa_addr(fdt));
	while (!m.stopped) {
		if (m.cfg.until && m.now >= m.cfg.until) {
			snprintf(m.res.reason, sizeof(m.res.reason), "virtual time limit reached");
			finish(SIM_STOP_TIME, 0);
			break;
		}
		sim_irq_advance(m.now);
		struct sim_cpu *c = pick();
		if (c)
			step(c);
		else
			all_asleep();
	}
	m.res.ticks = m.now;
	m.res.steps = m.steps;
	m.res.cpus = m.ncpus;
	*res = m.res;
	return m.res.status;
}
