/* What hypsim saw at the HAL boundary, per domain and vCPU: run time, exits, hypercalls, IRQs
 * injected, event sends, scheduling; counted always, and written as a Chrome trace on request. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/vcpu.h"

struct sim_cpu;

#define SIM_TRACE_DOMS        256 /* VMIDs are 8 bits, domid = VMID - 1 */
#define SIM_TRACE_VCPUS       8   /* vCPU ids (VMPIDR.Aff0) tracked per domain */
#define SIM_TRACE_HCALLS      64  /* hypercall ops counted one by one; higher ones together */
#define SIM_TRACE_EXITS       66  /* the 64 exception classes, then IRQ and SError exits */
#define SIM_TRACE_EXIT_IRQ    64
#define SIM_TRACE_EXIT_SERROR 65

struct sim_trace_dom {
	bool seen;
	unsigned nr_vcpus;                   /* highest vCPU id entered + 1 */
	uint64_t run_ticks[SIM_TRACE_VCPUS]; /* virtual time in the guest, per vCPU */
	uint64_t hyp_ticks[SIM_TRACE_VCPUS]; /* in the hypervisor from its exits to the pCPU's next entry */
	uint64_t exits[SIM_TRACE_EXITS];
	uint64_t hcalls[SIM_TRACE_HCALLS + 1]; /* by op; [SIM_TRACE_HCALLS]: any higher op */
	uint64_t smccc;                        /* HVC #0: SMCCC/PSCI calls */
	uint64_t irqs;                         /* list-register entries made pending at an entry */
	uint64_t events;                       /* EVTCHNOP_send calls */
	uint64_t s2_faults;                    /* instruction and data aborts from a lower EL */
	uint64_t mem_frames_peak;
};

struct sim_trace_totals {
	uint64_t entries, exits, switches, idles, events_written;
};

/* Starts JSON output to @path ("-" is not special). Returns 0, or -1 with @err. Counting needs no
 * call: it always runs. */
int sim_trace_open(const char *path, char *err, size_t errlen);

/* Who owns how many frames (hypsim passes the core's frame_count); sampled at a domain's first
 * entry and after its memory and grant hypercalls. */
void sim_trace_set_mem_query(uint64_t (*frames)(unsigned domid));

/* The HAL's hooks: a vCPU entered / exited on @c, @c idles. */
void sim_trace_enter(struct sim_cpu *c, const struct hal_vcpu_ctx *ctx);
void sim_trace_exit(struct sim_cpu *c, const struct hal_vcpu_ctx *ctx, const struct hal_exit *exit);
void sim_trace_idle(struct sim_cpu *c);

/* Names a domain's track (its name from the console). */
void sim_trace_name(unsigned domid, const char *name);

/* Ends the run: closes open spans at @now, writes the track names and the JSON's end. */
int sim_trace_close(char *err, size_t errlen);

const struct sim_trace_dom *sim_trace_dom(unsigned domid);
const struct sim_trace_totals *sim_trace_totals(void);

/* Exit class and hypercall names for the summary ("hvc", "dabt"; "xen_version"), or NULL. */
const char *sim_trace_exit_name(unsigned cls);
const char *sim_trace_hcall_name(unsigned op);
