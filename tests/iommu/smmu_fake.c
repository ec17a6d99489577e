/* The iommu tests' fake SMMU HAL and host tree (smmu_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "core/irq.h"
#include "core/swtimer.h"
#include "dt/dt.h"
#include "hal/timer.h"
#include "hal/mmu.h"
#include "hal/smmu.h"
#include "iommu/iommu.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "tests/core/fake_hal.h"
#include "tests/iommu/smmu_fake.h"

/* ---- the fake HAL ---- */
struct smmu_fake h;

/* hyp/core's irq_own: what the SMMU's event-queue SPI was kept with. */
int irq_own(uint32_t intid, bool edge, void (*fn)(uint32_t intid))
{
	h.owns++;
	if (h.own_rc)
		return h.own_rc;
	h.own_intid = intid;
	h.own_edge = edge;
	h.own_fn = fn;
	return 0;
}

int hal_smmu_probe(const struct hal_smmu_desc *d, paddr_t mem, void *mem_va)
{
	(void)mem;
	assert_ptr_equal(mem_va, h.mem);
	h.desc = *d;
	h.probes++;
	return h.probe_rc;
}

int hal_smmu_attach(uint32_t sid, uint16_t vmid, paddr_t root, uint64_t vtcr)
{
	if (h.attach_fail_at && h.attaches + 1 == (unsigned)h.attach_fail_at)
		return h.attach_rc;
	assert_true(h.attaches < MAX_CALLS);
	h.attach[h.attaches].sid = sid;
	h.attach[h.attaches].vmid = vmid;
	h.attach[h.attaches].root = root;
	h.attach[h.attaches++].vtcr = vtcr;
	return 0;
}

void hal_smmu_detach(uint32_t sid)
{
	assert_true(h.detaches < MAX_CALLS);
	h.detach[h.detaches++] = sid;
}

void hal_smmu_flush_vmid(uint16_t vmid) { h.flushed_vmid[h.flushes++] = vmid; }
void hal_smmu_flush_ipa(uint16_t vmid, ipa_t ipa) { (void)vmid, (void)ipa; }

bool hal_smmu_fault_pop(struct hal_smmu_fault *f)
{
	if (!h.nfaults)
		return false;
	*f = h.faults[0];
	memmove(h.faults, h.faults + 1, --h.nfaults * sizeof(*f));
	return true;
}

void hal_smmu_id(struct hal_smmu_id *id)
{
	*id = (struct hal_smmu_id){ .idr0 = 0x0c04c01d, .idr1 = 0x02a80010, .idr5 = 0x15, .aidr = 1 };
}

unsigned hal_smmu_fault_lost(void)
{
	unsigned n = h.lost;
	h.lost = 0;
	return n;
}

uint64_t hal_counter_now(void) { return h.now; }
uint64_t hal_counter_freq(void) { return 62500000; }
void hal_timer_arm(uint64_t deadline) { h.timer = deadline; }

void *hal_pa_to_va(paddr_t pa)
{
	assert_int_equal(pa_addr(pa), 0x48000000);
	return h.mem;
}

int frame_alloc(domid_t owner, unsigned order, paddr_t *pa)
{
	assert_int_equal(owner, DOMID_XEN);
	assert_int_equal(order, HAL_SMMU_MEM_ORDER);
	if (h.frame_rc)
		return h.frame_rc;
	h.frames_out++;
	*pa = pa_init(0x48000000);
	return 0;
}

int frame_free(domid_t owner, paddr_t pa, unsigned order)
{
	assert_int_equal(owner, DOMID_XEN);
	assert_int_equal(pa_addr(pa), 0x48000000);
	assert_int_equal(order, HAL_SMMU_MEM_ORDER);
	h.frames_out--;
	return 0;
}

/* ---- a host tree: an SMMUv3 and the devices behind it ---- */
uint8_t fdt[4096];
int smmu_node, other_iommu_node;
struct dt_devices devs;

static void build_tree(void)
{
	static const char names[] = "eventq\0priq\0cmdq-sync\0gerror";
	assert_int_equal(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	smmu_node = fdt_add_subnode(fdt, 0, "smmuv3@9050000");
	assert_true(smmu_node >= 0);
	assert_int_equal(fdt_setprop_string(fdt, smmu_node, "compatible", "arm,smmu-v3"), 0);
	assert_int_equal(fdt_setprop(fdt, smmu_node, "interrupt-names", names, sizeof(names)), 0);
	const fdt32_t irqs[] = { cpu_to_fdt32(0),  cpu_to_fdt32(74), cpu_to_fdt32(1),  cpu_to_fdt32(0),
				 cpu_to_fdt32(75), cpu_to_fdt32(1),  cpu_to_fdt32(0),  cpu_to_fdt32(76),
				 cpu_to_fdt32(1),  cpu_to_fdt32(0),  cpu_to_fdt32(77), cpu_to_fdt32(4) };
	assert_int_equal(fdt_setprop(fdt, smmu_node, "interrupts", irqs, sizeof(irqs)), 0);
	other_iommu_node = fdt_add_subnode(fdt, 0, "iommu@0");
	assert_true(other_iommu_node >= 0);
	smmu_node = fdt_path_offset(fdt, "/smmuv3@9050000");
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof(name), "dev%d", i);
		assert_true(fdt_add_subnode(fdt, 0, name) >= 0);
	}
	smmu_node = fdt_path_offset(fdt, "/smmuv3@9050000");
	other_iommu_node = fdt_path_offset(fdt, "/iommu@0");

	memset(&devs, 0, sizeof(devs));
	devs.dev[0] = (struct dt_dev){ .node = smmu_node, .owner = DT_OWN_HYP, .nreg = 1 };
	devs.dev[0].reg[0] = (struct plat_region){ pa_init(0x09050000), 0x20000 };
	devs.count = 1;
}

struct dt_dev *add_dev(enum dt_owner owner, unsigned domu, uint32_t sid, uint32_t count)
{
	struct dt_dev *d = &devs.dev[devs.count];
	*d = (struct dt_dev){ .node = fdt_path_offset(fdt, "/dev0"), .owner = owner, .domu = domu, .nsid = 1 };
	d->sid[0] = (struct dt_sids){ smmu_node, sid, count };
	devs.count++;
	return d;
}

struct domain dom0, domu1, domu2;

void init_domain(struct domain *d, domid_t id)
{
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->p2m.vmid = (uint16_t)(id + 1);
	d->p2m.root = pa_init(0x50000000 + (uint64_t)id * 0x10000);
	d->p2m.geo.vtcr = 0x80023558ull + id;
}

int setup(void **state)
{
	(void)state;
	memset(&h, 0, sizeof(h));
	fake_hal_reset();
	build_tree();
	init_domain(&dom0, 0);
	init_domain(&domu1, 1);
	init_domain(&domu2, 2);
	swtimer_reset();
	iommu_reset();
	return 0;
}
