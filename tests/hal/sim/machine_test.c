/* The sim machine: seeded interleaving, virtual time, how runs stop, RAM and the console path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/mmu.h"
#include "hal/platform.h"
#include "hal/timer.h"
#include "harness.h"
#include "public/errno.h"

static char trace[512];
static size_t trace_len;
static int64_t val[8];
static unsigned online;

static int setup(void **state)
{
	(void)state;
	harness_reset();
	trace_len = 0;
	memset(trace, 0, sizeof(trace));
	memset(val, 0, sizeof(val));
	online = 1;
	return 0;
}

/* Every CPU logs its index at each yield: the log is the interleaving. */
static void log_steps(void)
{
	for (int i = 0; i < 20 && trace_len < sizeof(trace) - 1; i++) {
		trace[trace_len++] = (char)('0' + hal_cpu_id());
		hal_cpu_relax();
	}
}

static void logging_secondary(unsigned idx)
{
	(void)idx;
	log_steps();
	online++;
}

static void start_all_and_log(void)
{
	for (unsigned i = 1; i < 4; i++)
		hal_cpu_start(i, harness_plat.cpu_mpidr[i]);
	log_steps();
	while (online < 4)
		hal_cpu_relax();
}

static void run_logged(uint64_t seed, char *out, size_t len)
{
	struct sim_result r;

	setup(NULL);
	assert_int_equal(harness_run(start_all_and_log, logging_secondary, seed, 0, &r), 0);
	assert_int_equal(r.cpus_started, 4);
	snprintf(out, len, "%s", trace);
}

static void test_same_seed_replays_the_same_interleaving(void **state)
{
	char a[512], b[512];

	(void)state;
	run_logged(42, a, sizeof(a));
	run_logged(42, b, sizeof(b));
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 80);
}

static void test_different_seeds_give_different_interleavings(void **state)
{
	char a[512], b[512];

	(void)state;
	run_logged(1, a, sizeof(a));
	run_logged(2, b, sizeof(b));
	assert_string_not_equal(a, b);
}

static void read_counter(void)
{
	val[0] = (int64_t)hal_counter_freq();
	val[1] = (int64_t)hal_counter_now();
	for (int i = 0; i < 10; i++)
		hal_cpu_relax();
	val[2] = (int64_t)hal_counter_now();
}

static void test_counter_runs_at_62_5_mhz_and_advances_at_each_step(void **state)
{
	(void)state;
	assert_int_equal(harness_run(read_counter, NULL, 1, 0, &(struct sim_result){ 0 }), 0);
	assert_int_equal(val[0], 62500000);
	assert_int_equal(val[2] - val[1], 10 * SIM_TICKS_PER_STEP);
}

static void idle_everywhere(void)
{
	hal_cpu_start(1, 1);
	for (;;)
		hal_cpu_idle();
}

static void test_every_cpu_in_wfi_stops_the_run_as_idle_with_status_0(void **state)
{
	struct sim_result r;

	(void)state;
	assert_int_equal(harness_run(idle_everywhere, NULL, 1, 0, &r), 0);
	assert_int_equal(r.kind, SIM_STOP_IDLE);
	assert_string_equal(r.reason, "all CPUs idle");
	assert_int_equal(r.cpus_started, 2);
}

/* CPU 1 sleeps until kicked, then reports; the boot CPU kicks only after it is asleep. */
static void sleeper(unsigned idx)
{
	(void)idx;
	online++;
	hal_cpu_idle();
	val[0] = 1;
	for (;;)
		hal_cpu_idle();
}

static void kick_after_sleep(void)
{
	hal_cpu_start(1, 1);
	while (online < 2)
		hal_cpu_relax();
	for (int i = 0; i < 20; i++)
		hal_cpu_relax();
	val[1] = val[0]; /* still asleep: nothing else wakes it */
	hal_cpu_kick(1);
	hal_cpu_kick(3); /* never started: nothing to wake */
	while (!val[0])
		hal_cpu_relax();
}

static void test_kick_wakes_a_cpu_in_wfi(void **state)
{
	struct sim_result r;

	(void)state;
	assert_int_equal(harness_run(kick_after_sleep, sleeper, 1, 0, &r), 0);
	assert_int_equal(r.kind, SIM_STOP_EXIT);
	assert_int_equal(val[1], 0);
	assert_int_equal(val[0], 1);
}

static void exit_3(void) { hal_exit(3); }

static void panic_70(void) { hal_panic_stop(70); }

static void test_exit_and_panic_statuses_end_the_run(void **state)
{
	struct sim_result r;

	(void)state;
	assert_int_equal(harness_run(exit_3, NULL, 1, 0, &r), 3);
	assert_int_equal(r.kind, SIM_STOP_EXIT);
	assert_int_equal(harness_run(panic_70, NULL, 1, 0, &r), 70);
	assert_int_equal(r.kind, SIM_STOP_PANIC);
}

static void spin(void)
{
	for (;;)
		hal_cpu_relax();
}

static void test_time_limit_stops_a_spinning_machine(void **state)
{
	struct sim_result r;

	(void)state;
	assert_int_equal(harness_run(spin, NULL, 1, 1000, &r), 0);
	assert_int_equal(r.kind, SIM_STOP_TIME);
	assert_true(r.ticks >= 1000 && r.ticks < 1000 + SIM_TICKS_PER_STEP);
}

static void test_machine_create_needs_cpus_and_ram(void **state)
{
	struct sim_result r;

	(void)state;
	harness_plat.cpu_count = 0;
	assert_int_equal(harness_run(spin, NULL, 1, 0, &r), -1);
	assert_non_null(strstr(r.reason, "CPUs"));
	harness_reset();
	harness_plat.mem_count = 0;
	assert_int_equal(harness_run(spin, NULL, 1, 0, &r), -1);
	assert_non_null(strstr(r.reason, "RAM"));
}

static void touch_ram(void)
{
	char *p = hal_pa_to_va(pa_init(HARNESS_RAM_BASE + 0x1000));

	val[0] = p != NULL;
	val[1] = hal_pa_to_va(pa_init(HARNESS_RAM_BASE - 1)) == NULL;
	val[2] = hal_pa_to_va(pa_init(HARNESS_RAM_BASE + HARNESS_RAM_SIZE)) == NULL;
	val[3] = (int64_t)pa_addr(hal_va_to_pa(p + 5));
	val[4] = memcmp(hal_pa_to_va(harness_fdt), "not parsed", 10) == 0;
}

static void test_ram_maps_both_ways_and_holds_the_tree_where_qemu_puts_it(void **state)
{
	(void)state;
	assert_int_equal(harness_run(touch_ram, NULL, 1, 0, &(struct sim_result){ 0 }), 0);
	assert_true(val[0] && val[1] && val[2] && val[4]);
	assert_int_equal(val[3], HARNESS_RAM_BASE + 0x1005);
	/* RAM base + min(RAM / 2, 128 MiB) */
	assert_int_equal(pa_addr(harness_fdt), HARNESS_RAM_BASE + HARNESS_RAM_SIZE / 2);
}

static void foreign_pointer(void) { hal_va_to_pa(&val[0]); }

static void test_va_to_pa_of_host_memory_stops_the_run(void **state)
{
	struct sim_result r;

	(void)state;
	assert_int_equal(harness_run(foreign_pointer, NULL, 1, 0, &r), 1);
	assert_int_equal(r.kind, SIM_STOP_ERROR);
	assert_non_null(strstr(r.reason, "not in simulated RAM"));
}

static void console(void)
{
	hal_console_write("lost\n", 5); /* before hal_platform_init: dropped */
	harness_plat.gic.nr_spis = 0;
	val[0] = hal_platform_init(&harness_plat);
	val[1] = harness_plat.gic.nr_spis;
	hal_console_write("hello\nworld, this line is longer than the 32-byte FIFO\n", 56);
	hal_exit(0);
}

static void test_console_output_reaches_the_sink_through_the_pl011(void **state)
{
	(void)state;
	assert_int_equal(harness_run(console, NULL, 1, 0, &(struct sim_result){ 0 }), 0);
	assert_int_equal(val[0], 0);
	assert_int_equal(val[1], 256); /* SIM_GIC_SPIS: the model's GICD_TYPER, which Dom0's vGIC follows */
	assert_string_equal(harness_console, "hello\r\nworld, this line is longer than the 32-byte FIFO\r\n");
}

static void misplaced_console(void)
{
	struct platform p = harness_plat;

	p.uart.regs.base = pa_init(HARNESS_UART + 0x1000);
	val[0] = hal_platform_init(&p);
	hal_console_write("x", 1);
}

static void test_platform_init_refuses_a_uart_the_machine_does_not_have(void **state)
{
	(void)state;
	assert_int_equal(harness_run(misplaced_console, NULL, 1, 0, &(struct sim_result){ 0 }), 0);
	assert_int_equal(val[0], -XEN_ENODEV);
	assert_int_equal(harness_console_len, 0);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_same_seed_replays_the_same_interleaving),
		T(test_different_seeds_give_different_interleavings),
		T(test_counter_runs_at_62_5_mhz_and_advances_at_each_step),
		T(test_every_cpu_in_wfi_stops_the_run_as_idle_with_status_0),
		T(test_kick_wakes_a_cpu_in_wfi),
		T(test_exit_and_panic_statuses_end_the_run),
		T(test_time_limit_stops_a_spinning_machine),
		T(test_machine_create_needs_cpus_and_ram),
		T(test_ram_maps_both_ways_and_holds_the_tree_where_qemu_puts_it),
		T(test_va_to_pa_of_host_memory_stops_the_run),
		T(test_console_output_reaches_the_sink_through_the_pl011),
		T(test_platform_init_refuses_a_uart_the_machine_does_not_have),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
