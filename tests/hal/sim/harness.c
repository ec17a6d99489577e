#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "hal/cpu.h"
#include "hal/exit.h"

struct platform harness_plat;
char harness_console[4096];
size_t harness_console_len;
paddr_t harness_fdt;
const struct sim_program *harness_programs;
unsigned harness_nprograms;

static void (*boot_fn)(void);
static void (*secondary_fn)(unsigned);

void harness_reset(void)
{
	static const uint64_t mpidrs[] = { 0, 1, 2, 0x100 };

	memset(&harness_plat, 0, sizeof(harness_plat));
	harness_plat.cpu_count = 4;
	memcpy(harness_plat.cpu_mpidr, mpidrs, sizeof(mpidrs));
	harness_plat.mem[0] = (struct plat_region){ pa_init(HARNESS_RAM_BASE), HARNESS_RAM_SIZE };
	harness_plat.mem_count = 1;
	harness_plat.uart.regs = (struct plat_region){ pa_init(HARNESS_UART), 0x1000 };
	harness_plat.gic.version = 3;
	harness_plat.gic.dist = (struct plat_region){ pa_init(HARNESS_GICD), 0x10000 };
	harness_plat.gic.redist[0] = (struct plat_region){ pa_init(HARNESS_GICR), 4 * 0x20000 };
	harness_plat.gic.redist_count = 1;
	harness_plat.gic.maint_intid = 25;
	harness_plat.timer.sec_phys = 29;
	harness_plat.timer.ns_phys = 30;
	harness_plat.timer.virt = 27;
	harness_plat.timer.hyp = 26;
	harness_plat.psci = PLAT_PSCI_SMC;
	harness_console_len = 0;
	harness_fdt = pa_init(0);
	harness_programs = NULL;
	harness_nprograms = 0;
}

static void sink(void *opaque, uint8_t c)
{
	(void)opaque;
	if (harness_console_len < sizeof(harness_console) - 1)
		harness_console[harness_console_len++] = (char)c;
	harness_console[harness_console_len] = '\0';
}

static void boot_entry(paddr_t fdt)
{
	harness_fdt = fdt;
	boot_fn();
	hal_exit(0);
}

static void secondary_entry(unsigned cpu)
{
	if (secondary_fn)
		secondary_fn(cpu);
	for (;;)
		hal_cpu_idle();
}

int harness_run(void (*boot)(void), void (*secondary)(unsigned), uint64_t seed, uint64_t until_ticks,
		struct sim_result *r)
{
	const struct sim_config cfg = {
		.seed = seed,
		.until = until_ticks,
		.boot = boot_entry,
		.secondary = secondary_entry,
		.console = sink,
		.programs = harness_programs,
		.nprograms = harness_nprograms,
	};
	static const char tree[64] = "not parsed: the fake core only takes its address";
	char err[160];

	boot_fn = boot;
	secondary_fn = secondary;
	if (sim_machine_create(&harness_plat, &cfg, err, sizeof(err))) {
		memset(r, 0, sizeof(*r));
		strcpy(r->reason, err);
		return -1;
	}
	int status = sim_machine_run(tree, sizeof(tree), r);
	sim_machine_destroy();
	return status;
}
