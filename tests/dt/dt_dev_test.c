/* dt_dev_scan: QEMU's and a hand-written board's devices with their MMIO (through every bus's
 * ranges), GIC interrupts (interrupts, interrupt-parent chains, interrupts-extended, a PCI bridge's
 * interrupt-map), stream IDs and owners; dt_dev_claim's dom0less passthrough rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dt/dt_dev.h"
#include "dt_fixture.h"
#include "public/errno.h"

static struct platform plat;
static struct dt_devices devs;
static struct dt_error err;

static void *scan(const char *path)
{
	void *fdt = fx_load(path);
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	int rc = dt_dev_scan(fdt, &plat, &devs, &err);
	if (rc)
		fail_msg("dt_dev_scan: %s", err.msg);
	return fdt;
}

static const struct dt_dev *dev_at(const void *fdt, const char *path)
{
	const struct dt_dev *d = dt_dev_find(&devs, fx_node(fdt, path));
	if (!d)
		fail_msg("%s is not a device", path);
	return d;
}

static bool has_irq(const struct dt_dev *d, uint32_t intid)
{
	for (unsigned i = 0; i < d->nirq; i++)
		if (d->irq[i] == intid)
			return true;
	return false;
}

static void test_dt_dev_qemu_owners_are_hypervisor_dom0_or_nobody(void **state)
{
	(void)state;
	void *fdt = scan(FX_QEMU_SMMU);
	assert_int_equal(dev_at(fdt, "/pl011@9000000")->owner, DT_OWN_HYP); /* stdout-path */
	assert_int_equal(dev_at(fdt, "/intc@8000000")->owner, DT_OWN_HYP);
	assert_int_equal(dev_at(fdt, "/intc@8000000/its@8080000")->owner, DT_OWN_HYP);
	assert_int_equal(dev_at(fdt, "/timer")->owner, DT_OWN_HYP);
	assert_int_equal(dev_at(fdt, "/smmuv3@9050000")->owner, DT_OWN_HYP);
	assert_int_equal(dev_at(fdt, "/pmu")->owner, DT_OWN_NONE);
	assert_int_equal(dev_at(fdt, "/pl031@9010000")->owner, DT_OWN_DOM0);
	assert_int_equal(dev_at(fdt, "/virtio_mmio@a003e00")->owner, DT_OWN_DOM0);
	/* Not devices: no reg the CPU reaches and no interrupts. */
	assert_null(dt_dev_find(&devs, fx_node(fdt, "/apb-pclk")));
	assert_null(dt_dev_find(&devs, fx_node(fdt, "/gpio-keys")));
	assert_null(dt_dev_find(&devs, fx_node(fdt, "/cpus/cpu@0")));
	assert_null(dt_dev_find(&devs, fx_node(fdt, "/memory@40000000")));
	fx_free(fdt);
}

static void test_dt_dev_qemu_regions_and_interrupts_are_found(void **state)
{
	(void)state;
	void *fdt = scan(FX_QEMU_SMMU);
	const struct dt_dev *d = dev_at(fdt, "/virtio_mmio@a003e00");
	assert_int_equal(d->nreg, 1);
	assert_int_equal(pa_addr(d->reg[0].base), 0xa003e00);
	assert_int_equal(d->reg[0].size, 0x200);
	assert_int_equal(d->nirq, 1);
	assert_int_equal(d->irq[0], 32 + 0x2f);
	d = dev_at(fdt, "/flash@0");
	assert_int_equal(d->nreg, 2);
	assert_int_equal(pa_addr(d->reg[1].base), 0x4000000);
	d = dev_at(fdt, "/smmuv3@9050000");
	assert_int_equal(d->nirq, 4);
	for (uint32_t i = 0; i < 4; i++)
		assert_true(has_irq(d, 32 + 0x4a + i));
	fx_free(fdt);
}

/* The bridge's config space, its three windows (I/O, 32-bit and 64-bit memory) as CPU addresses,
 * the four INTx SPIs its interrupt-map names (each once), and the SMMU's stream IDs. */
static void test_dt_dev_pci_bridge_has_windows_intx_and_stream_ids(void **state)
{
	(void)state;
	void *fdt = scan(FX_QEMU_SMMU);
	const struct dt_dev *d = dev_at(fdt, "/pcie@10000000");
	assert_int_equal(d->owner, DT_OWN_DOM0);
	assert_int_equal(d->nreg, 4);
	assert_int_equal(pa_addr(d->reg[0].base), 0x4010000000ull);
	assert_int_equal(pa_addr(d->reg[1].base), 0x3eff0000);
	assert_int_equal(d->reg[1].size, 0x10000);
	assert_int_equal(pa_addr(d->reg[2].base), 0x10000000);
	assert_int_equal(d->reg[2].size, 0x2eff0000);
	assert_int_equal(pa_addr(d->reg[3].base), 0x8000000000ull);
	assert_int_equal(d->nirq, 4);
	for (uint32_t i = 3; i <= 6; i++)
		assert_true(has_irq(d, 32 + i));
	assert_int_equal(d->nsid, 1);
	assert_int_equal(d->sid[0].iommu, fx_node(fdt, "/smmuv3@9050000"));
	assert_int_equal(d->sid[0].base, 0);
	assert_int_equal(d->sid[0].count, 0x10000);
	fx_free(fdt);
}

/* The board's console sits on a bus with non-identity ranges; a second UART two buses down, named
 * by interrupts-extended, is Dom0's at its translated address. */
static void test_dt_dev_board_translates_nested_ranges(void **state)
{
	(void)state;
	void *fdt = scan(FX_BOARD);
	const struct dt_dev *con = dev_at(fdt, "/soc@1c000000/serial@20000");
	assert_int_equal(con->owner, DT_OWN_HYP);
	const struct dt_dev *d = dev_at(fdt, "/soc@1c000000/bridge@80000/serial@1000");
	assert_int_equal(d->owner, DT_OWN_DOM0);
	assert_int_equal(pa_addr(d->reg[0].base), 0x1c081000);
	assert_int_equal(d->nirq, 1);
	assert_int_equal(d->irq[0], 32 + 6);
	/* Buses pass addresses on; they are not devices themselves. */
	assert_null(dt_dev_find(&devs, fx_node(fdt, "/soc@1c000000")));
	fx_free(fdt);
}

/* A node inherits its bus's interrupt-parent; interrupts to a controller that is not the GIC (a GPIO
 * block) are its driver's, not routed; interrupts-extended mixes both. */
static void test_dt_dev_interrupt_parent_chain_and_foreign_controllers(void **state)
{
	(void)state;
	void *fdt = fx_load(FX_QEMU_V3);
	uint32_t gic = fdt_get_phandle(fdt, fx_node(fdt, "/intc@8000000"));
	uint32_t gpio = fdt_get_phandle(fdt, fx_node(fdt, "/pl061@9030000"));
	fx_addnode(fdt, "/platform-bus@c000000", "dev@1000");
	FX_CELLS(fdt, "/platform-bus@c000000/dev@1000", "reg", 0x1000, 0x100);
	FX_CELLS(fdt, "/platform-bus@c000000/dev@1000", "interrupts", 0, 9, 4);
	FX_CELLS(fdt, "/pl061@9030000", "#interrupt-cells", 2);
	fx_bytes(fdt, "/pl061@9030000", "interrupt-controller", "", 0);
	fx_addnode(fdt, "/", "button");
	FX_CELLS(fdt, "/button", "interrupt-parent", gpio);
	FX_CELLS(fdt, "/button", "interrupts", 3, 1);
	fx_addnode(fdt, "/", "mixed");
	FX_CELLS(fdt, "/mixed", "interrupts-extended", gpio, 2, 1, gic, 0, 12, 4, gic, 1, 8, 4);
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), 0);

	const struct dt_dev *d = dev_at(fdt, "/platform-bus@c000000/dev@1000");
	assert_int_equal(pa_addr(d->reg[0].base), 0xc001000);
	assert_int_equal(d->nirq, 1);
	assert_int_equal(d->irq[0], 32 + 9);
	assert_int_equal(dev_at(fdt, "/button")->nirq, 0);
	d = dev_at(fdt, "/mixed");
	assert_int_equal(d->nirq, 2);
	assert_true(has_irq(d, 32 + 12));
	assert_true(has_irq(d, 16 + 8));
	fx_free(fdt);
}

static void test_dt_dev_malformed_interrupt_map_returns_einval(void **state)
{
	(void)state;
	void *fdt = fx_load(FX_QEMU_V3);
	FX_CELLS(fdt, "/pcie@10000000", "interrupt-map", 0, 0, 0, 1, 0x8003, 0, 0, 0);
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), -XEN_EINVAL);
	assert_true(fx_contains(err.msg, "/pcie@10000000"));
	fx_free(fdt);
}

static void test_dt_dev_disabled_device_is_nobodys(void **state)
{
	(void)state;
	void *fdt = fx_load(FX_QEMU_V3);
	fx_string(fdt, "/pl031@9010000", "status", "disabled");
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), 0);
	assert_int_equal(dev_at(fdt, "/pl031@9010000")->owner, DT_OWN_NONE);
	fx_free(fdt);
}

static void test_dt_dev_claim_follows_dom0less_passthrough_rules(void **state)
{
	(void)state;
	void *fdt = fx_load(FX_QEMU_V3);
	fx_bytes(fdt, "/virtio_mmio@a000000", "xen,passthrough", "", 0);
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), 0);
	/* Marked but unclaimed: never Dom0's. */
	assert_int_equal(dev_at(fdt, "/virtio_mmio@a000000")->owner, DT_OWN_NONE);
	assert_int_equal(dt_dev_claim(fdt, &devs, "/virtio_mmio@a000200", 1, &err), -XEN_EPERM);
	assert_int_equal(dev_at(fdt, "/virtio_mmio@a000200")->owner, DT_OWN_DOM0);
	assert_int_equal(dt_dev_claim(fdt, &devs, "/no-such-node", 1, &err), -XEN_ENOENT);
	assert_int_equal(dt_dev_claim(fdt, &devs, "/virtio_mmio@a000000", 1, &err), 0);
	assert_int_equal(dt_dev_claim(fdt, &devs, "/virtio_mmio@a000000", 1, &err), 0);
	assert_int_equal(dt_dev_claim(fdt, &devs, "/virtio_mmio@a000000", 2, &err), -XEN_EBUSY);
	const struct dt_dev *d = dev_at(fdt, "/virtio_mmio@a000000");
	assert_int_equal(d->owner, DT_OWN_DOMU);
	assert_int_equal(d->domu, 1);
	fx_free(fdt);
}

static void test_dt_dev_hits_hyp_covers_every_hypervisor_region(void **state)
{
	(void)state;
	void *fdt = scan(FX_QEMU_SMMU);
	assert_true(dt_dev_hits_hyp(&devs, 0x9000000, 0x1000));  /* the console */
	assert_true(dt_dev_hits_hyp(&devs, 0x9050fff, 1));       /* the SMMU's last byte */
	assert_true(dt_dev_hits_hyp(&devs, 0x8000000, 0x1000));  /* GICD */
	assert_true(dt_dev_hits_hyp(&devs, 0x8080000, 0x1000));  /* the ITS */
	assert_false(dt_dev_hits_hyp(&devs, 0x9010000, 0x1000)); /* the RTC */
	assert_true(dt_dev_hits_hyp(&devs, 0x8fff000, 0x1000));  /* the last redistributor frame */
	assert_false(dt_dev_hits_hyp(&devs, 0x9020000, 0x1000)); /* fw-cfg */
	fx_free(fdt);
}

static void test_dt_dev_too_many_devices_returns_e2big(void **state)
{
	(void)state;
	void *fdt = fx_load(FX_QEMU_V3);
	char name[32], path[64];
	/* QEMU's own devices plus DT_DEV_MAX more on its platform bus. */
	for (unsigned i = 0; i < DT_DEV_MAX; i++) {
		snprintf(name, sizeof(name), "dev@%x", 0x100 * i);
		snprintf(path, sizeof(path), "/platform-bus@c000000/%s", name);
		fx_addnode(fdt, "/platform-bus@c000000", name);
		FX_CELLS(fdt, path, "reg", 0x100 * i, 0x100);
	}
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), -XEN_E2BIG);
	fx_free(fdt);
}

/* A /reserved-memory child with a compatible is a device nobody owns until a DomU claims it (no
 * xen,passthrough needed: reserved RAM is never Dom0's); one without a compatible is no device. */
static void test_dt_dev_reserved_memory_with_compatible_is_assignable(void **state)
{
	(void)state;
	void *fdt = fx_load(FX_QEMU_V3);
	fx_reserved_ramdisk(fdt);
	fx_addnode(fdt, "/reserved-memory", "fw@7fe00000");
	FX_CELLS(fdt, "/reserved-memory/fw@7fe00000", "reg", 0, 0x7fe00000, 0, 0x10000);
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), 0);
	const struct dt_dev *d = dev_at(fdt, FX_RAMDISK);
	assert_int_equal(d->owner, DT_OWN_NONE);
	assert_true(d->passthrough);
	assert_true(d->reserved);
	assert_int_equal(d->nreg, 1);
	assert_int_equal(pa_addr(d->reg[0].base), 0x7ff00000);
	assert_int_equal(d->reg[0].size, 0x100000);
	assert_null(dt_dev_find(&devs, fx_node(fdt, "/reserved-memory/fw@7fe00000")));
	assert_null(dt_dev_find(&devs, fx_node(fdt, "/reserved-memory")));
	assert_true(dt_dev_hits_other(&devs, 0x7fffe000, 0x1000, DT_OWN_DOM0, 0));
	assert_int_equal(dt_dev_claim(fdt, &devs, FX_RAMDISK, 1, &err), 0);
	assert_int_equal(dt_dev_claim(fdt, &devs, FX_RAMDISK, 2, &err), -XEN_EBUSY);
	assert_int_equal(d->owner, DT_OWN_DOMU);
	assert_false(dt_dev_hits_other(&devs, 0x7ff00000, 0x100000, DT_OWN_DOMU, 1));
	assert_true(dt_dev_hits_other(&devs, 0x7ff00000, 0x1000, DT_OWN_DOMU, 2));
	/* Disabled: nothing to assign. */
	fx_string(fdt, FX_RAMDISK, "status", "disabled");
	assert_int_equal(dt_dev_scan(fdt, &plat, &devs, &err), 0);
	assert_null(dt_dev_find(&devs, fx_node(fdt, FX_RAMDISK)));
	fx_free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dt_dev_qemu_owners_are_hypervisor_dom0_or_nobody),
		cmocka_unit_test(test_dt_dev_qemu_regions_and_interrupts_are_found),
		cmocka_unit_test(test_dt_dev_pci_bridge_has_windows_intx_and_stream_ids),
		cmocka_unit_test(test_dt_dev_board_translates_nested_ranges),
		cmocka_unit_test(test_dt_dev_interrupt_parent_chain_and_foreign_controllers),
		cmocka_unit_test(test_dt_dev_malformed_interrupt_map_returns_einval),
		cmocka_unit_test(test_dt_dev_disabled_device_is_nobodys),
		cmocka_unit_test(test_dt_dev_claim_follows_dom0less_passthrough_rules),
		cmocka_unit_test(test_dt_dev_hits_hyp_covers_every_hypervisor_region),
		cmocka_unit_test(test_dt_dev_too_many_devices_returns_e2big),
		cmocka_unit_test(test_dt_dev_reserved_memory_with_compatible_is_assignable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
