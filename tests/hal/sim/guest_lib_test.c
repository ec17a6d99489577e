/* The sim guest library and the program registry without the core: memtest, started from its
 * image like any kernel, against a fake core that serves console_io and sched_op and injects a
 * data abort for a stage-2 fault, as Xen does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "guest_fixture.h"
#include "guests/sim/programs.h"
#include "public/xen.h"

#define EC(esr)   ((unsigned)((esr) >> 26) & 0x3f)
#define RAM_SIZE  (16ull << 20)
#define TREE_IPA  (FIX_IPA + (2ull << 20))
#define CON_LIMIT 4096

static char con[CON_LIMIT];
static size_t con_len;
static int64_t shutdown_reason;
static unsigned aborts;

/* What copy_from_guest does: the vCPU's stage 1 (AT), then this domain's stage 2. */
static void *guest_va(struct hal_vcpu_ctx *c, uint64_t va)
{
	ipa_t ipa;

	if (!hal_vcpu_va_to_ipa(c, va, false, &ipa) || ipa_addr(ipa) < FIX_IPA || ipa_addr(ipa) >= FIX_IPA + RAM_SIZE)
		return NULL;
	return fix_guest_ram(ipa_addr(ipa));
}

static long hypercall(struct hal_vcpu_ctx *c)
{
	const char *s;
	uint32_t reason;

	switch (c->x[16]) {
	case __HYPERVISOR_console_io:
		s = guest_va(c, c->x[2]);
		if (c->x[0] != CONSOLEIO_write || !s || c->x[1] > 512)
			return -14;
		for (size_t i = 0; i < c->x[1] && con_len < CON_LIMIT - 8; i++) {
			if (con_len == 0 || con[con_len - 1] == '\n')
				con_len += (size_t)snprintf(con + con_len, CON_LIMIT - con_len, "(d1) ");
			con[con_len++] = s[i];
		}
		return 0;
	case __HYPERVISOR_sched_op:
		s = guest_va(c, c->x[1]);
		if (c->x[0] != SCHEDOP_shutdown || !s)
			return -14;
		memcpy(&reason, s, sizeof(reason));
		shutdown_reason = reason;
		return 0;
	default: return -38;
	}
}

static bool fake_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	switch (EC(e->esr)) {
	case 0x16: c->x[0] = (uint64_t)hypercall(c); return shutdown_reason < 0;
	case 0x24:
		aborts++;
		fix_inject_dabt(c, e->far);
		return true;
	default: return false;
	}
}

/* The guest's tree as the core writes it: /memory with the RAM bank, 2 MiB above the kernel. */
static void guest_tree(void)
{
	char tree[1024];
	fdt32_t reg[4] = { 0, cpu_to_fdt32((uint32_t)FIX_IPA), 0, cpu_to_fdt32((uint32_t)RAM_SIZE) };

	assert_int_equal(fdt_create_empty_tree(tree, sizeof(tree)), 0);
	fdt_setprop_u32(tree, 0, "#address-cells", 2);
	fdt_setprop_u32(tree, 0, "#size-cells", 2);
	int node = fdt_add_subnode(tree, 0, "memory@40000000");
	fdt_setprop_string(tree, node, "device_type", "memory");
	fdt_setprop(tree, node, "reg", reg, sizeof(reg));
	fdt_pack(tree);
	memcpy(fix_guest_ram(TREE_IPA), tree, fdt_totalsize(tree));
}

static int run_memtest(uint64_t seed, char *out, size_t len)
{
	struct sim_result r;

	fix_reset(sim_guest_programs, sim_guest_program_count);
	harness_plat.mem[0].size = 64ull << 20; /* room for 16 MiB of guest RAM, the tree above it */
	con_len = 0;
	shutdown_reason = -1;
	aborts = 0;
	fix.blocks = (unsigned)(RAM_SIZE >> 21);
	fix.program = "memtest";
	fix.x0 = TREE_IPA;
	fix.prepare = guest_tree;
	fix.handle = fake_core;
	fix.seed = seed;
	int rc = fix_run(&r);
	con[con_len] = '\0';
	snprintf(out, len, "%s", con);
	return rc;
}

static void test_memtest_passes_on_the_sim(void **state)
{
	char out[CON_LIMIT];

	(void)state;
	assert_int_equal(run_memtest(1, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "(d1) memtest: RAM 0x40000000-0x40ffffff\n"));
	assert_non_null(strstr(out, "(d1) memtest: PASS: RAM keeps written patterns\n"));
	assert_non_null(strstr(out, "(d1) memtest: PASS: unmapped IPA load gives a data abort\n"));
	assert_non_null(strstr(out, "(d1) memtest: PASS: FAR_EL1 holds the faulting address\n"));
	assert_non_null(strstr(out, "(d1) memtest: all passed\n"));
	assert_int_equal(shutdown_reason, SHUTDOWN_poweroff);
	assert_int_equal(aborts, 1);
}

static void test_same_seed_same_output(void **state)
{
	char a[CON_LIMIT], b[CON_LIMIT];

	(void)state;
	run_memtest(5, a, sizeof(a));
	run_memtest(5, b, sizeof(b));
	assert_non_null(strstr(a, "memtest: all passed"));
	assert_string_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memtest_passes_on_the_sim),
		cmocka_unit_test(test_same_seed_same_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
