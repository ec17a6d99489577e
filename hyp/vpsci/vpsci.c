#include "vpsci/vpsci.h"

#include "dom/vcpu.h"
#include "hal/cpu.h"
#include "sched/sched.h"

#define MPIDR_AFF_MASK 0xff00ffffffull

static unsigned pcpus = 1;

void vpsci_set_pcpus(unsigned n) { pcpus = n ? n : 1; }

static struct vcpu *vcpu_by_mpidr(struct domain *d, uint64_t mpidr)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if ((d->vcpu[i]->ctx.vmpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return d->vcpu[i];
	return NULL;
}

static long cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t context)
{
	struct vcpu *t = vcpu_by_mpidr(v->dom, target);

	if (!t)
		return PSCI_INVALID_PARAMETERS;
	if (entry & 3)
		return PSCI_INVALID_ADDRESS;
	if (!domain_vcpu_claim(t))
		return PSCI_ALREADY_ON;
	vcpu_reset(t, entry, context);
	int cpu = vcpu_start(t, (v->dom->id + t->id) % pcpus);
	if (cpu >= 0)
		hal_cpu_kick((unsigned)cpu);
	return PSCI_SUCCESS;
}

static long affinity_info(struct vcpu *v, uint64_t target, uint64_t level)
{
	/* Level 0 only: the vCPUs are the only affinity instances a guest has. */
	if (level != 0)
		return PSCI_INVALID_PARAMETERS;
	struct vcpu *t = vcpu_by_mpidr(v->dom, target);
	/* An affinity with no vCPU behind it is reported off, as Xen 4.17 does. */
	if (!t)
		return PSCI_AFFINITY_OFF;
	return __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == VCPU_OFFLINE ? PSCI_AFFINITY_OFF : PSCI_AFFINITY_ON;
}

static long features(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION_FID:
	case PSCI_CPU_OFF_FID:
	case PSCI_CPU_ON_FID:
	case PSCI_CPU_ON_FID | SMCCC_64BIT:
	case PSCI_AFFINITY_INFO_FID:
	case PSCI_AFFINITY_INFO_FID | SMCCC_64BIT:
	case PSCI_MIGRATE_INFO_TYPE_FID:
	case PSCI_SYSTEM_OFF_FID:
	case PSCI_SYSTEM_RESET_FID:
	case PSCI_FEATURES_FID:
	case SMCCC_VERSION_FID: return PSCI_SUCCESS;
	default: return PSCI_NOT_SUPPORTED;
	}
}

bool vpsci_call(struct vcpu *v)
{
	uint64_t *x = v->ctx.x;
	uint32_t fid = (uint32_t)x[0];
	/* SMC32/HVC32 calls pass 32-bit arguments: the upper halves are not the caller's to give. */
	uint64_t mask = fid & SMCCC_64BIT ? ~0ull : 0xffffffffull;
	uint64_t a1 = x[1] & mask, a2 = x[2] & mask, a3 = x[3] & mask;
	long rc = PSCI_NOT_SUPPORTED;
	bool keep_running = true;

	if (x[0] >> 32) {
		/* A function ID is 32 bits; anything above is not a call we know. */
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return true;
	}
	switch (fid) {
	case PSCI_VERSION_FID: rc = PSCI_VERSION_1_1; break;
	case SMCCC_VERSION_FID: rc = SMCCC_VERSION_1_1; break;
	case SMCCC_ARCH_FEATURES_FID:
		/* No firmware workarounds are offered: guests fall back to their defaults. */
		rc = PSCI_NOT_SUPPORTED;
		break;
	case PSCI_CPU_ON_FID:
	case PSCI_CPU_ON_FID | SMCCC_64BIT: rc = cpu_on(v, a1, a2, a3); break;
	case PSCI_CPU_OFF_FID:
		domain_vcpu_stop(v);
		rc = PSCI_SUCCESS; /* never seen: the vCPU does not return from CPU_OFF */
		keep_running = false;
		break;
	case PSCI_AFFINITY_INFO_FID:
	case PSCI_AFFINITY_INFO_FID | SMCCC_64BIT: rc = affinity_info(v, a1, a2); break;
	case PSCI_MIGRATE_INFO_TYPE_FID:
		rc = 2; /* no Trusted OS that would need migrating */
		break;
	case PSCI_SYSTEM_OFF_FID:
		domain_shutdown(v->dom, SHUTDOWN_poweroff);
		keep_running = false;
		break;
	case PSCI_SYSTEM_RESET_FID:
		domain_shutdown(v->dom, SHUTDOWN_reboot);
		keep_running = false;
		break;
	case PSCI_FEATURES_FID: rc = features((uint32_t)a1); break;
	default: break;
	}
	x[0] = (uint64_t)(int64_t)rc;
	return keep_running;
}
