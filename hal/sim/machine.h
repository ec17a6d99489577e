/* The simulated machine: pCPUs as coroutines on one host thread, switched at yield points by a
 * seeded scheduler on virtual time, so a run is a pure function of its tree, bootargs and seed. */
#pragma once

#include <stdint.h>

#include "fiber.h"
#include "hal/platform.h"
#include "models/mmu/mmu.h"

#define SIM_COUNTER_HZ 62500000u /* as QEMU's virt: 16 ns per tick */

/* Virtual time each scheduling step costs. Code between two yields takes no time: the sim counts
 * how often CPUs wait, not the instructions between the waits. */
#define SIM_TICKS_PER_STEP 16u

/* Guest work costs virtual time: a vCPU gives its pCPU back to the scheduler after this many
 * modelled instructions (one step), i.e. 16 per tick, the rate of QEMU's -icount shift=0. A trap to
 * the hypervisor and the return from it count as a whole step (Xen's null hypercall path is 417
 * instructions). */
#define SIM_GUEST_INSNS_PER_STEP (SIM_TICKS_PER_STEP * 16u)

struct sim_vcpu;
struct sim_program;

enum sim_cpu_state {
	SIM_CPU_OFF,
	SIM_CPU_ON,  /* runnable */
	SIM_CPU_WFI, /* asleep until an interrupt: not runnable */
};

struct sim_cpu {
	unsigned index; /* in the tree's order: the GIC's and the timers' CPU number */
	uint64_t mpidr;
	unsigned logical; /* hal_cpu_id(): the context id CPU_ON carried; 0 for the boot CPU */
	enum sim_cpu_state state;
	bool boot;
	bool started; /* has run since its last power-on: its fiber exists */
	bool ran;     /* has ever run */
	uint64_t context;
	struct sim_fiber fiber;
	/* What executes on this CPU: its own fiber, or a guest vCPU's while hal_vcpu_enter runs one. */
	struct sim_fiber *running;
	struct sim_vcpu *vcpu; /* the vCPU entered, NULL in the hypervisor */
	struct mmu_cpu mmu;    /* its MMU and TLB, walking over the machine's RAM */
	bool irq_ready;        /* hal_irq_cpu_init ran since power-on: interrupts can wake it */
};

enum sim_stop_kind {
	SIM_STOP_EXIT,  /* hal_exit */
	SIM_STOP_PANIC, /* hal_panic_stop */
	SIM_STOP_OFF,   /* PSCI SYSTEM_OFF / SYSTEM_RESET */
	SIM_STOP_IDLE,  /* every CPU asleep or off, nothing pending, no timer armed */
	SIM_STOP_TIME,  /* the configured virtual time limit */
	SIM_STOP_ERROR, /* the HAL contract was broken; the reason says how */
};

struct sim_config {
	uint64_t seed;
	uint64_t until; /* virtual time limit in ticks; 0 for none */
	/* What the CPUs run: hyp_start and hyp_secondary_start in hypsim, fakes in tests. */
	void (*boot)(paddr_t fdt);
	void (*secondary)(unsigned cpu);
	/* Where the console UART's characters go. */
	void (*console)(void *opaque, uint8_t c);
	void *console_opaque;
	/* The guest programs installed: what a HALCYON-SIMGUEST blob may name. */
	const struct sim_program *programs;
	unsigned nprograms;
};

struct sim_result {
	enum sim_stop_kind kind;
	int status;
	char reason[160];
	uint64_t ticks;
	uint64_t steps;
	unsigned cpus;
	unsigned cpus_started; /* ever ran */
};

/* Builds the machine @plat describes: its CPUs, RAM banks and console UART. Returns 0, or -1 with
 * @err saying what is missing. */
int sim_machine_create(const struct platform *plat, const struct sim_config *cfg, char *err, size_t errlen);

/* Copies the tree into RAM where a boot loader would put it, starts the boot CPU at cfg->boot with
 * its address and runs until the machine stops. Returns @res->status. */
int sim_machine_run(const void *dtb, size_t len, struct sim_result *res);

void sim_machine_destroy(void);

/* Where sim_machine_run copies a tree of @len bytes, as QEMU places it in RAM bank 0. */
struct plat_region sim_machine_tree_region(size_t len);

/* For the HAL: */
struct sim_cpu *sim_current(void); /* NULL when no CPU is running (the host's own context) */
struct sim_cpu *sim_cpu_by_mpidr(uint64_t mpidr);
unsigned sim_cpu_count(void);
struct sim_cpu *sim_cpu_at(unsigned i);
const struct sim_program *sim_program_find(const char *name); /* NULL if not installed */
const struct sim_program *sim_programs(unsigned *n);
enum plat_psci_conduit sim_psci_conduit(void);
uint64_t sim_now(void);

/* A point where the scheduler may run another CPU; the caller stays runnable. */
void sim_yield(void);

/* WFI: the caller sleeps until woken. */
void sim_wfi(void);

/* The entry point CPU_ON must name: the sim's counterpart of start.S's secondary entry. */
uint64_t sim_secondary_entry(void);

/* PSCI: power @c on to run the secondary entry with @context / power the calling CPU off. */
void sim_cpu_power_on(struct sim_cpu *c, uint64_t context);
__attribute__((noreturn)) void sim_cpu_power_off(void);

/* Ends the run (from a CPU) with @status; from the host's context it exits the process instead. */
__attribute__((noreturn, format(printf, 3, 4))) void sim_stop(enum sim_stop_kind kind, int status, const char *fmt,
							      ...);
