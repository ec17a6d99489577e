/* A CPU-bound guest for the scheduler: both of its vCPUs spin on null hypercalls, yielding now
 * and then, until the hypervisor's clock (as their runstate areas show it) passes a horizon. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/shared.h"
#include "public/version.h"
#include "public/xen.h"

#define DEFAULT_HORIZON_US 20000

/* Shared by the two vCPUs, in the domain's own RAM (the runstate areas must be). */
struct state {
	struct vcpu_runstate_info rs[2];
	uint64_t rs_arg[2];
	uint64_t horizon_ns;
	uint32_t done[2];
};

/* Set by vCPU 0 before it starts vCPU 1. The sim links one copy of this file per domain that runs
 * it (see guests/sim/BUILD), so statics are never shared between domains. */
static struct state *state;
static uint64_t state_gva;

static void spin(unsigned vcpu)
{
	struct state *s = state;
	volatile struct vcpu_runstate_info *rs = &s->rs[vcpu];

	s->rs_arg[vcpu] = state_gva + __builtin_offsetof(struct state, rs) + vcpu * sizeof(struct vcpu_runstate_info);
	gl_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, vcpu,
		     state_gva + __builtin_offsetof(struct state, rs_arg) + vcpu * sizeof(uint64_t), 0, 0);
	uint64_t start = rs->state_entry_time & ~XEN_RUNSTATE_UPDATE;
	for (;;) {
		for (unsigned k = 0; k < 16; k++)
			gl_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
		/* A yield is a switch point, where the hypervisor stamps the runstate area. */
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
		uint64_t now = rs->state_entry_time & ~XEN_RUNSTATE_UPDATE;
		if (now - start >= s->horizon_ns)
			break;
	}
	__atomic_store_n(&s->done[vcpu], 1, __ATOMIC_RELEASE);
}

static uint64_t horizon(const void *fdt)
{
	const char *args = fdt ? fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", NULL) : NULL;
	uint64_t us = 0;

	for (const char *p = args; p && *p; p++)
		if ((p == args || p[-1] == ' ') && !__builtin_strncmp(p, "horizon_us=", 11)) {
			for (p += 11; *p >= '0' && *p <= '9'; p++)
				us = us * 10 + (uint64_t)(*p - '0');
			break;
		}
	return (us ? us : DEFAULT_HORIZON_US) * 1000;
}

void guest_main(const void *fdt)
{
	state = gl_alloc(sizeof(*state), &state_gva);
	state->horizon_ns = horizon(fdt);
	long rc = gl_cpu_on(1, spin);
	if (rc == -2) /* INVALID_PARAMETERS: a domain of one vCPU spins alone */
		state->done[1] = 1;
	else if (rc) {
		gl_printf("spinner: FAIL: CPU_ON(1) returned %ld\n", rc);
		gl_shutdown(SHUTDOWN_crash);
	}
	spin(0);
	while (!__atomic_load_n(&state->done[1], __ATOMIC_ACQUIRE))
		gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	gl_printf("spinner: done after %llu us\n", (unsigned long long)(state->horizon_ns / 1000));
	gl_shutdown(SHUTDOWN_poweroff);
}
