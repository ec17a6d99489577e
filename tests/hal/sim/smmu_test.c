/* The sim's SMMUv3 wiring: hal/sim's driver (include/hal/smmu.h) programming models/smmu on the
 * bus, and the DMA engine's accesses confined by it: translated through a stage 2 built in the
 * machine's RAM, blocked and reported outside it, stale until the driver invalidates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hal/mmu.h"
#include "hal/platform.h"
#include "hal/s2.h"
#include "hal/smmu.h"
#include "harness.h"
#include "models/smmu/smmu.h"
#include "public/errno.h"
#include "sim/bus.h"
#include "sim/dma.h"
#include "sim/smmu.h"

#define SMMU_BASE 0x09050000ull
#define DMA_BASE  0x0a000000ull
#define DMA_SID   5u
#define VMID      7u
#define SMMU_MEM  0x40800000ull /* 32 KiB, order-3 aligned */
#define S2_TABLES 0x40900000ull /* root (2 pages), level 2, level 3 */
#define SRC_PA    0x40400000ull
#define DST_PA    0x40401000ull
#define ALT_PA    0x40402000ull
#define SRC_IPA   0x80000000ull
#define DST_IPA   0x80001000ull

static uint8_t tree[2048];

static void make_tree(bool with_smmu)
{
	static const char names[] = "eventq\0gerror";
	assert_int_equal(fdt_create_empty_tree(tree, sizeof(tree)), 0);
	assert_int_equal(fdt_setprop_u32(tree, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(tree, 0, "#size-cells", 2), 0);
	if (with_smmu) {
		int s = fdt_add_subnode(tree, 0, "smmuv3@9050000");
		assert_true(s >= 0);
		assert_int_equal(fdt_setprop_string(tree, s, "compatible", "arm,smmu-v3"), 0);
		const fdt32_t reg[] = { 0, cpu_to_fdt32(SMMU_BASE), 0, cpu_to_fdt32(0x20000) };
		assert_int_equal(fdt_setprop(tree, s, "reg", reg, sizeof(reg)), 0);
		const fdt32_t irq[] = { 0, cpu_to_fdt32(74), cpu_to_fdt32(4), 0, cpu_to_fdt32(77), cpu_to_fdt32(4) };
		assert_int_equal(fdt_setprop(tree, s, "interrupts", irq, sizeof(irq)), 0);
		assert_int_equal(fdt_setprop(tree, s, "interrupt-names", names, sizeof(names)), 0);
		assert_int_equal(fdt_setprop_u32(tree, s, "phandle", 1), 0);
	}
	int d = fdt_add_subnode(tree, 0, "dma@a000000");
	assert_true(d >= 0);
	assert_int_equal(fdt_setprop_string(tree, d, "compatible", "halcyon,sim-dma"), 0);
	const fdt32_t reg[] = { 0, cpu_to_fdt32(DMA_BASE), 0, cpu_to_fdt32(0x1000) };
	assert_int_equal(fdt_setprop(tree, d, "reg", reg, sizeof(reg)), 0);
	const fdt32_t irq[] = { 0, cpu_to_fdt32(48), cpu_to_fdt32(4) };
	assert_int_equal(fdt_setprop(tree, d, "interrupts", irq, sizeof(irq)), 0);
	if (with_smmu) {
		const fdt32_t iommus[] = { cpu_to_fdt32(1), cpu_to_fdt32(DMA_SID) };
		assert_int_equal(fdt_setprop(tree, d, "iommus", iommus, sizeof(iommus)), 0);
	}
}

static uint64_t *pa_ptr(uint64_t pa) { return hal_pa_to_va(pa_init(pa)); }

/* A stage 2 in the HAL's geometry (40-bit IPA, two concatenated level-1 tables): 4 KiB pages
 * SRC_IPA -> SRC_PA and DST_IPA -> DST_PA, read-write normal memory. */
#define DESC_TABLE 3ull
#define DESC_PAGE  (3ull | 1ull << 10 | 3ull << 8 | 3ull << 6 | 0xfull << 2)

static uint64_t *l3;

static void build_s2(void)
{
	uint64_t *root = pa_ptr(S2_TABLES), *l2 = pa_ptr(S2_TABLES + 0x2000);
	l3 = pa_ptr(S2_TABLES + 0x3000);
	memset(root, 0, 0x4000);
	root[SRC_IPA >> 30] = (S2_TABLES + 0x2000) | DESC_TABLE;
	l2[(SRC_IPA >> 21) & 511] = (S2_TABLES + 0x3000) | DESC_TABLE;
	l3[(SRC_IPA >> 12) & 511] = SRC_PA | DESC_PAGE;
	l3[(DST_IPA >> 12) & 511] = DST_PA | DESC_PAGE;
}

static void dma_w(uint32_t off, uint64_t v, unsigned size)
{
	assert_null(sim_mmio_write(pa_init(DMA_BASE + off), size, v));
}

static uint64_t dma_r(uint32_t off, unsigned size)
{
	uint64_t v = 0;
	assert_null(sim_mmio_read(pa_init(DMA_BASE + off), size, &v));
	return v;
}

static uint32_t copy(uint64_t src, uint64_t dst, uint32_t len)
{
	dma_w(SIM_DMA_STATUS, 0, 4);
	dma_w(SIM_DMA_SRC, src, 8);
	dma_w(SIM_DMA_DST, dst, 8);
	dma_w(SIM_DMA_LEN, len, 4);
	dma_w(SIM_DMA_GO, 1, 4);
	return (uint32_t)dma_r(SIM_DMA_STATUS, 4);
}

/* What the boot CPU saw, checked after the run. */
static struct {
	int create, probe, attach, attach_bad_sid;
	uint32_t ok_status, fault_status, unattached_status, stale_status, fresh_status, bypass_status;
	uint64_t fault_addr;
	bool copied, victim_untouched, stale_went_old, fresh_went_new;
	bool popped_fault, popped_bad_ste, popped_extra;
	struct hal_smmu_fault fault, bad_ste;
	uint64_t cmds_before_unused_flush, cmds_after_unused_flush;
	struct hal_smmu_id id;
	int reattach;
	uint32_t reuse_status;
	bool reuse_fresh;
} o;

static void boot_with_smmu(void)
{
	char err[128];
	struct hal_s2_geometry g;

	hal_platform_init(&harness_plat);
	o.create = sim_smmu_create(tree, err, sizeof(err));
	struct hal_smmu_desc d = { pa_init(SMMU_BASE), 0x20000, 74 + 32, 77 + 32 };
	memset(pa_ptr(SMMU_MEM), 0, 4096 << HAL_SMMU_MEM_ORDER);
	o.probe = hal_smmu_probe(&d, pa_init(SMMU_MEM), pa_ptr(SMMU_MEM));
	hal_smmu_id(&o.id);
	hal_s2_geometry(&g);
	build_s2();
	o.attach_bad_sid = hal_smmu_attach(HAL_SMMU_MAX_SIDS, VMID, pa_init(S2_TABLES), g.vtcr);
	o.attach = hal_smmu_attach(DMA_SID, VMID, pa_init(S2_TABLES), g.vtcr);

	uint8_t *src = (uint8_t *)pa_ptr(SRC_PA), *dst = (uint8_t *)pa_ptr(DST_PA), *alt = (uint8_t *)pa_ptr(ALT_PA);
	for (unsigned i = 0; i < 4096; i++)
		src[i] = (uint8_t)(i * 7 + 1), dst[i] = 0, alt[i] = 0xee;
	o.ok_status = copy(SRC_IPA + 16, DST_IPA + 100, 3000);
	o.copied = memcmp(src + 16, dst + 100, 3000) == 0 && dst[99] == 0 && dst[3100] == 0;

	/* At the victim's physical address as an IPA: nothing of this stage 2 is there. */
	o.fault_status = copy(SRC_IPA, ALT_PA, 64);
	o.fault_addr = dma_r(SIM_DMA_FAULT, 8);
	o.victim_untouched = alt[0] == 0xee && alt[63] == 0xee;
	o.popped_fault = hal_smmu_fault_pop(&o.fault);

	/* The table changes under a cached translation: stale until the IPA's TLBI. */
	l3[(DST_IPA >> 12) & 511] = 0;
	l3[(DST_IPA >> 12) & 511] = ALT_PA | DESC_PAGE;
	o.stale_status = copy(SRC_IPA, DST_IPA, 8);
	o.stale_went_old = alt[0] == 0xee && dst[0] == src[0];
	hal_s2_flush_ipa(VMID, ipa_init(DST_IPA)); /* what hyp/mm calls: the SMMU follows */
	o.fresh_status = copy(SRC_IPA + 8, DST_IPA, 8);
	o.fresh_went_new = memcmp(alt, src + 8, 8) == 0;

	/* A VMID without streams costs no command. */
	o.cmds_before_unused_flush = sim_smmu_stats()->commands;
	hal_smmu_flush_vmid(VMID + 1);
	o.cmds_after_unused_flush = sim_smmu_stats()->commands;

	hal_smmu_detach(DMA_SID);
	o.unattached_status = copy(SRC_IPA, DST_IPA, 8);
	o.popped_bad_ste = hal_smmu_fault_pop(&o.bad_ste);
	/* The VMID comes back for another domain with other tables: nothing of the old ones is used,
	 * although no p2m flush reached the SMMU while it had no stream. */
	l3[(DST_IPA >> 12) & 511] = DST_PA | DESC_PAGE;
	hal_s2_flush_ipa(VMID, ipa_init(DST_IPA)); /* skipped by the SMMU: no stream on VMID */
	l3[(DST_IPA >> 12) & 511] = SRC_PA | DESC_PAGE;
	memset(dst, 0, 64);
	o.reattach = hal_smmu_attach(DMA_SID, VMID, pa_init(S2_TABLES), g.vtcr);
	memset(src + 2048, 0x3c, 64);
	o.reuse_status = copy(SRC_IPA + 2048, DST_IPA, 64); /* DST_IPA now maps SRC_PA itself */
	o.reuse_fresh = src[0] == 0x3c && dst[0] == 0;
	struct hal_smmu_fault spare;
	o.popped_extra = hal_smmu_fault_pop(&spare); /* two faults made, two read */
}

static void test_smmu_driver_confines_dma_to_the_attached_stage_2(void **state)
{
	struct sim_result r;

	(void)state;
	harness_reset();
	memset(&o, 0, sizeof(o));
	make_tree(true);
	assert_int_equal(harness_run(boot_with_smmu, NULL, 1, 0, &r), 0);
	assert_int_equal(o.create, 0);
	assert_int_equal(o.probe, 0);
	assert_int_equal(o.id.idr0 & (SMMU_IDR0_S2P | SMMU_IDR0_S1P | SMMU_IDR0_ST_2LVL),
			 SMMU_IDR0_S2P | SMMU_IDR0_ST_2LVL);
	assert_int_equal(o.id.idr1 & 0x3f, SMMU_SIDSIZE);
	assert_int_equal(o.id.aidr, SMMU_AIDR_V3_1);
	assert_int_equal(o.attach_bad_sid, -XEN_EINVAL);
	assert_int_equal(o.attach, 0);
	assert_int_equal(o.ok_status, SIM_DMA_DONE);
	assert_true(o.copied);
	assert_int_equal(o.fault_status, SIM_DMA_WRITE_FAULT);
	assert_int_equal(o.fault_addr, ALT_PA);
	assert_true(o.victim_untouched);
	assert_true(o.popped_fault);
	assert_int_equal(o.fault.sid, DMA_SID);
	assert_int_equal(o.fault.type, SMMU_EVT_F_TRANSLATION);
	assert_true(o.fault.write);
	assert_true(o.fault.stage2);
	assert_int_equal(o.fault.addr, ALT_PA);
	assert_int_equal(o.stale_status, SIM_DMA_DONE);
	assert_true(o.stale_went_old);
	assert_int_equal(o.fresh_status, SIM_DMA_DONE);
	assert_true(o.fresh_went_new);
	assert_int_equal(o.cmds_after_unused_flush, o.cmds_before_unused_flush);
	assert_int_equal(o.unattached_status, SIM_DMA_READ_FAULT);
	assert_true(o.popped_bad_ste);
	assert_int_equal(o.bad_ste.type, SMMU_EVT_C_BAD_STE);
	assert_int_equal(o.bad_ste.sid, DMA_SID);
	assert_false(o.popped_extra);
	assert_int_equal(o.reattach, 0);
	assert_int_equal(o.reuse_status, SIM_DMA_DONE);
	assert_true(o.reuse_fresh);
}

static void boot_without_smmu(void)
{
	char err[128];

	o.create = sim_smmu_create(tree, err, sizeof(err));
	uint8_t *src = (uint8_t *)pa_ptr(SRC_PA), *alt = (uint8_t *)pa_ptr(ALT_PA);
	memset(src, 0x5a, 64);
	memset(alt, 0, 64);
	/* No SMMU: the engine's addresses are physical, so nothing stops it. */
	o.bypass_status = copy(SRC_PA, ALT_PA, 64);
	o.victim_untouched = alt[0] == 0;
}

static void test_dma_without_smmu_reaches_any_ram(void **state)
{
	struct sim_result r;

	(void)state;
	harness_reset();
	memset(&o, 0, sizeof(o));
	make_tree(false);
	assert_int_equal(harness_run(boot_without_smmu, NULL, 1, 0, &r), 0);
	assert_int_equal(o.create, 0);
	assert_int_equal(o.bypass_status, SIM_DMA_DONE);
	assert_false(o.victim_untouched);
}

static void boot_bad_registers(void)
{
	char err[128];

	o.create = sim_smmu_create(tree, err, sizeof(err));
	o.ok_status = copy(SRC_PA, DST_PA, 0);
	o.fault_status = copy(SRC_PA, DST_PA, SIM_DMA_MAX_LEN + 1);
	/* GO while a status is unacknowledged does nothing. */
	dma_w(SIM_DMA_LEN, 8, 4);
	dma_w(SIM_DMA_GO, 1, 4);
	o.stale_status = (uint32_t)dma_r(SIM_DMA_STATUS, 4);
	uint64_t v;
	o.popped_fault = sim_mmio_read(pa_init(DMA_BASE + SIM_DMA_LEN), 2, &v) != NULL;
}

static void test_dma_rejects_bad_lengths_and_widths(void **state)
{
	struct sim_result r;

	(void)state;
	harness_reset();
	memset(&o, 0, sizeof(o));
	make_tree(false);
	assert_int_equal(harness_run(boot_bad_registers, NULL, 1, 0, &r), 0);
	assert_int_equal(o.ok_status, SIM_DMA_BAD_LEN);
	assert_int_equal(o.fault_status, SIM_DMA_BAD_LEN);
	assert_int_equal(o.stale_status, SIM_DMA_BAD_LEN);
	assert_true(o.popped_fault);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smmu_driver_confines_dma_to_the_attached_stage_2),
		cmocka_unit_test(test_dma_without_smmu_reaches_any_ram),
		cmocka_unit_test(test_dma_rejects_bad_lengths_and_widths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
