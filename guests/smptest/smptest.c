/* Virtual PSCI from inside a guest with two vCPUs: vCPU 0 starts vCPU 1 with CPU_ON, sees it run
 * with the context id and MPIDR it was given, sees it go off again, and checks CPU_ON's refusals.
 * PASS/FAIL lines as hcalltest's; the same program on QEMU and on the sim. */
#include "lib/guest.h"
#include "public/xen.h"

#define PSCI_CPU_ON_64_FID        0xc4000003u
#define PSCI_AFFINITY_INFO_64_FID 0xc4000004u
#define PSCI_SUCCESS              0
#define PSCI_ALREADY_ON           (-4)
#define PSCI_INVALID_ADDRESS      (-9)
#define AFFINITY_ON               0
#define AFFINITY_OFF              1
/* Long enough for the other vCPU to be scheduled many times over, short enough to end a hang. */
#define WAIT_ROUNDS 1000000

/* What the two vCPUs share, in guest RAM from gl_alloc: written by one, polled by the other. */
struct shared {
	uint32_t started; /* vCPU 1 is running and has filled in what it saw */
	uint32_t context; /* the argument gl_secondary_entry passed it: CPU_ON's context id */
	uint32_t id;      /* its own MPIDR affinity 0 */
	uint32_t release; /* vCPU 0 is done checking it is on: it may turn off */
};

static struct shared *sh;
static int failures;

static void check(bool ok, const char *what, long got)
{
	gl_printf("smptest: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	failures += !ok;
}

static void yield(void) { gl_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0); }

static long affinity(unsigned vcpu) { return gl_smccc(PSCI_AFFINITY_INFO_64_FID, vcpu, 0, 0); }

static bool wait_flag(const uint32_t *flag)
{
	for (unsigned i = 0; i < WAIT_ROUNDS; i++) {
		if (__atomic_load_n(flag, __ATOMIC_ACQUIRE))
			return true;
		yield();
	}
	return false;
}

static void secondary(unsigned vcpu)
{
	__atomic_store_n(&sh->context, vcpu, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->id, gl_vcpu_id(), __ATOMIC_RELAXED);
	__atomic_store_n(&sh->started, 1, __ATOMIC_RELEASE);
	/* Stay on while vCPU 0 checks that it is; returning is the library's CPU_OFF. */
	wait_flag(&sh->release);
}

void guest_main(const void *fdt)
{
	uint64_t gva;

	(void)fdt;
	sh = gl_alloc(sizeof(*sh), &gva);
	long rc = affinity(1);
	check(rc == AFFINITY_OFF, "AFFINITY_INFO: vCPU 1 is off before CPU_ON", rc);
	rc = gl_cpu_on(1, secondary);
	check(rc == PSCI_SUCCESS, "CPU_ON of vCPU 1", rc);
	rc = gl_cpu_on(1, secondary);
	check(rc == PSCI_ALREADY_ON, "CPU_ON of a vCPU that is on is ALREADY_ON", rc);

	bool started = wait_flag(&sh->started);
	check(started, "vCPU 1 runs the secondary entry", started);
	check(started && __atomic_load_n(&sh->context, __ATOMIC_RELAXED) == 1, "vCPU 1 got context id 1",
	      __atomic_load_n(&sh->context, __ATOMIC_RELAXED));
	check(started && __atomic_load_n(&sh->id, __ATOMIC_RELAXED) == 1, "vCPU 1 reads MPIDR affinity 1",
	      __atomic_load_n(&sh->id, __ATOMIC_RELAXED));
	rc = affinity(1);
	check(rc == AFFINITY_ON, "AFFINITY_INFO: vCPU 1 is on while it runs", rc);

	__atomic_store_n(&sh->release, 1, __ATOMIC_RELEASE);
	unsigned i = 0;
	while ((rc = affinity(1)) != AFFINITY_OFF && ++i < WAIT_ROUNDS)
		yield();
	check(rc == AFFINITY_OFF, "AFFINITY_INFO: vCPU 1 is off after CPU_OFF", rc);

	/* The raw call: gl_cpu_on only ever passes the library's aligned entry. */
	rc = gl_smccc(PSCI_CPU_ON_64_FID, 1, gva + 2, 1);
	check(rc == PSCI_INVALID_ADDRESS, "CPU_ON with a misaligned entry is INVALID_ADDRESS", rc);

	gl_printf("smptest: %s\n", failures ? "FAILED" : "all passed");
	gl_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
