/* hyp/iommu over a recording fake of include/hal/smmu.h: which streams reach which stage 2, who
 * may not take whose stream, what detach and a fault do; QEMU's SMMUv3 tree through hyp/dt. */
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

#define MAX_CALLS 1024
#define SPI(n)    ((n) + 32u)

/* ---- the fake HAL ---- */
static struct {
	int probe_rc, attach_rc, attach_fail_at;
	struct hal_smmu_desc desc;
	unsigned probes, attaches, detaches;
	struct {
		uint32_t sid;
		uint16_t vmid;
		paddr_t root;
		uint64_t vtcr;
	} attach[MAX_CALLS];
	uint32_t detach[MAX_CALLS];
	uint16_t flushed_vmid[MAX_CALLS];
	unsigned flushes;
	struct hal_smmu_fault faults[8];
	unsigned nfaults, lost;
	uint64_t now, timer;
	uint8_t mem[4096 << HAL_SMMU_MEM_ORDER];
	int frame_rc;
	unsigned frames_out;
	int own_rc;
	unsigned owns;
	uint32_t own_intid;
	bool own_edge;
	void (*own_fn)(uint32_t);
} h;

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
static uint8_t fdt[4096];
static int smmu_node, other_iommu_node;
static struct dt_devices devs;

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

static struct dt_dev *add_dev(enum dt_owner owner, unsigned domu, uint32_t sid, uint32_t count)
{
	struct dt_dev *d = &devs.dev[devs.count];
	*d = (struct dt_dev){ .node = fdt_path_offset(fdt, "/dev0"), .owner = owner, .domu = domu, .nsid = 1 };
	d->sid[0] = (struct dt_sids){ smmu_node, sid, count };
	devs.count++;
	return d;
}

static struct domain dom0, domu1, domu2;

static void init_domain(struct domain *d, domid_t id)
{
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->p2m.vmid = (uint16_t)(id + 1);
	d->p2m.root = pa_init(0x50000000 + (uint64_t)id * 0x10000);
	d->p2m.geo.vtcr = 0x80023558ull + id;
}

static int setup(void **state)
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

/* ---- tests ---- */

static void test_iommu_init_without_smmu_node_probes_nothing_and_attach_succeeds(void **state)
{
	(void)state;
	devs.count = 0;
	add_dev(DT_OWN_DOM0, 0, 8, 1);
	devs.dev[0].sid[0].iommu = other_iommu_node;
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_false(iommu_present());
	assert_int_equal(h.probes, 0);
	assert_int_equal(iommu_domain_attach(&dom0, fdt, &devs), 0);
	assert_int_equal(h.attaches, 0);
}

static void test_iommu_init_probes_smmu_reg_and_named_spis_with_their_triggers(void **state)
{
	(void)state;
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_true(iommu_present());
	assert_int_equal(h.probes, 1);
	assert_int_equal(pa_addr(h.desc.base), 0x09050000);
	assert_int_equal(h.desc.size, 0x20000);
	assert_int_equal(h.desc.evtq_intid, SPI(74));
	assert_int_equal(h.desc.gerror_intid, SPI(77));
	assert_int_equal(h.frames_out, 1);
	assert_non_null(strstr(fake_console,
			       "smmu: SMMUv3.1 at 0x9050000: IDR0 0xc04c01d (S2P 1, S1P 0, TTF 3, COHACC 1, "
			       "VMID16 1, ST_LEVEL 1), IDR1 0x2a80010 (SIDSIZE 16, CMDQS 21, EVENTQS 8), IDR5 0x15 "
			       "(OAS 48 bits, GRAN4K 1)"));
}

static void test_iommu_probe_failure_frees_memory_refuses_domus_devices_and_leaves_dom0s_untranslated(void **state)
{
	(void)state;
	h.probe_rc = -XEN_ENODEV;
	assert_int_equal(iommu_init(fdt, &devs), -XEN_ENODEV);
	assert_false(iommu_present());
	assert_int_equal(h.frames_out, 0);
	add_dev(DT_OWN_DOMU, 1, 8, 1);
	add_dev(DT_OWN_DOM0, 0, 9, 1);
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), -XEN_ENODEV);
	/* Dom0 is 1:1: its devices work untranslated, as under Xen without an IOMMU. */
	assert_int_equal(iommu_domain_attach(&dom0, fdt, &devs), 0);
	assert_non_null(strstr(fake_console, "d0: dev0: no SMMU: its DMA is untranslated (Dom0 is 1:1)"));
	assert_int_equal(h.attaches, 0);
	/* A domain without devices behind it still builds. */
	assert_int_equal(iommu_domain_attach(&domu2, fdt, &devs), 0);
}

static void test_iommu_init_without_memory_returns_enomem(void **state)
{
	(void)state;
	h.frame_rc = -XEN_ENOMEM;
	assert_int_equal(iommu_init(fdt, &devs), -XEN_ENOMEM);
	assert_int_equal(h.probes, 0);
	assert_false(iommu_present());
}

static void test_iommu_attach_gives_each_sid_the_owners_vmid_root_and_vtcr(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOM0, 0, 8, 2);
	add_dev(DT_OWN_DOMU, 1, 16, 1);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&dom0, fdt, &devs), 0);
	assert_int_equal(h.attaches, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(h.attach[i].sid, 8 + i);
		assert_int_equal(h.attach[i].vmid, dom0.p2m.vmid);
		assert_int_equal(pa_addr(h.attach[i].root), pa_addr(dom0.p2m.root));
		assert_int_equal(h.attach[i].vtcr, dom0.p2m.geo.vtcr);
	}
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	assert_int_equal(h.attaches, 3);
	assert_int_equal(h.attach[2].sid, 16);
	assert_int_equal(h.attach[2].vmid, domu1.p2m.vmid);
	assert_int_equal(pa_addr(h.attach[2].root), pa_addr(domu1.p2m.root));
	/* domu2 owns nothing. */
	assert_int_equal(iommu_domain_attach(&domu2, fdt, &devs), 0);
	assert_int_equal(h.attaches, 3);
}

static void test_iommu_attach_skips_streams_behind_other_iommus(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOM0, 0, 8, 1)->sid[0].iommu = other_iommu_node;
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&dom0, fdt, &devs), 0);
	assert_int_equal(h.attaches, 0);
}

static void test_iommu_attach_of_a_stream_another_domain_holds_returns_ebusy_and_attaches_nothing(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOMU, 1, 20, 1);
	struct dt_dev *d = add_dev(DT_OWN_DOMU, 2, 30, 1);
	d->sid[1] = (struct dt_sids){ smmu_node, 20, 1 }; /* aliases domu1's stream */
	d->nsid = 2;
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&domu2, fdt, &devs), -XEN_EBUSY);
	/* stream 30 was attached, then rolled back; stream 20 stays domu1's. */
	assert_int_equal(h.detaches, 1);
	assert_int_equal(h.detach[0], 30);
	assert_int_equal(h.flushes, 1);
	assert_int_equal(h.flushed_vmid[0], domu2.p2m.vmid);
	assert_non_null(strstr(fake_console, "stream 20 is d1's"));
	iommu_domain_detach(&domu2);
	assert_int_equal(h.detaches, 1);
}

static void test_iommu_attach_hal_failure_rolls_back_earlier_streams(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOM0, 0, 4, 3);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	h.attach_fail_at = 3;
	h.attach_rc = -XEN_EINVAL;
	assert_int_equal(iommu_domain_attach(&dom0, fdt, &devs), -XEN_EINVAL);
	assert_int_equal(h.detaches, 2);
	assert_int_equal(h.detach[0], 4);
	assert_int_equal(h.detach[1], 5);
}

static void test_iommu_attach_of_a_pci_map_past_the_table_attaches_the_first_sids_only(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOM0, 0, 0, 0x10000);
	add_dev(DT_OWN_DOM0, 0, 0x300, 4);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&dom0, fdt, &devs), 0);
	assert_int_equal(h.attaches, HAL_SMMU_MAX_SIDS);
	assert_int_equal(h.attach[HAL_SMMU_MAX_SIDS - 1].sid, HAL_SMMU_MAX_SIDS - 1);
	assert_non_null(strstr(fake_console, "0+0x10000 reach past the SMMU's 256; those stay aborted"));
	assert_non_null(strstr(fake_console, "0x300+0x4 reach past"));
}

static void test_iommu_detach_aborts_only_that_domains_streams_and_flushes_its_vmid(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOMU, 1, 40, 2);
	add_dev(DT_OWN_DOMU, 2, 50, 1);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&domu2, fdt, &devs), 0);
	iommu_domain_detach(&domu1);
	assert_int_equal(h.detaches, 2);
	assert_int_equal(h.detach[0], 40);
	assert_int_equal(h.detach[1], 41);
	assert_int_equal(h.flushes, 1);
	assert_int_equal(h.flushed_vmid[0], domu1.p2m.vmid);
	/* The streams are free again: another domain may take them. */
	devs.dev[1].domu = 2;
	assert_int_equal(iommu_domain_attach(&domu2, fdt, &devs), 0);
	assert_int_equal(h.attach[h.attaches - 1].sid, 41);
}

static void test_iommu_fault_is_printed_and_counted_against_the_streams_owner(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOMU, 1, 40, 1);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	h.faults[0] =
	    (struct hal_smmu_fault){ .sid = 40, .type = 0x10, .write = true, .stage2 = true, .addr = 0x48001000 };
	h.faults[1] =
	    (struct hal_smmu_fault){ .sid = 40, .type = 0x10, .write = false, .stage2 = true, .addr = 0x9000 };
	h.faults[2] = (struct hal_smmu_fault){ .sid = 99, .type = 0x04 };
	h.nfaults = 3;
	h.lost = 2;
	assert_true(iommu_irq(SPI(74)));
	assert_int_equal(h.nfaults, 0);
	assert_int_equal(iommu_fault_count(1), 2);
	assert_int_equal(iommu_fault_count(0), 0);
	assert_int_equal(iommu_fault_count(DOMID_INVALID), 1);
	assert_non_null(strstr(fake_console, "smmu: d1 stream 40: DMA write at 0x48001000 blocked (translation fault"));
	assert_non_null(strstr(fake_console, "smmu: d1 stream 40: DMA read at 0x9000 blocked"));
	assert_non_null(strstr(fake_console, "smmu: stream 99 (no domain)"));
	assert_non_null(strstr(fake_console, "overflowed (2 time(s)): fault records were lost"));
}

static void test_iommu_irq_claims_only_the_smmus_interrupts(void **state)
{
	(void)state;
	assert_false(iommu_irq(SPI(74))); /* nothing probed yet */
	assert_int_equal(iommu_init(fdt, &devs), 0);
	h.faults[0] = (struct hal_smmu_fault){ .sid = 1, .type = 0x10 };
	h.nfaults = 1;
	assert_false(iommu_irq(SPI(75)));
	assert_false(iommu_irq(SPI(1)));
	assert_int_equal(h.nfaults, 1);
	assert_true(iommu_irq(SPI(77)));
	assert_int_equal(h.nfaults, 0);
}

static void test_iommu_detach_reports_pending_faults_and_their_total_then_starts_the_id_clean(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOMU, 1, 40, 1);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	h.faults[0] = (struct hal_smmu_fault){ .sid = 40, .type = 0x10, .addr = 0x1000 };
	h.nfaults = 1;
	iommu_domain_detach(&domu1);
	assert_non_null(strstr(fake_console, "smmu: d1 stream 40"));
	assert_non_null(strstr(fake_console, "d1: 1 SMMU fault(s) reported"));
	assert_int_equal(iommu_fault_count(1), 0);
}

static void test_iommu_faults_are_reported_from_the_event_queue_spi_without_polling(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOMU, 1, 40, 1);
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_int_equal(h.owns, 1);
	assert_int_equal(h.own_intid, SPI(74));
	assert_true(h.own_edge); /* the tree's flags 1: rising edge */
	assert_non_null(h.own_fn);
	assert_non_null(strstr(fake_console, "smmu: faults reported on SPI 106 (edge)"));
	h.timer = UINT64_MAX;
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	assert_int_equal(h.timer, UINT64_MAX); /* no poll timer: the SPI says when */
	h.faults[0] = (struct hal_smmu_fault){ .sid = 40, .type = 0x10, .write = true, .addr = 0x2000 };
	h.nfaults = 1;
	h.own_fn(SPI(74));
	assert_int_equal(h.nfaults, 0);
	assert_int_equal(iommu_fault_count(1), 1);
	assert_non_null(strstr(fake_console, "smmu: d1 stream 40: DMA write at 0x2000 blocked"));
}

static void test_iommu_polls_faults_every_10ms_only_while_streams_are_attached(void **state)
{
	(void)state;
	add_dev(DT_OWN_DOMU, 1, 40, 1);
	h.own_rc = -XEN_EBUSY; /* the event-queue SPI cannot be had */
	assert_int_equal(iommu_init(fdt, &devs), 0);
	assert_non_null(strstr(fake_console, "smmu: no event-queue SPI (-16): faults polled every 10 ms"));
	h.timer = UINT64_MAX;
	h.now = 1000;
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	assert_int_equal(h.timer, 1000 + 625000);
	h.faults[0] = (struct hal_smmu_fault){ .sid = 40, .type = 0x10, .write = true, .addr = 0x1000 };
	h.nfaults = 1;
	h.now = 1000 + 625000;
	swtimer_expire();
	assert_int_equal(iommu_fault_count(1), 1);
	assert_int_equal(h.timer, 1000 + 2 * 625000); /* rearmed */
	iommu_domain_detach(&domu1);
	h.now += 625000;
	swtimer_expire();
	assert_int_equal(h.timer, UINT64_MAX); /* nothing attached: no more polling */
}

/* QEMU's virt,iommu=smmuv3 tree through hyp/dt: the SMMU kept by the hypervisor is the one probed,
 * and Dom0 gets the PCI bridge's requester IDs that fit the stream table. */
static void *load_dtb(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 0);
	return buf;
}

static void test_iommu_on_qemus_smmuv3_tree_probes_it_and_attaches_dom0s_pci_streams(void **state)
{
	(void)state;
	const void *q = load_dtb("tests/dt/data/qemu-virt-gicv3-smmuv3-smp2.dtb");
	static struct platform plat;
	static struct dt_devices qdevs;
	struct dt_error err = { { 0 } };
	assert_int_equal(dt_platform_parse(q, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(q, &plat, &qdevs, &err), 0);
	assert_int_equal(iommu_init(q, &qdevs), 0);
	assert_int_equal(pa_addr(h.desc.base), 0x09050000);
	assert_int_equal(h.desc.evtq_intid, SPI(0x4a));
	assert_int_equal(h.desc.gerror_intid, SPI(0x4d));
	assert_true(iommu_irq(SPI(0x4a)));
	assert_false(iommu_irq(SPI(0x4b))); /* priq: not used */
	assert_int_equal(iommu_domain_attach(&dom0, q, &qdevs), 0);
	assert_int_equal(h.attaches, HAL_SMMU_MAX_SIDS);
	assert_int_equal(iommu_domain_attach(&domu1, q, &qdevs), 0);
	assert_int_equal(h.attaches, HAL_SMMU_MAX_SIDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup(t, setup)
		T(test_iommu_init_without_smmu_node_probes_nothing_and_attach_succeeds),
		T(test_iommu_init_probes_smmu_reg_and_named_spis_with_their_triggers),
		T(test_iommu_probe_failure_frees_memory_refuses_domus_devices_and_leaves_dom0s_untranslated),
		T(test_iommu_init_without_memory_returns_enomem),
		T(test_iommu_attach_gives_each_sid_the_owners_vmid_root_and_vtcr),
		T(test_iommu_attach_skips_streams_behind_other_iommus),
		T(test_iommu_attach_of_a_stream_another_domain_holds_returns_ebusy_and_attaches_nothing),
		T(test_iommu_attach_hal_failure_rolls_back_earlier_streams),
		T(test_iommu_attach_of_a_pci_map_past_the_table_attaches_the_first_sids_only),
		T(test_iommu_detach_aborts_only_that_domains_streams_and_flushes_its_vmid),
		T(test_iommu_fault_is_printed_and_counted_against_the_streams_owner),
		T(test_iommu_irq_claims_only_the_smmus_interrupts),
		T(test_iommu_detach_reports_pending_faults_and_their_total_then_starts_the_id_clean),
		T(test_iommu_faults_are_reported_from_the_event_queue_spi_without_polling),
		T(test_iommu_polls_faults_every_10ms_only_while_streams_are_attached),
		T(test_iommu_on_qemus_smmuv3_tree_probes_it_and_attaches_dom0s_pci_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
