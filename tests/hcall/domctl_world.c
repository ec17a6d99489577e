/* The rest of the HAL for the whole core (tests/gnttab's fake gives RAM, stage 2 and the console):
 * one pCPU thread that never enters a guest, a counter that moves on each read, no SMMU. */
#include "tests/hcall/domctl_world.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/gic.h"
#include "hal/mmu.h"
#include "hal/platform.h"
#include "hal/psci.h"
#include "hal/smmu.h"
#include "hal/timer.h"
#include "hal/vcpu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "sched/sched.h"
#include "tests/gnttab/fake_hal.h"

struct domain *world_dom0, *world_domu;
unsigned world_kicks;
static struct platform plat;
static uint64_t counter;

uint64_t hal_cpu_mpidr(void) { return 0; }
int hal_cpu_start(unsigned idx, uint64_t mpidr)
{
	(void)idx;
	(void)mpidr;
	return -XEN_ENODEV;
}
void hal_cpu_idle(void) {}
void hal_cpu_kick(unsigned cpu)
{
	(void)cpu;
	world_kicks++;
}
HAL_NORETURN void hal_exit(int status)
{
	fail_msg("hal_exit(%d)", status);
	abort();
}
int hal_platform_init(struct platform *p)
{
	(void)p;
	return 0;
}
unsigned hal_vgic_lrs(void) { return 4; }
unsigned hal_vgic_prio_bits(void) { return 5; }
void hal_irq_cpu_init(void) {}
uint32_t hal_irq_ack(void) { return HAL_IRQ_SPURIOUS; }
void hal_irq_eoi(uint32_t intid) { (void)intid; }
void hal_irq_deactivate(uint32_t intid) { (void)intid; }
void hal_irq_enable(uint32_t intid, bool on)
{
	(void)intid;
	(void)on;
}
void hal_irq_config_spi(uint32_t intid, bool edge, unsigned cpu)
{
	(void)intid;
	(void)edge;
	(void)cpu;
}
void hal_irq_send_sgi(unsigned cpu, unsigned sgi)
{
	(void)cpu;
	(void)sgi;
}
int64_t hal_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)fn;
	(void)a1;
	(void)a2;
	(void)a3;
	return -1;
}
int hal_smmu_probe(const struct hal_smmu_desc *d, paddr_t mem, void *mem_va)
{
	(void)d;
	(void)mem;
	(void)mem_va;
	return -XEN_ENODEV;
}
void hal_smmu_id(struct hal_smmu_id *id) { memset(id, 0, sizeof(*id)); }
int hal_smmu_attach(uint32_t sid, uint16_t vmid, paddr_t root, uint64_t vtcr)
{
	(void)sid;
	(void)vmid;
	(void)root;
	(void)vtcr;
	return -XEN_ENODEV;
}
void hal_smmu_detach(uint32_t sid) { (void)sid; }
void hal_smmu_flush_vmid(uint16_t vmid) { (void)vmid; }
void hal_smmu_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	(void)vmid;
	(void)ipa;
}
bool hal_smmu_fault_pop(struct hal_smmu_fault *f)
{
	(void)f;
	return false;
}
unsigned hal_smmu_fault_lost(void) { return 0; }
uint64_t hal_counter_now(void) { return counter += 100; }
uint64_t hal_counter_freq(void) { return 62500000; }
void hal_timer_arm(uint64_t deadline) { (void)deadline; }
int hal_vcpu_init(struct hal_vcpu_ctx *ctx)
{
	(void)ctx;
	return 0;
}
void hal_vcpu_destroy(struct hal_vcpu_ctx *ctx) { (void)ctx; }
void hal_vcpu_enter(struct hal_vcpu_ctx *ctx, struct hal_exit *exit)
{
	(void)ctx;
	(void)exit;
	fail_msg("no guest runs in the domctl tests");
}
void hal_vcpu_put(struct hal_vcpu_ctx *ctx) { (void)ctx; }
bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, bool write, ipa_t *ipa)
{
	(void)ctx;
	(void)write;
	*ipa = ipa_init(va); /* MMU off */
	return true;
}

void world_populate(struct domain *d, uint64_t gfn, unsigned pages)
{
	for (unsigned i = 0; i < pages; i++) {
		paddr_t pa;
		assert_int_equal(frame_alloc(d->id, 0, &pa), 0);
		assert_int_equal(p2m_map(&d->p2m, ipa_init((gfn + i) << PAGE_SHIFT), pa, PAGE_SIZE, P2M_RAM_RW), 0);
	}
}

static struct domain *caller(domid_t id)
{
	struct domain *d;
	assert_int_equal(domain_create(id, id ? "domu" : "dom0", 1, &d), 0);
	assert_int_equal(dom_gic(d, &plat, false, 32, NULL), 0);
	world_populate(d, WORLD_ARG_IPA >> PAGE_SHIFT, 1);
	return d;
}

void world_setup(unsigned gic_version)
{
	fake_hal_reset();
	/* QEMU virt's layout: its RAM bank here is the fake HAL's. */
	memset(&plat, 0, sizeof(plat));
	plat.mem[plat.mem_count++] = (struct plat_region){ pa_init(FAKE_RAM_BASE), FAKE_RAM_SIZE };
	plat.uart.regs = (struct plat_region){ pa_init(0x09000000), 0x1000 };
	plat.gic.version = gic_version;
	plat.gic.dist = (struct plat_region){ pa_init(0x08000000), 0x10000 };
	if (gic_version == 3) {
		plat.gic.redist[0] = (struct plat_region){ pa_init(0x080a0000), 0xf60000 };
		plat.gic.redist_count = 1;
	} else {
		plat.gic.cpuif = (struct plat_region){ pa_init(0x08010000), 0x10000 };
		plat.gic.hyp = (struct plat_region){ pa_init(0x08030000), 0x10000 };
		plat.gic.vcpu = (struct plat_region){ pa_init(0x08040000), 0x10000 };
	}
	sched_init(SCHED_CREDIT, WORLD_PCPUS);
	dom_create_init(&plat, NULL);
	world_dom0 = caller(0);
	world_domu = caller(1);
	world_kicks = 0;
}

void world_set_devices(const struct dt_devices *devs) { dom_create_init(&plat, devs); }

void world_teardown(void)
{
	domain_destroy(world_domu);
	domain_destroy(world_dom0);
	assert_int_equal(domain_live_count(), 0);
}

void *world_guest(struct domain *d, uint64_t ipa)
{
	paddr_t pa;
	enum p2m_type t = p2m_lookup(&d->p2m, ipa_init(ipa), &pa, NULL);
	assert_true(t == P2M_RAM_RW || t == P2M_GRANT_RW);
	return hal_pa_to_va(pa);
}

long world_domctl(struct domain *c, struct xen_domctl *op)
{
	struct vcpu *v = c->vcpu[0];

	memcpy(world_guest(c, WORLD_ARG_IPA), op, sizeof(*op));
	v->ctx.x[16] = __HYPERVISOR_domctl;
	v->ctx.x[0] = WORLD_ARG_IPA;
	uint64_t pc = v->ctx.pc;
	hcall_dispatch(v);
	memcpy(op, world_guest(c, WORLD_ARG_IPA), sizeof(*op));
	if (v->ctx.pc == pc - 4) {
		assert_int_equal(v->ctx.x[0], WORLD_ARG_IPA); /* the same call again */
		v->ctx.pc = pc;
		return WORLD_AGAIN;
	}
	return (long)v->ctx.x[0];
}

long world_call(struct domain *c, unsigned hcall, unsigned cmd, void *arg, size_t len)
{
	struct vcpu *v = c->vcpu[0];
	uint64_t at = WORLD_ARG_IPA + PAGE_SIZE / 2; /* the domctl's own struct takes the first half */

	assert_true(len <= PAGE_SIZE / 2);
	memcpy(world_guest(c, at), arg, len);
	v->ctx.x[16] = hcall;
	v->ctx.x[0] = cmd;
	v->ctx.x[1] = at;
	v->ctx.x[2] = 1;
	hcall_dispatch(v);
	memcpy(arg, world_guest(c, at), len);
	return (long)v->ctx.x[0];
}

struct xen_domctl world_op(uint32_t cmd, domid_t dom)
{
	return (struct xen_domctl){ .cmd = cmd, .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = dom };
}

struct xen_domctl world_create_op(domid_t dom, unsigned vcpus)
{
	struct xen_domctl op = world_op(XEN_DOMCTL_createdomain, dom);
	struct xen_domctl_createdomain *c = &op.u.createdomain;

	c->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	c->max_vcpus = vcpus;
	c->max_evtchn_port = 1023;
	c->max_grant_frames = 32;
	c->max_maptrack_frames = 1024;
	c->grant_opts = 1;
	c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE;
	memset(c->handle, 0xab, sizeof(c->handle));
	return op;
}

struct vcpu *world_pick(unsigned cpu) { return sched_pick(cpu); }

void world_put(struct vcpu *v) { sched_put(v); }

void world_settle(void)
{
	for (unsigned cpu = 0; cpu < WORLD_PCPUS; cpu++) {
		struct vcpu *picked[DOMAIN_MAX * DOMAIN_MAX_VCPUS];
		unsigned n = 0;
		for (struct vcpu *v; n < sizeof(picked) / sizeof(picked[0]) && (v = world_pick(cpu));)
			picked[n++] = v;
		while (n)
			world_put(picked[--n]);
	}
}

struct world_snap world_snap(void)
{
	return (struct world_snap){ frame_free_count(), heap_bytes_in_use(), domain_live_count() };
}

void world_back_to(struct world_snap s)
{
	assert_int_equal(frame_free_count(), s.free_frames);
	assert_int_equal(heap_bytes_in_use(), s.heap);
	assert_int_equal(domain_live_count(), s.live);
}

int world_setup_v3(void **state)
{
	(void)state;
	world_setup(3);
	return 0;
}

int world_teardown_test(void **state)
{
	(void)state;
	world_teardown();
	return 0;
}

domid_t world_create(unsigned vcpus)
{
	struct xen_domctl op = world_create_op(0, vcpus);
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	return op.domain;
}

long world_simple(struct domain *caller, uint32_t cmd, domid_t dom)
{
	struct xen_domctl op = world_op(cmd, dom);
	return world_domctl(caller, &op);
}

struct xen_domctl_getdomaininfo world_info(domid_t dom)
{
	struct xen_domctl op = world_op(XEN_DOMCTL_getdomaininfo, dom);
	assert_int_equal(world_domctl(world_dom0, &op), 0);
	assert_int_equal(op.domain, dom);
	assert_int_equal(op.u.getdomaininfo.domain, dom);
	return op.u.getdomaininfo;
}
