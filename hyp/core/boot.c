/* The boot path both worlds share: discover the machine, bring up every CPU, idle. */
#include "core/bootargs.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/panic.h"
#include "core/run.h"
#include "core/version.h"
#include "dom/dom_build.h"
#include "dom/dom_create.h"
#include "dom/vcpu.h"
#include "sched/sched.h"
#include "dt/dt.h"
#include "dt/dt_boot.h"
#include "dt/dt_dev.h"
#include "dt/dt_passthrough.h"
#include "hcall/hcall.h"
#include "iommu/iommu.h"
#include "vpsci/vpsci.h"
#include "hal/boot.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/mmu.h"
#include "hal/platform.h"
#include "hal/timer.h"
#include "mm/frame.h"
#include "public/errno.h"

/* How long the boot CPU waits for a started CPU to check in. */
#define CPU_CHECKIN_TIMEOUT_MS 1000

/* Regions of RAM the frame allocator must leave alone: the HAL's own and the boot modules. */
#define MAX_RESERVED (8 + 3 * BOOT_MAX_DOMAINS + BOOT_MAX_RESERVED)

static struct platform plat;
static struct boot_info boot;
static struct dt_devices devices;
static struct dt_passthrough passthrough[BOOT_MAX_DOMAINS];
static unsigned cpus_online;
static bool cpus_released; /* secondaries wait for the boot CPU to have placed every vCPU */

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

static void init_memory(const void *fdt)
{
	struct plat_region reserved[MAX_RESERVED];
	struct dt_error err = { { 0 } };
	unsigned n = hal_mem_reserved(reserved, MAX_RESERVED);

	if (n > MAX_RESERVED)
		panic("the HAL reserves %u regions, more than %u", n, MAX_RESERVED);
	int rc = dt_boot_parse(fdt, &boot, &err);
	if (rc)
		panic("boot domains: %s", err.msg);
	for (unsigned i = 0; i < boot.count; i++) {
		reserved[n++] = boot.dom[i].kernel;
		if (boot.dom[i].ramdisk.size)
			reserved[n++] = boot.dom[i].ramdisk;
		if (boot.dom[i].dtb.size)
			reserved[n++] = boot.dom[i].dtb;
	}
	for (unsigned i = 0; i < boot.nrsv; i++) {
		reserved[n++] = boot.rsv[i];
		con_printf("Reserved memory: %#llx-%#llx\n", (unsigned long long)pa_addr(boot.rsv[i].base),
			   (unsigned long long)(pa_addr(boot.rsv[i].base) + boot.rsv[i].size - 1));
	}
	rc = frame_init(&plat, reserved, n);
	if (rc)
		panic("frame allocator: %d", rc);
	con_printf("Memory: %llu MiB free for domains\n", (unsigned long long)(frame_free_count() * PAGE_SIZE >> 20));
}

/* Dom0's size and vCPUs come from the hypervisor's command line, as Xen's do: dom0_mem= (default:
 * half the free memory) and dom0_max_vcpus= (default 1). */
static void dom0_params(struct boot_domain *bd)
{
	uint64_t bytes = frame_free_count() * PAGE_SIZE / 2, vcpus = 1;

	if (bootargs_has(plat.bootargs, "dom0_mem") && !bootargs_size(plat.bootargs, "dom0_mem", &bytes))
		con_printf("dom0_mem: only the <size>[KMG] form is understood; using %llu MiB\n",
			   (unsigned long long)(bytes >> 20));
	if (bootargs_has(plat.bootargs, "dom0_max_vcpus") && !bootargs_uint(plat.bootargs, "dom0_max_vcpus", &vcpus))
		con_printf("dom0_max_vcpus: not a number; using 1\n");
	bd->mem_kib = bytes >> 10;
	bd->vcpus = vcpus > DOMAIN_MAX_VCPUS ? DOMAIN_MAX_VCPUS : vcpus ? (unsigned)vcpus : 1;
}

/* Boot domains are built before any secondary runs, so a build failure cannot race a guest.
 * @from[i] is the description doms[i] was built from. */
static unsigned build_domains(const void *fdt, struct domain **doms, const struct boot_domain **from)
{
	struct dt_error err = { { 0 } };
	struct dom_host host = { .plat = &plat, .fdt = fdt, .devs = &devices };
	unsigned n = 0;
	domid_t next = 1;
	bool failed[BOOT_MAX_DOMAINS] = { false };

	/* Without a device list Dom0 still boots, with the minimal tree and no devices. */
	if (dt_dev_scan(fdt, &plat, &devices, &err)) {
		con_printf("devices: %s; Dom0 gets none\n", err.msg);
		host.fdt = NULL;
	} else {
		iommu_init(fdt, &devices); /* its devices stay unassigned if it fails */
	}
	/* The toolstack's domains come from the same host (XEN_DOMCTL_createdomain). */
	dom_create_init(&plat, host.fdt ? &devices : NULL);
	/* DomUs' passthrough claims first (with the IDs the loop below gives): never Dom0's devices. */
	for (unsigned i = 0, id = 0; host.fdt && i < boot.count; i++) {
		const struct boot_domain *bd = &boot.dom[i];
		if (bd->dom0)
			continue;
		id++;
		if (!bd->dtb.size)
			continue;
		const void *partial = hal_pa_to_va(bd->dtb.base);
		if (!partial || !hal_pa_to_va(pa_add(bd->dtb.base, bd->dtb.size - 1)))
			err = (struct dt_error){ "the tree's module is not in RAM" };
		else if (!dt_pt_parse(partial, bd->dtb.size, fdt, &devices, id, &passthrough[i], &err))
			continue;
		con_printf("%s: passthrough: %s; not built\n", bd->name, err.msg);
		failed[i] = true;
	}
	for (unsigned i = 0; i < boot.count; i++) {
		domid_t id = boot.dom[i].dom0 ? 0 : next++;
		if (boot.dom[i].dom0)
			dom0_params(&boot.dom[i]);
		host.pt = boot.dom[i].dom0 ? NULL : &passthrough[i];
		if (failed[i] || dom_build(&boot.dom[i], id, &host, &doms[n]))
			continue;
		/* Before it runs: its devices' DMA goes through its stage 2 or nowhere. */
		if (iommu_domain_attach(doms[n], host.fdt, host.fdt ? &devices : NULL)) {
			con_printf("%s: its devices' streams cannot be attached; not built\n", boot.dom[i].name);
			domain_destroy(doms[n]);
			continue;
		}
		from[n++] = &boot.dom[i];
	}
	return n;
}

/* The scheduler's view of a boot domain's vCPUs, from its description (checked by dt_boot). */
static void sched_params(struct domain *d, const struct boot_domain *bd)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		sched_set_params(d->vcpu[i], bd->sched_weight, bd->sched_cap);
		if (sched_set_affinity(d->vcpu[i], bd->vcpu_affinity))
			con_printf("Domain d%u: vCPU affinity %#llx names no online pCPU; running anywhere\n", d->id,
				   (unsigned long long)bd->vcpu_affinity);
	}
}

HAL_NORETURN void hyp_start(paddr_t fdt_pa)
{
	struct dt_error err = { { 0 } };
	const void *fdt = hal_pa_to_va(fdt_pa);
	int rc = fdt ? dt_platform_parse(fdt, &plat, &err) : -XEN_EFAULT;

	plat.semihosting = bootargs_has(plat.bootargs, "semihosting");
	hcall_set_commandline(plat.bootargs);
	run_set_poweroff_when_idle(bootargs_has(plat.bootargs, "poweroff_when_idle"));
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

	irq_init(&plat);
	init_memory(fdt);
	struct domain *doms[BOOT_MAX_DOMAINS];
	const struct boot_domain *from[BOOT_MAX_DOMAINS];
	unsigned ndoms = build_domains(fdt, doms, from);

	__atomic_store_n(&cpus_online, 1, __ATOMIC_RELEASE);
	start_secondaries();
	unsigned online = __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE);
	con_printf("Halcyon: %u CPUs online\n", online);

	/* Spread the boot vCPUs over the pCPUs, starting after the boot CPU. */
	vpsci_set_pcpus(online);
	char sched[8] = "credit";
	bootargs_get(plat.bootargs, "sched", sched, sizeof(sched));
	bool null_sched = sched[0] == 'n' && sched[1] == 'u' && sched[2] == 'l' && sched[3] == 'l' && !sched[4];
	sched_init(null_sched ? SCHED_NULL : SCHED_CREDIT, online);
	uint64_t slice_us = SCHED_SLICE_DEFAULT_NS / 1000, period_us = SCHED_PERIOD_DEFAULT_NS / 1000;
	bootargs_uint(plat.bootargs, "sched_slice_us", &slice_us);
	bootargs_uint(plat.bootargs, "sched_period_us", &period_us);
	if (slice_us > UINT64_MAX / 1000 || period_us > UINT64_MAX / 1000 ||
	    sched_set_timing(slice_us * 1000, period_us * 1000))
		con_printf("sched_slice_us=%llu sched_period_us=%llu: not 10 <= slice <= period; using the defaults\n",
			   (unsigned long long)slice_us, (unsigned long long)period_us);
	uint64_t ratelimit_us = sched_ratelimit_ns / 1000;
	bootargs_uint(plat.bootargs, "sched_ratelimit_us", &ratelimit_us);
	if (ratelimit_us > UINT64_MAX / 1000 || sched_set_ratelimit(ratelimit_us * 1000))
		con_printf("sched_ratelimit_us=%llu: more than the slice; using %llu\n",
			   (unsigned long long)ratelimit_us, (unsigned long long)(sched_ratelimit_ns / 1000));
	con_printf("Scheduler: %s, slice %llu us, period %llu us\n",
		   null_sched ? "null (1:1)" : "credit (weighted fair share)",
		   (unsigned long long)(sched_slice_ns / 1000), (unsigned long long)(sched_period_ns / 1000));
	for (unsigned i = 0; i < ndoms; i++) {
		sched_params(doms[i], from[i]);
		if (domain_vcpu_claim(doms[i]->vcpu[0]) && vcpu_start(doms[i]->vcpu[0], (i + 1) % online) < 0)
			con_printf("Domain d%u: vCPU 0 waits for a free pCPU (null scheduler)\n", doms[i]->id);
	}
	__atomic_store_n(&cpus_released, true, __ATOMIC_RELEASE);
	run_cpu(0);
}

HAL_NORETURN void hyp_secondary_start(unsigned cpu)
{
	__atomic_fetch_add(&cpus_online, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&cpus_released, __ATOMIC_ACQUIRE))
		hal_cpu_relax();
	run_cpu(cpu);
}
