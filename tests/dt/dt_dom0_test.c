/* dt_dom0_build: Dom0's tree from QEMU's GICv2, GICv3 and GICv3+SMMUv3 host trees, compared after
 * `dtc -I dtb -O dts` with reviewed files in data/ (DT_DOM0_REGEN=<dir> writes fresh ones there), and
 * the properties that must hold whatever the files say: every host device either Dom0's and in its
 * tree, or not Dom0's and absent; nothing the hypervisor keeps is described to Dom0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "dt/dt_dom0.h"
#include "dt/dt_node.h"
#include "dt_fixture.h"
#include "public/errno.h"

#define OUT_SIZE (64 * 1024)

static char out[OUT_SIZE];
static struct platform plat;
static struct dt_devices devs;

/* What dom_build gives Dom0 on these machines: 512 MiB 1:1 in two runs, two vCPUs, the host's GIC
 * frames, a ramdisk, and the grant region in RAM the hypervisor keeps. */
static struct dt_guest dom0_of(const struct platform *p)
{
	struct dt_guest g = {
		.bank = { { ipa_init(0x48000000), 0x8000000 }, { ipa_init(0x60000000), 0x18000000 } },
		.banks = 2,
		.vcpus = 2,
		.bootargs = "console=hvc0 earlycon=xen panic=-1",
		.initrd = ipa_init(0x4a000000),
		.initrd_size = 0x123456,
		.gnttab = { ipa_init(0x40200000), 0x40000 },
	};
	g.gic.version = p->gic.version;
	g.gic.dist =
	    (struct dt_guest_bank){ ipa_init(pa_addr(p->gic.dist.base)), p->gic.version == 3 ? 0x10000 : 0x1000 };
	g.gic.redist = (struct dt_guest_bank){ ipa_init(pa_addr(p->gic.redist[0].base)), 2 * 0x20000 };
	g.gic.cpuif = (struct dt_guest_bank){ ipa_init(pa_addr(p->gic.cpuif.base)), 0x2000 };
	return g;
}

static void *host_of(const char *path)
{
	struct dt_error err;
	void *fdt = fx_load(path);
	assert_int_equal(dt_platform_parse(fdt, &plat, &err), 0);
	int rc = dt_dev_scan(fdt, &plat, &devs, &err);
	if (rc)
		fail_msg("dt_dev_scan: %s", err.msg);
	return fdt;
}

static void build(const void *host)
{
	struct dt_guest g = dom0_of(&plat);
	int size = dt_dom0_build(out, sizeof(out), host, &devs, &g);
	assert_true(size > 0);
	assert_int_equal(fdt_check_full(out, (size_t)size), 0);
}

static char *read_all(FILE *f)
{
	size_t cap = 1 << 16, n = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	for (size_t r; (r = fread(s + n, 1, cap - n - 1, f)) > 0;) {
		n += r;
		if (n + 1 == cap) {
			s = realloc(s, cap *= 2);
			assert_non_null(s);
		}
	}
	s[n] = '\0';
	return s;
}

/* The tree in @out as dtc prints it. */
static char *as_dts(const char *name)
{
	char dtb[256], cmd[600];
	snprintf(dtb, sizeof(dtb), "%s/%s.dtb", getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", name);
	FILE *f = fopen(dtb, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out, 1, fdt_totalsize(out), f), fdt_totalsize(out));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts %s", dtb);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *s = read_all(p);
	assert_int_equal(pclose(p), 0);
	return s;
}

static void golden(const char *host_path, const char *name)
{
	char path[256];
	void *host = host_of(host_path);
	build(host);
	char *got = as_dts(name);
	const char *regen = getenv("DT_DOM0_REGEN");
	if (regen) {
		snprintf(path, sizeof(path), "%s/%s.dts", regen, name);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "tests/dt/data/%s.dts", name);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("no expected tree %s", path);
	char *want = read_all(f);
	fclose(f);
	if (strcmp(got, want) != 0)
		fail_msg("Dom0's tree differs from %s (regenerate with DT_DOM0_REGEN=dir and review the diff)", path);
	free(want);
	free(got);
	fx_free(host);
}

static void test_dt_dom0_gicv3_tree_matches_reviewed_file(void **state)
{
	(void)state;
	golden(FX_QEMU_V3, "dom0-qemu-virt-gicv3-smp4");
}

static void test_dt_dom0_gicv2_tree_matches_reviewed_file(void **state)
{
	(void)state;
	golden(FX_QEMU_V2, "dom0-qemu-virt-gicv2-smp2");
}

static void test_dt_dom0_gicv3_smmuv3_tree_matches_reviewed_file(void **state)
{
	(void)state;
	golden(FX_QEMU_SMMU, "dom0-qemu-virt-gicv3-smmuv3-smp2");
}

static bool in_dom0(const void *host, int node)
{
	char path[256];
	assert_int_equal(fdt_get_path(host, node, path, sizeof(path)), 0);
	return fdt_path_offset(out, path) >= 0;
}

/* Every device is in Dom0's tree exactly when Dom0 owns it (the GIC and timer are the hypervisor's
 * but described, virtualised, under their own names; disabled nodes stay disabled). */
static void check_partition(const void *host)
{
	unsigned dom0 = 0, hyp = 0;
	for (unsigned i = 0; i < devs.count; i++) {
		const struct dt_dev *d = &devs.dev[i];
		bool described =
		    d->owner == DT_OWN_HYP &&
		    (fdt_node_check_compatible(host, d->node, "arm,armv8-timer") == 0 ||
		     (dt_gic_version(host, d->node) && fdt_getprop(host, d->node, "interrupt-controller", NULL)));
		bool want = d->owner == DT_OWN_DOM0 || described ||
			    (d->owner == DT_OWN_NONE && !fdt_getprop(host, d->node, "xen,passthrough", NULL) &&
			     !dt_enabled(host, d->node)) ||
			    d->reserved; /* reserved RAM stays described, whoever has it */
		if (in_dom0(host, d->node) != want)
			fail_msg("%s: owner %d, in Dom0's tree: %d", fdt_get_name(host, d->node, NULL), d->owner,
				 in_dom0(host, d->node));
		dom0 += d->owner == DT_OWN_DOM0;
		hyp += d->owner == DT_OWN_HYP;
	}
	assert_true(dom0 > 30); /* QEMU virt: 32 virtio-mmio transports alone */
	assert_true(hyp >= 3);  /* console, GIC, timer */
}

static void test_dt_dom0_every_device_is_in_dom0s_tree_iff_dom0_owns_it(void **state)
{
	(void)state;
	const char *trees[] = { FX_QEMU_V3, FX_QEMU_V2, FX_QEMU_SMMU };
	for (unsigned i = 0; i < 3; i++) {
		void *host = host_of(trees[i]);
		build(host);
		check_partition(host);
		fx_free(host);
	}
}

/* Nothing in Dom0's tree points at hypervisor state: no stdout-path to its UART, no IOMMU or MSI
 * links, no boot modules, no reg touching a hypervisor region other than the vGIC's own frames. */
static void test_dt_dom0_tree_names_no_hypervisor_region(void **state)
{
	(void)state;
	void *host = host_of(FX_QEMU_SMMU);
	build(host);
	int node, depth = 0;
	assert_null(fdt_getprop(out, fdt_path_offset(out, "/chosen"), "stdout-path", NULL));
	assert_int_equal(fdt_first_subnode(out, fdt_path_offset(out, "/chosen")), -FDT_ERR_NOTFOUND);
	assert_true(fdt_path_offset(out, "/pl011@9000000") < 0);
	assert_true(fdt_path_offset(out, "/smmuv3@9050000") < 0);
	for (node = fdt_next_node(out, 0, &depth); node >= 0; node = fdt_next_node(out, node, &depth)) {
		assert_null(fdt_getprop(out, node, "iommu-map", NULL));
		assert_null(fdt_getprop(out, node, "iommus", NULL));
		assert_null(fdt_getprop(out, node, "msi-map", NULL));
		int len;
		const fdt32_t *reg = fdt_getprop(out, node, "reg", &len);
		if (depth != 1 || !reg || fdt_getprop(out, node, "interrupt-controller", NULL))
			continue;
		for (int i = 0; i + 4 <= len / 4; i += 4) {
			uint64_t base = (uint64_t)fdt32_ld(&reg[i]) << 32 | fdt32_ld(&reg[i + 1]);
			uint64_t size = (uint64_t)fdt32_ld(&reg[i + 2]) << 32 | fdt32_ld(&reg[i + 3]);
			if (dt_dev_hits_hyp(&devs, base, size) && strcmp(fdt_get_name(out, node, NULL), "hypervisor"))
				fail_msg("%s reg %#llx is the hypervisor's", fdt_get_name(out, node, NULL),
					 (unsigned long long)base);
		}
	}
	fx_free(host);
}

/* The virtual GIC keeps the host's phandle (every interrupt-parent still resolves) and, on GICv3,
 * describes only Dom0's vCPUs' redistributors. */
static void test_dt_dom0_gic_keeps_phandle_and_shrinks_redistributors(void **state)
{
	(void)state;
	void *host = host_of(FX_QEMU_V3);
	build(host);
	int gic = fdt_path_offset(out, "/intc@8000000"), len;
	assert_true(gic >= 0);
	assert_int_equal(fdt_get_phandle(out, gic), fdt_get_phandle(host, fdt_path_offset(host, "/intc@8000000")));
	const fdt32_t *reg = fdt_getprop(out, gic, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(fdt32_ld(&reg[5]), 0x080a0000);
	assert_int_equal(fdt32_ld(&reg[7]), 2 * 0x20000);
	assert_int_equal(fdt_first_subnode(out, gic), -FDT_ERR_NOTFOUND); /* no ITS */
	const fdt32_t *parent = fdt_getprop(out, 0, "interrupt-parent", &len);
	assert_int_equal(fdt_node_offset_by_phandle(out, fdt32_ld(parent)), gic);
	fx_free(host);
}

static void test_dt_dom0_passthrough_devices_are_not_in_dom0s_tree(void **state)
{
	(void)state;
	struct dt_error err;
	void *host = fx_load(FX_QEMU_V3);
	fx_bytes(host, "/virtio_mmio@a000000", "xen,passthrough", "", 0);
	fx_bytes(host, "/pl061@9030000", "xen,passthrough", "", 0);
	assert_int_equal(dt_platform_parse(host, &plat, &err), 0);
	assert_int_equal(dt_dev_scan(host, &plat, &devs, &err), 0);
	assert_int_equal(dt_dev_claim(host, &devs, "/virtio_mmio@a000000", 1, &err), 0);
	build(host);
	assert_true(fdt_path_offset(out, "/virtio_mmio@a000000") < 0); /* DomU 1's */
	assert_true(fdt_path_offset(out, "/pl061@9030000") < 0);       /* unclaimed: nobody's */
	assert_true(fdt_path_offset(out, "/virtio_mmio@a000200") >= 0);
	check_partition(host);
	fx_free(host);
}

static void test_dt_dom0_small_buffer_returns_enospc(void **state)
{
	(void)state;
	void *host = host_of(FX_QEMU_V3);
	struct dt_guest g = dom0_of(&plat);
	assert_int_equal(dt_dom0_build(out, 1024, host, &devs, &g), -XEN_ENOSPC);
	g.vcpus = 0;
	assert_int_equal(dt_dom0_build(out, sizeof(out), host, &devs, &g), -XEN_EINVAL);
	fx_free(host);
}

/* Dom0's tree keeps /reserved-memory as the host has it, given to a DomU or not, so Dom0 never
 * takes that RAM; Dom0 is given none of it to map. */
static void test_dt_dom0_reserved_memory_stays_in_dom0s_tree(void **state)
{
	(void)state;
	struct dt_error err;
	void *host = fx_load(FX_QEMU_V3);
	fx_reserved_ramdisk(host);
	assert_int_equal(dt_platform_parse(host, &plat, &err), 0);
	for (unsigned claimed = 0; claimed < 2; claimed++) {
		assert_int_equal(dt_dev_scan(host, &plat, &devs, &err), 0);
		if (claimed)
			assert_int_equal(dt_dev_claim(host, &devs, FX_RAMDISK, 1, &err), 0);
		build(host);
		int node = fdt_path_offset(out, FX_RAMDISK), len;
		assert_true(node >= 0);
		assert_non_null(fdt_getprop(out, node, "no-map", NULL));
		const fdt32_t *reg = fdt_getprop(out, node, "reg", &len);
		assert_int_equal(len, 16);
		assert_int_equal(fdt32_ld(&reg[1]), 0x7ff00000);
		assert_non_null(fdt_getprop(out, fdt_path_offset(out, "/reserved-memory"), "ranges", NULL));
		assert_int_equal(dt_dev_find(&devs, fx_node(host, FX_RAMDISK))->owner,
				 claimed ? DT_OWN_DOMU : DT_OWN_NONE);
		check_partition(host);
	}
	fx_free(host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dt_dom0_gicv3_tree_matches_reviewed_file),
		cmocka_unit_test(test_dt_dom0_gicv2_tree_matches_reviewed_file),
		cmocka_unit_test(test_dt_dom0_gicv3_smmuv3_tree_matches_reviewed_file),
		cmocka_unit_test(test_dt_dom0_every_device_is_in_dom0s_tree_iff_dom0_owns_it),
		cmocka_unit_test(test_dt_dom0_tree_names_no_hypervisor_region),
		cmocka_unit_test(test_dt_dom0_gic_keeps_phandle_and_shrinks_redistributors),
		cmocka_unit_test(test_dt_dom0_passthrough_devices_are_not_in_dom0s_tree),
		cmocka_unit_test(test_dt_dom0_small_buffer_returns_enospc),
		cmocka_unit_test(test_dt_dom0_reserved_memory_stays_in_dom0s_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
