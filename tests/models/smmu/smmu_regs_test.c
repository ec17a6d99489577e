/* The register file (IHI 0070 chapter 6): ID values, CR0/CR0ACK, CR1/CR2, GBPA, IRQ_CTRL, GERRORN,
 * the base registers by halves and whole, what each enable freezes, and the access checks. */
#include "smmu_testlib.h"

static int setup(void **state)
{
	*state = t_new(48);
	return 0;
}

static int teardown(void **state)
{
	t_free(*state);
	return 0;
}

static void test_idr0_advertises_stage2_only_aa64_2level_tables(void **state)
{
	struct t_env *e = *state;
	uint32_t idr0 = (uint32_t)t_rd(e, SMMU_IDR0);

	assert_int_equal(idr0 & 3, 1);                    /* S2P=1, S1P=0 */
	assert_int_equal((idr0 >> 2) & 3, 2);             /* TTF: AArch64 */
	assert_int_equal((idr0 >> 4) & 1, 1);             /* COHACC */
	assert_int_equal((idr0 >> 13) & 1, 0);            /* MSI: none */
	assert_int_equal((idr0 >> 18) & 1, 1);            /* VMID16 */
	assert_int_equal((idr0 >> 21) & 3, 2);            /* TTENDIAN: little */
	assert_int_equal((idr0 >> 24) & 3, 1);            /* STALL_MODEL: no stalls */
	assert_int_equal((idr0 >> 27) & 3, 1);            /* ST_LEVEL: 2-level */
	assert_int_equal(idr0 & (1u << 9 | 1u << 10), 0); /* no HYP, no ATS */
}

static void test_idr1_idr5_give_sid_queue_sizes_and_oas(void **state)
{
	struct t_env *e = *state;
	uint32_t idr1 = (uint32_t)t_rd(e, SMMU_IDR1), idr5 = (uint32_t)t_rd(e, SMMU_IDR5);

	assert_int_equal(idr1 & 0x3f, 16);
	assert_int_equal((idr1 >> 16) & 0x1f, 19);
	assert_int_equal((idr1 >> 21) & 0x1f, 19);
	assert_int_equal(idr5 & 7, 5);           /* 48 bits */
	assert_int_equal((idr5 >> 4) & 7, 1);    /* 4 KiB granule only */
	assert_int_equal(t_rd(e, SMMU_AIDR), 1); /* SMMUv3.1 */
	assert_int_equal(t_rd(e, SMMU_IDR2) | t_rd(e, SMMU_IDR3) | t_rd(e, SMMU_IDR4), 0);

	struct t_env *e44 = t_new(44);
	assert_int_equal(t_rd(e44, SMMU_IDR5) & 7, 4);
	t_free(e44);
}

static bool no_read(void *ctx, uint64_t pa, void *buf, unsigned len)
{
	(void)ctx, (void)pa, (void)buf, (void)len;
	return false;
}

static bool no_write(void *ctx, uint64_t pa, const void *buf, unsigned len)
{
	(void)ctx, (void)pa, (void)buf, (void)len;
	return false;
}

static void test_create_refuses_unmodelled_oas_or_missing_memory(void **state)
{
	struct smmu_config cfg = { .oas_bits = 40 };
	struct smmu_mem mem = { .read = no_read, .write = no_write };
	(void)state;

	assert_null(smmu_create(&cfg, mem, NULL));
	cfg.oas_bits = 44;
	struct smmu *s = smmu_create(&cfg, mem, NULL); /* no ops: lines are only readable */
	assert_non_null(s);
	smmu_destroy(s);
	mem.write = NULL;
	assert_null(smmu_create(&cfg, mem, NULL));
}

static void test_id_registers_ignore_writes(void **state)
{
	struct t_env *e = *state;
	uint64_t idr0 = t_rd(e, SMMU_IDR0);

	t_wr(e, SMMU_IDR0, 0);
	t_wr(e, SMMU_IDR5, 0);
	assert_int_equal(t_rd(e, SMMU_IDR0), idr0);
	assert_int_equal(t_rd(e, SMMU_IDR5) & 7, 5);
}

static void test_cr0_keeps_implemented_bits_and_cr0ack_follows(void **state)
{
	struct t_env *e = *state;

	assert_int_equal(t_rd(e, SMMU_CR0), 0);
	t_wr(e, SMMU_CR0, 0xffffffff);
	assert_int_equal(t_rd(e, SMMU_CR0), SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN);
	assert_int_equal(t_rd(e, SMMU_CR0ACK), SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN);
	t_wr(e, SMMU_CR0, SMMU_CR0_CMDQEN);
	assert_int_equal(t_rd(e, SMMU_CR0ACK), SMMU_CR0_CMDQEN);
	t_wr(e, SMMU_CR0ACK, 0); /* read-only */
	assert_int_equal(t_rd(e, SMMU_CR0ACK), SMMU_CR0_CMDQEN);
}

static void test_cr1_writable_only_with_everything_off(void **state)
{
	struct t_env *e = *state;

	t_wr(e, SMMU_CR1, 0xffffffff);
	assert_int_equal(t_rd(e, SMMU_CR1), 0xfff);
	t_wr(e, SMMU_CR0, SMMU_CR0_EVENTQEN);
	t_wr(e, SMMU_CR1, 0x555);
	assert_int_equal(t_rd(e, SMMU_CR1), 0xfff);
	t_wr(e, SMMU_CR0, 0);
	t_wr(e, SMMU_CR1, 0x555);
	assert_int_equal(t_rd(e, SMMU_CR1), 0x555);
}

static void test_cr2_frozen_while_smmuen(void **state)
{
	struct t_env *e = *state;

	t_wr(e, SMMU_CR2, 0xff);
	assert_int_equal(t_rd(e, SMMU_CR2), 7);
	t_wr(e, SMMU_CR0, SMMU_CR0_SMMUEN);
	t_wr(e, SMMU_CR2, 0);
	assert_int_equal(t_rd(e, SMMU_CR2), 7);
}

static void test_gbpa_changes_only_with_update_which_reads_zero(void **state)
{
	struct t_env *e = *state;

	assert_int_equal(t_rd(e, SMMU_GBPA), 0); /* bypass at reset (configured) */
	t_wr(e, SMMU_GBPA, SMMU_GBPA_ABORT);     /* no Update: ignored */
	assert_int_equal(t_rd(e, SMMU_GBPA), 0);
	t_wr(e, SMMU_GBPA, SMMU_GBPA_UPDATE | SMMU_GBPA_ABORT | 0x1000);
	assert_int_equal(t_rd(e, SMMU_GBPA), SMMU_GBPA_ABORT | 0x1000);

	struct t_env *ea = t_new_cfg(48, true);
	assert_int_equal(t_rd(ea, SMMU_GBPA), SMMU_GBPA_ABORT);
	t_free(ea);
}

static void test_irq_ctrl_ack_mirrors_implemented_enables(void **state)
{
	struct t_env *e = *state;

	t_wr(e, SMMU_IRQ_CTRL, 7);
	assert_int_equal(t_rd(e, SMMU_IRQ_CTRL), 5); /* no PRI queue */
	assert_int_equal(t_rd(e, SMMU_IRQ_CTRLACK), 5);
}

static void test_64bit_base_registers_by_halves_and_whole(void **state)
{
	struct t_env *e = *state;
	uint64_t v;

	t_wr(e, SMMU_STRTAB_BASE, 0x12345678);
	t_wr(e, SMMU_STRTAB_BASE + 4, 0xffffffff);
	assert_int_equal(smmu_mmio_read(e->s, SMMU_STRTAB_BASE, 8, &v), SMMU_OK);
	/* RA (62) and ADDR[51:6] stay; the rest is RES0. */
	assert_int_equal(v, (0xffffffff12345678ull & (0x000fffffffffffc0ull | 1ull << 62)));
	assert_int_equal(t_rd(e, SMMU_STRTAB_BASE + 4), v >> 32);

	t_wr64(e, SMMU_CMDQ_BASE, 0xfff0000040001013ull);
	assert_int_equal(smmu_mmio_read(e->s, SMMU_CMDQ_BASE, 8, &v), SMMU_OK);
	assert_int_equal(v, 0x4000000040001013ull);
	t_wr64(e, SMMU_EVENTQ_BASE, 0x40002005ull);
	assert_int_equal(t_rd(e, SMMU_EVENTQ_BASE), 0x40002005ull);
}

static void test_bases_frozen_while_their_unit_is_enabled(void **state)
{
	struct t_env *e = *state;

	t_wr64(e, SMMU_STRTAB_BASE, 0x40000000);
	t_wr(e, SMMU_STRTAB_BASE_CFG, SMMU_STRTAB_CFG(1, 8, 16));
	t_wr64(e, SMMU_CMDQ_BASE, 0x40010004);
	t_wr64(e, SMMU_EVENTQ_BASE, 0x40020004);
	t_wr(e, SMMU_CR0, SMMU_CR0_SMMUEN | SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
	t_wr64(e, SMMU_STRTAB_BASE, 0x50000000);
	t_wr(e, SMMU_STRTAB_BASE_CFG, 0);
	t_wr64(e, SMMU_CMDQ_BASE, 0x50010004);
	t_wr64(e, SMMU_EVENTQ_BASE, 0x50020004);
	t_wr(e, SMMU_CMDQ_CONS, 3);
	t_wr(e, SMMU_EVENTQ_PROD, 3);
	assert_int_equal(t_rd(e, SMMU_STRTAB_BASE), 0x40000000);
	assert_int_equal(t_rd(e, SMMU_STRTAB_BASE_CFG), (1u << 16) | (8u << 6) | 16);
	assert_int_equal(t_rd(e, SMMU_CMDQ_BASE), 0x40010004);
	assert_int_equal(t_rd(e, SMMU_EVENTQ_BASE), 0x40020004);
	assert_int_equal(t_rd(e, SMMU_CMDQ_CONS), 0);
	assert_int_equal(t_rd(e, SMMU_EVENTQ_PROD), 0);
}

static void test_event_queue_pointers_live_in_page1(void **state)
{
	struct t_env *e = *state;

	t_wr(e, SMMU_EVENTQ_PROD, 0x5);
	t_wr(e, SMMU_EVENTQ_CONS, 0x80000003);
	assert_int_equal(t_rd(e, SMMU_EVENTQ_PROD), 5);
	assert_int_equal(t_rd(e, SMMU_EVENTQ_CONS), 0x80000003);
	/* Page 0 at the same offsets is reserved. */
	assert_int_equal(t_rd(e, 0xa8), 0);
	assert_int_equal(t_rd(e, 0xac), 0);
	t_wr(e, 0xa8, 7);
	assert_int_equal(t_rd(e, SMMU_EVENTQ_PROD), 5);
}

static void test_cmdq_cons_err_field_readable_and_settable_while_off(void **state)
{
	struct t_env *e = *state;

	t_wr(e, SMMU_CMDQ_CONS, 0x02000007);
	assert_int_equal(t_rd(e, SMMU_CMDQ_CONS), 0x02000007);
}

static void test_gerrorn_keeps_implemented_bits_and_gerror_is_readonly(void **state)
{
	struct t_env *e = *state;

	t_wr(e, SMMU_GERRORN, 0xffffffff);
	assert_int_equal(t_rd(e, SMMU_GERRORN), SMMU_GERROR_CMDQ_ERR | SMMU_GERROR_EVENTQ_ABT_ERR);
	t_wr(e, SMMU_GERROR, 0xffffffff);
	assert_int_equal(t_rd(e, SMMU_GERROR), 0);
	/* GERRORN != GERROR: both errors "active" from software's writes; the line says so. */
	t_wr(e, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN);
	assert_true(smmu_irq_line(e->s, SMMU_IRQ_GERROR));
	assert_true(e->line[SMMU_IRQ_GERROR]);
	t_wr(e, SMMU_GERRORN, 0);
	assert_false(e->line[SMMU_IRQ_GERROR]);
}

static void test_bad_widths_alignment_and_offsets_are_reported(void **state)
{
	struct t_env *e = *state;
	uint64_t v;

	assert_int_equal(smmu_mmio_read(e->s, SMMU_CR0, 8, &v), SMMU_BAD_SIZE);
	assert_int_equal(smmu_mmio_read(e->s, SMMU_CR0, 2, &v), SMMU_BAD_SIZE);
	assert_int_equal(smmu_mmio_write(e->s, SMMU_CR0, 1, 1), SMMU_BAD_SIZE);
	assert_int_equal(smmu_mmio_read(e->s, SMMU_CR0 + 2, 4, &v), SMMU_BAD_ALIGN);
	assert_int_equal(smmu_mmio_read(e->s, SMMU_STRTAB_BASE + 4, 8, &v), SMMU_BAD_ALIGN);
	assert_int_equal(smmu_mmio_read(e->s, SMMU_MMIO_SIZE, 4, &v), SMMU_BAD_OFFSET);
	assert_int_equal(smmu_mmio_write(e->s, SMMU_MMIO_SIZE + 8, 8, 0), SMMU_BAD_OFFSET);
	assert_int_equal(t_rd(e, 0x1000), 0); /* reserved: RAZ */
	assert_int_equal(t_rd(e, SMMU_CR0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_idr0_advertises_stage2_only_aa64_2level_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idr1_idr5_give_sid_queue_sizes_and_oas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_refuses_unmodelled_oas_or_missing_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_registers_ignore_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cr0_keeps_implemented_bits_and_cr0ack_follows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cr1_writable_only_with_everything_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cr2_frozen_while_smmuen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gbpa_changes_only_with_update_which_reads_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_ctrl_ack_mirrors_implemented_enables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_64bit_base_registers_by_halves_and_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bases_frozen_while_their_unit_is_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_queue_pointers_live_in_page1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdq_cons_err_field_readable_and_settable_while_off, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gerrorn_keeps_implemented_bits_and_gerror_is_readonly, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_widths_alignment_and_offsets_are_reported, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
