/* Test support for the SMMU model (see smmu_testlib.h). */
#include <stdlib.h>
#include <string.h>

#include "smmu_testlib.h"

static bool backed(const struct t_env *e, uint64_t pa, unsigned len)
{
	if (pa < T_RAM_BASE || pa + len > T_RAM_BASE + T_RAM_SIZE)
		return false;
	return pa + len <= e->hole_lo || pa >= e->hole_hi;
}

static bool mem_read(void *ctx, uint64_t pa, void *buf, unsigned len)
{
	struct t_env *e = ctx;
	if (!backed(e, pa, len))
		return false;
	memcpy(buf, e->ram + (pa - T_RAM_BASE), len);
	return true;
}

static bool mem_write(void *ctx, uint64_t pa, const void *buf, unsigned len)
{
	struct t_env *e = ctx;
	if (!backed(e, pa, len))
		return false;
	memcpy(e->ram + (pa - T_RAM_BASE), buf, len);
	return true;
}

static void on_irq(void *opaque, enum smmu_irq line, bool level)
{
	struct t_env *e = opaque;
	assert_true(e->line[line] != level); /* only changes are reported */
	e->line[line] = level;
	if (level)
		e->rises[line]++;
}

static void on_sev(void *opaque) { ((struct t_env *)opaque)->sevs++; }

struct t_env *t_new(unsigned oas) { return t_new_cfg(oas, false); }

struct t_env *t_new_cfg(unsigned oas, bool gbpa_abort)
{
	struct t_env *e = calloc(1, sizeof(*e));
	assert_non_null(e);
	e->ram = calloc(1, T_RAM_SIZE);
	assert_non_null(e->ram);
	e->next = T_RAM_BASE;
	struct smmu_config cfg = { .oas_bits = oas, .gbpa_abort = gbpa_abort };
	struct smmu_mem mem = { .read = mem_read, .write = mem_write, .ctx = e };
	struct smmu_ops ops = { .irq = on_irq, .sev = on_sev, .opaque = e };
	e->s = smmu_create(&cfg, mem, &ops);
	assert_non_null(e->s);
	return e;
}

void t_free(struct t_env *e)
{
	smmu_destroy(e->s);
	free(e->ram);
	free(e);
}

uint64_t t_alloc(struct t_env *e, size_t bytes)
{
	size_t a = 64;
	while (a < bytes)
		a <<= 1;
	uint64_t pa = (e->next + a - 1) & ~(uint64_t)(a - 1);
	assert_true(pa + bytes <= T_RAM_BASE + T_RAM_SIZE);
	e->next = pa + bytes;
	memset(e->ram + (pa - T_RAM_BASE), 0, bytes);
	return pa;
}

void t_w64(struct t_env *e, uint64_t pa, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		e->ram[pa - T_RAM_BASE + i] = (uint8_t)(v >> (8 * i));
}

uint64_t t_r64(const struct t_env *e, uint64_t pa)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | e->ram[pa - T_RAM_BASE + i];
	return v;
}

uint64_t t_rd(struct t_env *e, uint64_t off)
{
	uint64_t v;
	assert_int_equal(smmu_mmio_read(e->s, off, 4, &v), SMMU_OK);
	return v;
}

void t_wr(struct t_env *e, uint64_t off, uint64_t v) { assert_int_equal(smmu_mmio_write(e->s, off, 4, v), SMMU_OK); }

void t_wr64(struct t_env *e, uint64_t off, uint64_t v) { assert_int_equal(smmu_mmio_write(e->s, off, 8, v), SMMU_OK); }

void t_up(struct t_env *e, unsigned log2size)
{
	e->strtab = t_alloc(e, (size_t)64 << log2size);
	e->cmdq_log2 = 4;
	e->evtq_log2 = 3;
	e->cmdq = t_alloc(e, 16u << e->cmdq_log2);
	e->evtq = t_alloc(e, 32u << e->evtq_log2);
	t_wr64(e, SMMU_STRTAB_BASE, e->strtab);
	t_wr(e, SMMU_STRTAB_BASE_CFG, SMMU_STRTAB_CFG(SMMU_STRTAB_FMT_LINEAR, 0, log2size));
	t_wr64(e, SMMU_CMDQ_BASE, SMMU_Q_BASE(e->cmdq, e->cmdq_log2));
	t_wr64(e, SMMU_EVENTQ_BASE, SMMU_Q_BASE(e->evtq, e->evtq_log2));
	t_wr(e, SMMU_CMDQ_PROD, 0);
	t_wr(e, SMMU_CMDQ_CONS, 0);
	t_wr(e, SMMU_EVENTQ_PROD, 0);
	t_wr(e, SMMU_EVENTQ_CONS, 0);
	t_wr(e, SMMU_IRQ_CTRL, SMMU_IRQ_CTRL_GERROR_IRQEN | SMMU_IRQ_CTRL_EVENTQ_IRQEN);
	t_wr(e, SMMU_CR0, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN);
	t_wr(e, SMMU_CR0, SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN);
	assert_int_equal(t_rd(e, SMMU_CR0ACK), SMMU_CR0_CMDQEN | SMMU_CR0_EVENTQEN | SMMU_CR0_SMMUEN);
}

void t_ste(struct t_env *e, uint32_t sid, uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3)
{
	uint64_t pa = e->strtab + (uint64_t)sid * 64;
	t_w64(e, pa, d0);
	t_w64(e, pa + 8, d1);
	t_w64(e, pa + 16, d2);
	t_w64(e, pa + 24, d3);
}

uint64_t t_s2_d2(uint16_t vmid, unsigned t0sz, unsigned sl0, uint64_t extra_d2)
{
	return SMMU_STE_S2VMID(vmid) | SMMU_STE_S2T0SZ(t0sz) | SMMU_STE_S2SL0(sl0) | SMMU_STE_S2IR0(1) |
	       SMMU_STE_S2OR0(1) | SMMU_STE_S2SH0(3) | SMMU_STE_S2TG(0) | SMMU_STE_S2PS(5) | SMMU_STE_S2AA64 |
	       SMMU_STE_S2R | extra_d2;
}

void t_ste_s2(struct t_env *e, uint32_t sid, uint16_t vmid, uint64_t ttb, unsigned t0sz, unsigned sl0,
	      uint64_t extra_d2)
{
	t_ste(e, sid, SMMU_STE_V | SMMU_STE_CFG(SMMU_STE_CFG_S2), 0, t_s2_d2(vmid, t0sz, sl0, extra_d2), ttb);
}

void t_cmd_noprod(struct t_env *e, uint32_t prod, uint64_t d0, uint64_t d1)
{
	uint64_t pa = e->cmdq + 16 * (prod & ((1u << e->cmdq_log2) - 1));
	t_w64(e, pa, d0);
	t_w64(e, pa + 8, d1);
}

void t_cmd(struct t_env *e, uint64_t d0, uint64_t d1)
{
	uint32_t prod = (uint32_t)t_rd(e, SMMU_CMDQ_PROD);
	t_cmd_noprod(e, prod, d0, d1);
	t_wr(e, SMMU_CMDQ_PROD, (prod + 1) & ((2u << e->cmdq_log2) - 1));
}

unsigned t_evt_count(struct t_env *e)
{
	uint32_t m = (2u << e->evtq_log2) - 1;
	uint32_t p = (uint32_t)t_rd(e, SMMU_EVENTQ_PROD) & m, c = (uint32_t)t_rd(e, SMMU_EVENTQ_CONS) & m;
	return (p - c) & m;
}

void t_evt_pop(struct t_env *e, uint64_t rec[4])
{
	uint32_t cons = (uint32_t)t_rd(e, SMMU_EVENTQ_CONS);
	uint32_t m = (2u << e->evtq_log2) - 1;
	assert_true(t_evt_count(e) > 0);
	uint64_t pa = e->evtq + 32 * (cons & ((1u << e->evtq_log2) - 1));
	for (int i = 0; i < 4; i++)
		rec[i] = t_r64(e, pa + 8 * i);
	t_wr(e, SMMU_EVENTQ_CONS, (cons & SMMU_EVTQ_OVFLG) | ((cons + 1) & m));
}

static unsigned shift_of(unsigned level) { return 12 + 9 * (3 - level); }

void t_tt_init(struct t_tt *t, struct t_env *e, unsigned inbits, unsigned start)
{
	unsigned bits = inbits - shift_of(start);
	t->e = e;
	t->inbits = inbits;
	t->start = start;
	t->root = t_alloc(e, (size_t)8 << bits);
}

uint64_t t_tt_slot(struct t_tt *t, uint64_t ipa, unsigned level)
{
	uint64_t table = t->root;
	for (unsigned l = t->start;; l++) {
		unsigned bits = l == t->start ? t->inbits - shift_of(l) : 9;
		uint64_t slot = table + ((ipa >> shift_of(l)) & ((1ull << bits) - 1)) * 8;
		if (l == level)
			return slot;
		uint64_t d = t_r64(t->e, slot);
		if ((d & 3) != 3) {
			uint64_t next = t_alloc(t->e, 4096);
			t_w64(t->e, slot, next | 3);
			d = next | 3;
		}
		table = d & 0x0000fffffffff000ull;
	}
}

void t_tt_map(struct t_tt *t, uint64_t ipa, uint64_t pa, unsigned level, uint64_t attrs)
{
	t_w64(t->e, t_tt_slot(t, ipa, level), pa | attrs | (level == 3 ? 3 : 1));
}

uint64_t t_xlate_ok(struct t_env *e, uint32_t sid, uint64_t addr, bool write)
{
	struct smmu_txn txn = { .addr = addr, .sid = sid, .size = 4, .write = write };
	struct smmu_result r;
	assert_true(smmu_translate(e->s, &txn, &r));
	assert_int_equal(r.event, SMMU_EVT_NONE);
	return r.pa;
}

uint8_t t_xlate_fault(struct t_env *e, uint32_t sid, uint64_t addr, bool write)
{
	struct smmu_txn txn = { .addr = addr, .sid = sid, .size = 4, .write = write };
	struct smmu_result r;
	assert_false(smmu_translate(e->s, &txn, &r));
	assert_false(r.bad_request);
	return r.event;
}
