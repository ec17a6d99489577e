/* The boot path both worlds share: discover the machine, bring up every CPU, idle. */
#include "core/bootargs.h"
#include "core/console.h"
#include "core/panic.h"
#include "core/version.h"
#include "dt/dt.h"
#include "hal/boot.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/mmu.h"
#include "hal/platform.h"
#include "hal/timer.h"
#include "public/errno.h"

/* How long the boot CPU waits for a started CPU to check in. */
#define CPU_CHECKIN_TIMEOUT_MS 1000

static struct platform plat;
static unsigned cpus_online;
static bool poweroff_when_idle;

/* Logical CPU 0 is the one we boot on: move its MPIDR to the front, keep the others' DT order. */
static bool put_boot_cpu_first(struct platform *p, uint64_t boot_mpidr)
{
	for (unsigned i = 0; i < p->cpu_count; i++) {
		if (p->cpu_mpidr[i] != boot_mpidr)
			continue;
		for (unsigned j = i; j > 0; j--)
			p->cpu_mpidr[j] = p->cpu_mpidr[j - 1];
		p->cpu_mpidr[0] = boot_mpidr;
		return true;
	}
	return false;
}

static void print_platform(const struct platform *p)
{
	for (unsigned i = 0; i < p->mem_count; i++)
		con_printf("Memory bank %u: %#llx-%#llx (%llu MiB)\n", i, (unsigned long long)pa_addr(p->mem[i].base),
			   (unsigned long long)(pa_addr(p->mem[i].base) + p->mem[i].size - 1),
			   (unsigned long long)(p->mem[i].size >> 20));
	con_printf("GICv%u: distributor %#llx\n", p->gic.version, (unsigned long long)pa_addr(p->gic.dist.base));
	con_printf("Timer PPIs: hyp %u, virt %u, phys %u\n", p->timer.hyp, p->timer.virt, p->timer.ns_phys);
	con_printf("Console: %s at %#llx\n", p->uart.path, (unsigned long long)pa_addr(p->uart.regs.base));
}

static HAL_NORETURN void idle(void)
{
	for (;;) {
		if (poweroff_when_idle && hal_cpu_id() == 0)
			hal_exit(0);
		hal_cpu_idle();
	}
}

static bool wait_for_online(unsigned want)
{
	uint64_t deadline = hal_counter_now() + hal_counter_freq() * CPU_CHECKIN_TIMEOUT_MS / 1000;

	while (__atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE) < want) {
		if (hal_counter_now() > deadline)
			return false;
		hal_cpu_relax();
	}
	return true;
}

static void start_secondaries(void)
{
	unsigned started = 1;

	for (unsigned i = 1; i < plat.cpu_count; i++) {
		int err = hal_cpu_start(started, plat.cpu_mpidr[i]);
		if (err) {
			con_printf("CPU %#llx: failed to start (%d)\n", (unsigned long long)plat.cpu_mpidr[i], err);
			continue;
		}
		/* One at a time: a CPU that never checks in is named, not lost among the others. */
		if (!wait_for_online(started + 1)) {
			con_printf("CPU %#llx: started but never came online\n", (unsigned long long)plat.cpu_mpidr[i]);
			panic("CPU %#llx is in an unknown state", (unsigned long long)plat.cpu_mpidr[i]);
		}
		started++;
	}
}

HAL_NORETURN void hyp_start(paddr_t fdt_pa)
{
	struct dt_error err = { { 0 } };
	const void *fdt = hal_pa_to_va(fdt_pa);
	int rc = fdt ? dt_platform_parse(fdt, &plat, &err) : -XEN_EFAULT;

	plat.semihosting = bootargs_has(plat.bootargs, "semihosting");
	poweroff_when_idle = bootargs_has(plat.bootargs, "poweroff_when_idle");
	/* Bring the console up even if the tree is flawed, so the flaw can be reported. */
	int hal_rc = hal_platform_init(&plat);
	if (!fdt)
		panic("no device tree at %#llx", (unsigned long long)pa_addr(fdt_pa));
	if (rc)
		panic("device tree: %s", err.msg);
	if (hal_rc)
		panic("platform initialisation failed (%d)", hal_rc);

	con_printf("Halcyon %s at EL2\n", HALCYON_VERSION);
	print_platform(&plat);
	if (!put_boot_cpu_first(&plat, hal_cpu_mpidr()))
		panic("boot CPU %#llx is not in /cpus", (unsigned long long)hal_cpu_mpidr());

	__atomic_store_n(&cpus_online, 1, __ATOMIC_RELEASE);
	start_secondaries();
	con_printf("Halcyon: %u CPUs online\n", __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE));
	idle();
}

HAL_NORETURN void hyp_secondary_start(unsigned cpu)
{
	(void)cpu;
	__atomic_fetch_add(&cpus_online, 1, __ATOMIC_ACQ_REL);
	idle();
}
