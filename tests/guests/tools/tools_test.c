/* The toolstack against a fake hypervisor: the calls gl_tools_create makes and what it leaves in
 * the new domain (RAM, magic pages, grant entries, ports, params, kernel, tree, registers), how it
 * cleans up after a failure, and the smaller calls (destroy, state, foreign maps, pv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "lib/tools.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "tools_fake.h"

#define DOM0_RAM      0x4c000000ull
#define DOM0_RAM_SIZE (32ull << 20)

static char dom0_tree[512];

static const void *dom0_fdt(void)
{
	fdt32_t reg[4] = { 0, cpu_to_fdt32((uint32_t)DOM0_RAM), 0, cpu_to_fdt32((uint32_t)DOM0_RAM_SIZE) };
	int rc = fdt_create(dom0_tree, sizeof(dom0_tree));
	rc = rc ?: fdt_finish_reservemap(dom0_tree);
	rc = rc ?: fdt_begin_node(dom0_tree, "");
	rc = rc ?: fdt_begin_node(dom0_tree, "memory@4c000000");
	rc = rc ?: fdt_property_string(dom0_tree, "device_type", "memory");
	rc = rc ?: fdt_property(dom0_tree, "reg", reg, sizeof(reg));
	rc = rc ?: fdt_end_node(dom0_tree);
	rc = rc ?: fdt_end_node(dom0_tree);
	rc = rc ?: fdt_finish(dom0_tree);
	assert_int_equal(rc, 0);
	return dom0_tree;
}

static int setup(void **state)
{
	(void)state;
	fake_reset();
	assert_int_equal(gl_tools_init(dom0_fdt()), 0);
	fake.nr_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static struct gl_dom_cfg tiny(void)
{
	return (
	    struct gl_dom_cfg){ .name = "tiny", .program = "tiny", .mem_mib = 2, .vcpus = 1, .bootargs = "tiny.n=7" };
}

static domid_t create(const struct gl_dom_cfg *cfg)
{
	domid_t dom = 0;
	assert_int_equal(gl_tools_create(cfg, &dom), 0);
	assert_true(dom > 0 && dom < FAKE_DOMS);
	return dom;
}

static bool any_slot_used(void)
{
	for (unsigned s = 0; s < FAKE_SLOTS; s++)
		if (fake.slot[s].used)
			return true;
	return false;
}

/* The new domain's tree, at x0 of its vCPU 0: valid, within one page here. */
static const void *tree_of(domid_t dom)
{
	const uint8_t *page = fake_page(dom, fake.dom[dom].ctx.user_regs.x[0] >> 12);
	assert_non_null(page);
	assert_int_equal(fake.dom[dom].ctx.user_regs.x[0] & 0xfff, 0);
	assert_int_equal(fdt_check_full(page, 4096), 0);
	return page;
}

static void test_tools_init_balloons_out_the_top_of_its_ram(void **state)
{
	(void)state;
	assert_int_equal(fake.nr_ballooned, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(fake.ballooned[i], (DOM0_RAM + DOM0_RAM_SIZE) / 4096 - 4 + i);
	assert_int_equal(gl_tools_init(dom0_fdt()), 0); /* once only */
	assert_int_equal(fake.nr_calls, 0);
}

static void test_tools_create_builds_ram_magic_pages_and_pv_wiring(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	domid_t dom = create(&cfg);
	struct fake_dom *d = &fake.dom[dom];

	assert_int_equal(d->cfg.flags, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap);
	assert_int_equal(d->cfg.max_vcpus, 1);
	assert_int_equal(d->cfg.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_NATIVE);
	assert_int_equal(d->max_memkb, 3 * 1024);
	/* 2 MiB as one superpage extent at Xen's RAM base, then the two magic pages. */
	assert_true(fake_call_index("populate d1 o9 n1") >= 0);
	assert_non_null(fake_page(dom, 0x40000));
	assert_non_null(fake_page(dom, 0x401ff));
	assert_null(fake_page(dom, 0x40200));
	assert_non_null(fake_page(dom, 0x39000));
	assert_non_null(fake_page(dom, 0x39001));
	assert_int_equal(d->tot_pages, 514);

	/* Grant refs 0 and 1 seeded for Dom0, the grant frame gone from the p2m again. */
	struct grant_entry_v1 e[2];
	memcpy(e, d->gnttab, sizeof(e));
	assert_int_equal(e[0].flags, GTF_permit_access);
	assert_int_equal(e[0].domid, 0);
	assert_int_equal(e[0].frame, 0x39000);
	assert_int_equal(e[1].flags, GTF_permit_access);
	assert_int_equal(e[1].frame, 0x39001);
	assert_int_equal(d->gnttab_gfn, 0);

	assert_true(fake_call_index("alloc_unbound d1 remote d0") >= 0);
	assert_int_equal(d->hvm[HVM_PARAM_CONSOLE_PFN], 0x39000);
	assert_int_equal(d->hvm[HVM_PARAM_STORE_PFN], 0x39001);
	assert_int_equal(d->hvm[HVM_PARAM_CONSOLE_EVTCHN], 1);
	assert_int_equal(d->hvm[HVM_PARAM_STORE_EVTCHN], 2);
	assert_int_equal(d->hvm[HVM_PARAM_CALLBACK_IRQ], 2ull << 56 | 2ull << 8 | 31);
	assert_false(any_slot_used());
}

static void test_tools_create_loads_the_sim_image_and_tree_then_unpauses(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	domid_t dom = create(&cfg);
	struct fake_dom *d = &fake.dom[dom];

	const uint8_t *k = fake_page(dom, 0x40000);
	assert_memory_equal(k,
			    "HALCYON-SIMGUEST"
			    "tiny",
			    21);
	assert_true(d->ctx_set);
	assert_int_equal(d->ctx.flags, VGCF_online);
	assert_int_equal(d->ctx.user_regs.pc64, 0x40000000);
	assert_int_equal(d->ctx.user_regs.cpsr, 0x1c5);
	assert_int_equal(d->ctx.user_regs.x[1], 0);
	/* Below 128 MiB of RAM the tree goes at the top. */
	assert_int_equal(d->ctx.user_regs.x[0], 0x40000000 + (2u << 20) - 4096);

	const void *t = tree_of(dom);
	assert_string_equal(fdt_getprop(t, fdt_path_offset(t, "/chosen"), "bootargs", NULL), "tiny.n=7");
	int mem = fdt_path_offset(t, "/memory@40000000");
	const fdt64_t *reg = fdt_getprop(t, mem, "reg", NULL);
	assert_int_equal(fdt64_ld(&reg[1]), 2u << 20);
	assert_int_equal(fdt_node_check_compatible(t, 0, "xen,xenvm-4.17"), 0);
	assert_true(fdt_path_offset(t, "/hypervisor") >= 0);
	/* The GIC the hypervisor gave (v3 for NATIVE in the fake) is the one described. */
	assert_int_equal(
	    fdt_node_check_compatible(t, fdt_path_offset(t, "/interrupt-controller@3001000"), "arm,gic-v3"), 0);

	int ctx = fake_call_index("setvcpucontext d1 v0"), run = fake_call_index("unpause d1");
	assert_true(ctx > fake_call_index("populate d1"));
	assert_true(run > ctx);
	assert_int_equal(run, (int)fake.nr_calls - 1);
	assert_false(d->paused);
}

static void test_tools_create_asks_for_gicv2_and_describes_it(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	cfg.gic_version = 2;
	cfg.vcpus = 3;
	domid_t dom = create(&cfg);
	assert_int_equal(fake.dom[dom].cfg.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V2);
	assert_int_equal(fake.dom[dom].cfg.max_vcpus, 3);
	const void *t = tree_of(dom);
	int gic = fdt_path_offset(t, "/interrupt-controller@3001000");
	assert_int_equal(fdt_node_check_compatible(t, gic, "arm,cortex-a15-gic"), 0);
	assert_true(fdt_path_offset(t, "/cpus/cpu@2") >= 0);
	assert_true(fdt_path_offset(t, "/cpus/cpu@3") < 0);
}

static void test_tools_create_paused_leaves_the_domain_paused(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	cfg.paused = true;
	domid_t dom = create(&cfg);
	assert_true(fake.dom[dom].paused);
	assert_int_equal(fake_call_index("unpause"), -1);
	assert_int_equal(gl_tools_unpause(dom), 0);
	assert_false(fake.dom[dom].paused);
}

static void test_tools_create_falls_back_to_pages_after_the_last_superpage(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	cfg.mem_mib = 3;
	domid_t dom = create(&cfg);
	assert_true(fake_call_index("populate d1 o9 n1") >= 0);
	assert_true(fake_call_index("populate d1 o0 n32") >= 0);
	assert_non_null(fake_page(dom, 0x402ff));
	assert_null(fake_page(dom, 0x40300));
	assert_int_equal(fake.dom[dom].tot_pages, 768 + 2);
}

static void test_tools_create_out_of_memory_destroys_the_half_built_domain(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	domid_t dom = 0;
	fake.free_pages = 100;
	assert_int_equal(gl_tools_create(&cfg, &dom), -XEN_ENOMEM);
	assert_true(fake_call_index("destroydomain d1") >= 0);
	assert_false(fake.dom[1].exists);
	assert_int_equal(fake.free_pages, 100);
	assert_int_equal(dom, 0);
}

static void test_tools_create_failing_step_destroys_the_domain_and_unmaps(void **state)
{
	(void)state;
	static const char *const steps[] = { "max_mem",        "add_to_physmap", "map_foreign d1 0x38000",
					     "alloc_unbound",  "hvm set",        "map_foreign d1 0x40000",
					     "setvcpucontext", "unpause" };
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct gl_dom_cfg cfg = tiny();
		domid_t dom = 0;
		fake.nr_calls = 0;
		fake.fail_call = steps[i];
		fake.fail_rc = -XEN_EINVAL;
		assert_int_equal(gl_tools_create(&cfg, &dom), -XEN_EINVAL);
		assert_true(fake_call_index("destroydomain d1") >= 0);
		assert_false(fake.dom[1].exists);
		assert_int_equal(fake.free_pages, fake.total_pages);
		assert_false(any_slot_used());
	}
}

static void test_tools_create_refused_by_the_hypervisor_returns_its_error(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	domid_t dom = 0;
	fake.fail_call = "createdomain";
	fake.fail_rc = -XEN_EPERM;
	assert_int_equal(gl_tools_create(&cfg, &dom), -XEN_EPERM);
	assert_int_equal(fake_call_index("destroydomain"), -1);
}

static void test_tools_create_rejects_configs_no_domain_could_boot(void **state)
{
	(void)state;
	struct gl_dom_cfg bad[8];
	domid_t dom;
	for (unsigned i = 0; i < 8; i++)
		bad[i] = tiny();
	bad[0].vcpus = 0;
	bad[1].vcpus = 9;
	bad[2].mem_mib = 0;
	bad[3].gic_version = 4;
	bad[4].program = NULL; /* and no image */
	bad[5].program = "a-program-name-longer-than-the-sim-image-has-room-for";
	bad[6].nr_iomem = 1;
	bad[6].iomem[0] = (struct gl_dom_iomem){ .base = 0x10000800, .pages = 1, .gfn = 0x23000 };
	bad[7].nr_iomem = GL_TOOLS_MAX_IOMEM + 1;
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(gl_tools_create(&bad[i], &dom), -XEN_EINVAL);
	assert_int_equal(fake_call_index("createdomain"), -1);
	assert_int_equal(gl_tools_create(NULL, &dom), -XEN_EINVAL);
}

static void test_tools_create_gives_iomem_and_describes_the_device(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	cfg.nr_iomem = 1;
	cfg.iomem[0] =
	    (struct gl_dom_iomem){ .base = 0x10000000, .pages = 16, .gfn = 0x23000, .compatible = "halcyon,ramdisk" };
	domid_t dom = create(&cfg);
	struct fake_dom *d = &fake.dom[dom];

	assert_int_equal(d->nr_perm, 1);
	assert_int_equal(d->perm[0].first_mfn, 0x10000);
	assert_int_equal(d->perm[0].nr_mfns, 16);
	assert_int_equal(d->perm[0].allow_access, 1);
	assert_int_equal(d->nr_map, 1);
	assert_int_equal(d->map[0].first_gfn, 0x23000);
	assert_int_equal(d->map[0].first_mfn, 0x10000);
	assert_int_equal(d->map[0].nr_mfns, 16);
	assert_int_equal(d->map[0].add_mapping, DPCI_ADD_MAPPING);
	const void *t = tree_of(dom);
	int dev = fdt_path_offset(t, "/passthrough/ramdisk@23000000");
	assert_true(dev >= 0);
	const fdt64_t *reg = fdt_getprop(t, dev, "reg", NULL);
	assert_int_equal(fdt64_ld(&reg[0]), 0x23000000);
	assert_int_equal(fdt64_ld(&reg[1]), 16 * 4096);
}

static void test_tools_create_assigns_its_dt_devices_after_their_iomem_and_fails_with_them(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	cfg.nr_iomem = 1;
	cfg.iomem[0] = (struct gl_dom_iomem){ .base = 0x10000000, .pages = 1, .gfn = 0x23000 };
	cfg.nr_dtdev = 1;
	cfg.dtdev[0] = "/nic@a003000";
	domid_t dom = create(&cfg);
	int at = fake_call_index("assign_device");
	assert_true(at > fake_call_index("memory_mapping"));
	assert_string_equal(fake.call[at], "assign_device d1 /nic@a003000");
	assert_int_equal(dom, 1);
	cfg.dtdev[0] = "nic"; /* not a path */
	assert_int_equal(gl_tools_create(&cfg, &dom), -XEN_EINVAL);
	cfg.dtdev[0] = "/nic@a003000";
	fake.fail_call = "assign_device";
	fake.fail_rc = -XEN_EBUSY;
	assert_int_equal(gl_tools_create(&cfg, &dom), -XEN_EBUSY);
	assert_true(fake_call_index("destroydomain d2") >= 0); /* the half-built one is gone */
}

/* Xen maps at most 64 frames per memory_mapping: a 150-page device goes in three calls. */
static void test_tools_create_maps_a_large_device_64_frames_a_call(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	cfg.nr_iomem = 1;
	cfg.iomem[0] =
	    (struct gl_dom_iomem){ .base = 0x10000000, .pages = 150, .gfn = 0x23000, .compatible = "halcyon,ramdisk" };
	domid_t dom = create(&cfg);
	struct fake_dom *d = &fake.dom[dom];

	assert_int_equal(d->nr_perm, 1);
	assert_int_equal(d->perm[0].nr_mfns, 150);
	assert_int_equal(d->nr_map, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(d->map[i].first_gfn, 0x23000 + 64 * i);
		assert_int_equal(d->map[i].first_mfn, 0x10000 + 64 * i);
		assert_int_equal(d->map[i].nr_mfns, i < 2 ? 64 : 22);
	}
}

static void test_tools_create_loads_an_arm64_image_at_its_text_offset(void **state)
{
	(void)state;
	static uint8_t image[8192];
	const uint64_t text_offset = 0x80000, image_size = 0x3000;
	memcpy(image + 8, &text_offset, 8);
	memcpy(image + 16, &image_size, 8);
	memcpy(image + 56, "ARM\x64", 4);
	image[4096] = 0xa5; /* the second page lands too */
	struct gl_dom_cfg cfg = tiny();
	cfg.program = NULL;
	cfg.image = image;
	cfg.image_size = sizeof(image);
	domid_t dom = create(&cfg);
	assert_int_equal(fake.dom[dom].ctx.user_regs.pc64, 0x40080000);
	assert_memory_equal(fake_page(dom, 0x40080) + 56, "ARM\x64", 4);
	assert_int_equal(fake_page(dom, 0x40081)[0], 0xa5);
}

static void test_tools_destroy_asks_again_while_the_hypervisor_says_eagain(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	domid_t dom = create(&cfg);
	fake.nr_calls = 0;
	fake.destroy_eagain = 3;
	assert_int_equal(gl_tools_destroy(dom), 0);
	assert_false(fake.dom[dom].exists);
	unsigned asked = 0;
	for (unsigned i = 0; i < fake.nr_calls; i++)
		asked += strncmp(fake.call[i], "destroydomain", 13) == 0;
	assert_int_equal(asked, 4);
	assert_int_equal(gl_tools_destroy(dom), -XEN_ESRCH);
}

static void test_tools_state_of_a_missing_domain_is_esrch(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	struct gl_dom_state st;
	cfg.paused = true;
	domid_t a = create(&cfg), b = create(&cfg);
	assert_int_equal(gl_tools_state(a, &st), 0);
	assert_true(st.paused);
	assert_int_equal(st.tot_pages, 514);
	assert_int_equal(gl_tools_destroy(a), 0);
	/* getdomaininfo answers with the next domain (b): that is not the one asked about. */
	assert_int_equal(gl_tools_state(a, &st), -XEN_ESRCH);
	assert_int_equal(gl_tools_state(b, &st), 0);
}

static void test_tools_map_foreign_has_a_few_slots_and_checks_unmaps(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	domid_t dom = create(&cfg);
	uint64_t va[5];
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(gl_tools_map_foreign(dom, 0x40000 + i, &va[i]), 0);
		assert_int_equal(va[i] % 4096, 0);
	}
	assert_int_equal(gl_tools_map_foreign(dom, 0x40004, &va[4]), -XEN_ENOSPC);
	assert_int_equal(gl_tools_unmap_foreign(va[0] + 8), -XEN_EINVAL);
	assert_int_equal(gl_tools_unmap_foreign(DOM0_RAM), -XEN_EINVAL);
	assert_int_equal(gl_tools_unmap_foreign(va[1]), 0);
	assert_int_equal(gl_tools_unmap_foreign(va[1]), -XEN_EINVAL);
	assert_int_equal(gl_tools_map_foreign(dom, 0x40004, &va[4]), 0);
	assert_int_equal(va[4], va[1]);
	/* A frame the domain does not have is the hypervisor's error, and takes no slot. */
	assert_int_equal(gl_tools_unmap_foreign(va[4]), 0);
	assert_int_equal(gl_tools_map_foreign(dom, 0x80000, &va[1]), -XEN_EINVAL);
	assert_int_equal(gl_tools_map_foreign(dom, 0x40004, &va[4]), 0);
}

static void test_tools_pv_reads_back_the_wiring(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	struct gl_dom_pv pv;
	domid_t dom = create(&cfg);
	assert_int_equal(gl_tools_pv(dom, &pv), 0);
	assert_int_equal(pv.console_gfn, GL_TOOLS_CONSOLE_GFN);
	assert_int_equal(pv.store_gfn, GL_TOOLS_XENSTORE_GFN);
	assert_int_equal(pv.console_port, 1);
	assert_int_equal(pv.store_port, 2);
}

static void test_tools_physinfo_sees_a_domain_take_and_give_back_pages(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	uint64_t before, after, total;
	assert_int_equal(gl_tools_physinfo(&before, &total), 0);
	assert_int_equal(total, fake.total_pages);
	domid_t dom = create(&cfg);
	assert_int_equal(gl_tools_physinfo(&after, &total), 0);
	assert_int_equal(before - after, 514);
	assert_int_equal(gl_tools_destroy(dom), 0);
	assert_int_equal(gl_tools_physinfo(&after, &total), 0);
	assert_int_equal(after, before);
	fake.fail_call = "sysctl";
	fake.fail_rc = -XEN_EPERM;
	assert_int_equal(gl_tools_physinfo(&after, &total), -XEN_EPERM);
}

static void test_tools_calls_before_init_are_einval(void **state)
{
	(void)state;
	struct gl_dom_cfg cfg = tiny();
	struct gl_dom_state st;
	domid_t dom;
	uint64_t va;
	fake_reset();
	assert_int_equal(gl_tools_create(&cfg, &dom), -XEN_EINVAL);
	assert_int_equal(gl_tools_destroy(1), -XEN_EINVAL);
	assert_int_equal(gl_tools_state(1, &st), -XEN_EINVAL);
	assert_int_equal(gl_tools_map_foreign(1, 0x40000, &va), -XEN_EINVAL);
	assert_int_equal(gl_tools_physinfo(&va, &va), -XEN_EINVAL);
	assert_int_equal(fake.nr_calls, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_tools_init_balloons_out_the_top_of_its_ram),
		T(test_tools_create_builds_ram_magic_pages_and_pv_wiring),
		T(test_tools_create_loads_the_sim_image_and_tree_then_unpauses),
		T(test_tools_create_asks_for_gicv2_and_describes_it),
		T(test_tools_create_paused_leaves_the_domain_paused),
		T(test_tools_create_falls_back_to_pages_after_the_last_superpage),
		T(test_tools_create_out_of_memory_destroys_the_half_built_domain),
		T(test_tools_create_failing_step_destroys_the_domain_and_unmaps),
		T(test_tools_create_refused_by_the_hypervisor_returns_its_error),
		T(test_tools_create_rejects_configs_no_domain_could_boot),
		T(test_tools_create_gives_iomem_and_describes_the_device),
		T(test_tools_create_maps_a_large_device_64_frames_a_call),
		T(test_tools_create_assigns_its_dt_devices_after_their_iomem_and_fails_with_them),
		T(test_tools_create_loads_an_arm64_image_at_its_text_offset),
		T(test_tools_destroy_asks_again_while_the_hypervisor_says_eagain),
		T(test_tools_state_of_a_missing_domain_is_esrch),
		T(test_tools_map_foreign_has_a_few_slots_and_checks_unmaps),
		T(test_tools_pv_reads_back_the_wiring),
		T(test_tools_physinfo_sees_a_domain_take_and_give_back_pages),
		T(test_tools_calls_before_init_are_einval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
