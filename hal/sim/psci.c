/* The firmware below EL2: a PSCI 1.1 implementation over the machine's pCPUs, reached through
 * hal_psci_call, with the parameter checks Xen makes of its guests. */
#include "hal/psci.h"
#include "machine.h"

#define PSCI_FEATURES         0x8400000au
#define PSCI_CPU_ON_32        0x84000003u
#define PSCI_AFFINITY_INFO_32 0x84000004u
#define PSCI_VERSION_1_1      0x10001
#define PSCI_AFFINITY_ON      0
#define PSCI_AFFINITY_OFF     1
#define MPIDR_AFF_MASK        0xff00ffffffull /* Aff3 and Aff2-Aff0 */

static struct sim_cpu *target(uint64_t mpidr) { return mpidr & ~MPIDR_AFF_MASK ? NULL : sim_cpu_by_mpidr(mpidr); }

static int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	struct sim_cpu *c = target(mpidr);

	if (!c)
		return PSCI_RET_INVALID_PARAMETERS;
	/* A CPU already started counts as on even before it runs, as with Xen's vCPUs. */
	if (c->state != SIM_CPU_OFF)
		return PSCI_RET_ALREADY_ON;
	/* The sim's code has one place a CPU may start: anything else would be a jump into nowhere. */
	if (entry != sim_secondary_entry())
		return PSCI_RET_INVALID_ADDRESS;
	sim_cpu_power_on(c, context);
	return PSCI_RET_SUCCESS;
}

static int64_t affinity_info(uint64_t mpidr, uint64_t lowest_level)
{
	struct sim_cpu *c = target(mpidr);

	/* Only level 0: the machine describes no clusters whose power state we could report. */
	if (!c || lowest_level != 0)
		return PSCI_RET_INVALID_PARAMETERS;
	return c->state == SIM_CPU_OFF ? PSCI_AFFINITY_OFF : PSCI_AFFINITY_ON;
}

static bool implemented(uint64_t fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_FEATURES:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET: return true;
	default: return false;
	}
}

int64_t hal_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	/* At EL2 only SMC reaches the firmware (an HVC would trap to the hypervisor itself): the same
	 * rule as hal/real, so a tree naming another conduit fails alike in both worlds. */
	if (sim_psci_conduit() != PLAT_PSCI_SMC)
		return PSCI_RET_NOT_SUPPORTED;
	switch (fn) {
	case PSCI_VERSION: return PSCI_VERSION_1_1;
	case PSCI_FEATURES: return implemented(a1) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
	case PSCI_CPU_ON_64: return cpu_on(a1, a2, a3);
	case PSCI_CPU_ON_32: return cpu_on((uint32_t)a1, (uint32_t)a2, (uint32_t)a3);
	case PSCI_AFFINITY_INFO_64: return affinity_info(a1, a2);
	case PSCI_AFFINITY_INFO_32: return affinity_info((uint32_t)a1, (uint32_t)a2);
	case PSCI_CPU_OFF:
		if (!sim_current())
			return PSCI_RET_DENIED;
		sim_cpu_power_off();
	case PSCI_SYSTEM_OFF: sim_stop(SIM_STOP_OFF, 0, "PSCI SYSTEM_OFF");
	case PSCI_SYSTEM_RESET: sim_stop(SIM_STOP_OFF, 0, "PSCI SYSTEM_RESET (the sim does not reboot)");
	default: return PSCI_RET_NOT_SUPPORTED;
	}
}
