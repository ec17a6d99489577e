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
#include "guests/lib/sim/runtime.h"
#include "guests/sim/programs.h"
#include "public/xen.h"

#define EC(esr)       ((unsigned)((esr) >> 26) & 0x3f)
#define RAM_SIZE      (16ull << 20)
#define TREE_IPA      (FIX_IPA + (2ull << 20))
#define CON_LIMIT     4096
#define ECHO_OP       77
#define TRAPPED_VALUE 0x42

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
	case ECHO_OP:
		/* Reads the guest's argument block and answers in it, as a hypercall with a buffer does. */
		s = guest_va(c, c->x[0]);
		if (!s)
			return -14;
		memcpy(&reason, s, sizeof(reason));
		reason += 1;
		memcpy((char *)s + 4, &reason, sizeof(reason));
		return 0;
	default: return -38;
	}
}

static bool fake_core(struct hal_vcpu_ctx *c, const struct hal_exit *e)
{
	switch (EC(e->esr)) {
	case 0x16:
		/* hvc #0 is the SMCCC conduit: PSCI_VERSION answers 1.1. */
		c->x[0] =
		    (e->esr & 0xffff) == 0 ? (c->x[0] == 0x84000000 ? 0x10001 : (uint64_t)-1) : (uint64_t)hypercall(c);
		return shutdown_reason < 0;
	case 0x24:
		aborts++;
		fix_inject_dabt(c, e->far);
		return true;
	case 0x18:
		/* A trapped MRS/MSR (CNTP_*): reads answer the Rt the syndrome names. */
		if (e->esr & 1)
			c->x[(e->esr >> 5) & 31] = TRAPPED_VALUE;
		c->pc += 4;
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

static int run(const struct sim_program *programs, unsigned n, const char *name, uint64_t seed, char *out, size_t len)
{
	struct sim_result r;

	fix_reset(programs, n);
	harness_plat.mem[0].size = 64ull << 20; /* room for 16 MiB of guest RAM, the tree above it */
	con_len = 0;
	shutdown_reason = -1;
	aborts = 0;
	fix.blocks = (unsigned)(RAM_SIZE >> 21);
	fix.program = name;
	fix.x0 = TREE_IPA;
	fix.prepare = guest_tree;
	fix.handle = fake_core;
	fix.seed = seed;
	int rc = fix_run(&r);
	con[con_len] = '\0';
	snprintf(out, len, "%s", con);
	return rc;
}

static int run_memtest(uint64_t seed, char *out, size_t len)
{
	return run(sim_guest_programs, sim_guest_program_count, "memtest", seed, out, len);
}

static int run_program(const struct sim_program *p, const char *name, char *out, size_t len)
{
	return run(p, 1, name, 1, out, len);
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

static uint64_t alloc_seen[4];

static void alloc_main(const void *fdt)
{
	uint64_t gva, gva2;
	uint32_t *p = gl_alloc(20, &gva);

	(void)fdt;
	p[0] = 0x1234;
	alloc_seen[0] = (uint64_t)gl_hypercall(ECHO_OP, gva, 0, 0, 0, 0);
	alloc_seen[1] = p[1];
	gl_alloc(1, &gva2);
	alloc_seen[2] = gva2 - gva;
	alloc_seen[3] = (uint64_t)gl_smccc(0x84000000, 0, 0, 0);
	gl_alloc(GL_SIM_ARENA_SIZE, &gva); /* more than is left: the guest ends */
	gl_printf("not reached\n");
}

static void alloc_entry(uint64_t image, uint64_t x0) { gl_sim_start(alloc_main, image, x0); }

static void test_alloc_gives_guest_ram_and_smccc_uses_hvc_0(void **state)
{
	static const struct sim_program alloc[] = { { "alloc", alloc_entry } };
	char out[CON_LIMIT];

	(void)state;
	assert_int_equal(run_program(alloc, "alloc", out, sizeof(out)), 0);
	assert_int_equal(alloc_seen[0], 0);
	assert_int_equal(alloc_seen[1], 0x1235); /* what the hypervisor wrote, read through the pointer */
	assert_int_equal(alloc_seen[2], 32);     /* 16-byte granules */
	assert_int_equal(alloc_seen[3], 0x10001);
	assert_non_null(strstr(out, "(d1) guest: gl_alloc(16384): arena exhausted\n"));
	assert_null(strstr(out, "not reached"));
	assert_int_equal(shutdown_reason, SHUTDOWN_crash);
}

/* The library's interrupt calls: a pending virtual IRQ waits while PSTATE.I is set, is taken by
 * gl_irq_vector's function once gl_irq_unmask clears it, and the timer registers answer. */
static uint64_t irq_seen[8];
static unsigned nirq;

static void irq_fn(void)
{
	uint32_t iar = (uint32_t)gl_sysreg_read(GL_ICC_IAR1_EL1);
	irq_seen[nirq++ % 8] = iar;
	gl_sysreg_write(GL_ICC_EOIR1_EL1, iar);
}

static uint64_t lib_seen[8];

static void irqlib_main(const void *fdt)
{
	(void)fdt;
	gl_irq_vector(irq_fn);
	gl_sysreg_read(GL_CNTVCT_EL0);
	lib_seen[0] = nirq; /* masked: nothing yet */
	gl_irq_unmask();
	gl_sysreg_read(GL_CNTVCT_EL0);
	lib_seen[1] = nirq;
	gl_irq_mask();
	lib_seen[2] = gl_sysreg_read(GL_CNTP_CTL_EL0); /* trapped: the core's value */
	gl_sysreg_write(GL_CNTV_TVAL_EL0, 100);
	gl_sysreg_write(GL_CNTV_CTL_EL0, 3); /* enabled, masked: ISTATUS without an interrupt */
	while (!(gl_sysreg_read(GL_CNTV_CTL_EL0) & 4))
		;
	lib_seen[3] = gl_sysreg_read(GL_CNTFRQ_EL0);
	gl_printf("irqlib done\n");
}

static void irqlib_entry(uint64_t image, uint64_t x0) { gl_sim_start(irqlib_main, image, x0); }

static void irqlib_prepare(void)
{
	guest_tree();
	fix.ctx.vgic.hcr = HAL_VGIC_HCR_EN;
	fix.ctx.vgic.vmcr = 0xffu << 24 | 1u << 1;
	fix.ctx.vgic.lr[0] = HAL_LR_PENDING | HAL_LR_GROUP1 | 0x80ull << HAL_LR_PRIO_SHIFT | 31;
	fix.ctx.vgic.nr_lr = 1;
}

static void test_irq_calls_take_a_virtual_irq_only_once_unmasked(void **state)
{
	static const struct sim_program irqlib[] = { { "irqlib", irqlib_entry } };
	char out[CON_LIMIT];
	struct sim_result r;

	(void)state;
	fix_reset(irqlib, 1);
	harness_plat.mem[0].size = 64ull << 20;
	con_len = 0;
	shutdown_reason = -1;
	nirq = 0;
	fix.blocks = (unsigned)(RAM_SIZE >> 21);
	fix.program = "irqlib";
	fix.x0 = TREE_IPA;
	fix.prepare = irqlib_prepare;
	fix.handle = fake_core;
	assert_int_equal(fix_run(&r), 0);
	con[con_len] = '\0';
	snprintf(out, sizeof(out), "%s", con);
	assert_non_null(strstr(out, "(d1) irqlib done\n"));
	assert_int_equal(lib_seen[0], 0);
	assert_int_equal(lib_seen[1], 1);
	assert_int_equal(irq_seen[0], 31);
	assert_int_equal(lib_seen[2], TRAPPED_VALUE);
	assert_int_equal(lib_seen[3], SIM_COUNTER_HZ);
	assert_int_equal(shutdown_reason, SHUTDOWN_poweroff);
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
		cmocka_unit_test(test_alloc_gives_guest_ram_and_smccc_uses_hvc_0),
		cmocka_unit_test(test_irq_calls_take_a_virtual_irq_only_once_unmasked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
