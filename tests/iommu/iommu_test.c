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
#include "tests/iommu/smmu_fake.h"

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
	/* A direct-map DomU is 1:1 too: trusted with its device's untranslated DMA. */
	domu1.direct_map = true;
	assert_int_equal(iommu_domain_attach(&domu1, fdt, &devs), 0);
	assert_non_null(strstr(fake_console, "no SMMU: its DMA is untranslated (direct-map)"));
	domu1.direct_map = false;
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
