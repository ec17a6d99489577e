/* Test support for the MMU model: RAM bus with a hole, table builder, access constructors. */
#include "mmu_testlib.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static bool tram_read(void *ctx, uint64_t pa, uint64_t *val)
{
	struct tram *t = ctx;
	if (pa < t->base || pa + 8 > t->base + t->size || (pa >= t->hole_lo && pa < t->hole_hi))
		return false;
	memcpy(val, t->mem + (pa - t->base), 8);
	return true;
}

void tram_init(struct tram *t, uint64_t base, size_t size)
{
	memset(t, 0, sizeof(*t));
	t->base = base;
	t->size = size;
	t->mem = calloc(1, size);
	assert(t->mem);
}

void tram_free(struct tram *t) { free(t->mem); }

struct mmu_bus tram_bus(struct tram *t) { return (struct mmu_bus){ .read64 = tram_read, .ctx = t }; }

uint64_t tram_alloc(struct tram *t, size_t bytes)
{
	size_t at = (t->next + bytes - 1) & ~(bytes - 1);
	assert(at + bytes <= t->size);
	t->next = at + bytes;
	memset(t->mem + at, 0, bytes);
	return t->base + at;
}

void tram_write64(struct tram *t, uint64_t pa, uint64_t v)
{
	assert(pa >= t->base && pa + 8 <= t->base + t->size);
	memcpy(t->mem + (pa - t->base), &v, 8);
}

uint64_t tram_read64(const struct tram *t, uint64_t pa)
{
	uint64_t v;
	assert(pa >= t->base && pa + 8 <= t->base + t->size);
	memcpy(&v, t->mem + (pa - t->base), 8);
	return v;
}

unsigned tt_shift(const struct tt *t, unsigned level) { return t->gran + (t->gran - 3) * (3 - level); }

void tt_init(struct tt *t, struct tram *ram, unsigned gran, unsigned inbits, unsigned start)
{
	t->ram = ram;
	t->gran = gran;
	t->inbits = inbits;
	t->start = start;
	t->ta_offset = 0;
	unsigned bits = inbits - tt_shift(t, start);
	size_t bytes = (size_t)8 << bits;
	t->root = tram_alloc(ram, bytes < 64 ? 64 : bytes);
}

uint64_t tt_slot(struct tt *t, uint64_t ia, unsigned level)
{
	uint64_t table = t->root;
	for (unsigned l = t->start;; l++) {
		unsigned shift = tt_shift(t, l);
		unsigned bits = l == t->start ? t->inbits - shift : t->gran - 3;
		uint64_t slot = table + (((ia >> shift) & ((1ull << bits) - 1)) << 3);
		if (l == level)
			return slot;
		uint64_t d = tram_read64(t->ram, slot);
		if ((d & 3) != 3) {
			uint64_t next = tram_alloc(t->ram, (size_t)1 << t->gran);
			d = (next + t->ta_offset) | 3;
			tram_write64(t->ram, slot, d);
		}
		table = (d & 0x0000fffffffff000ull & ~((1ull << t->gran) - 1)) - t->ta_offset;
	}
}

void tt_map(struct tt *t, uint64_t ia, uint64_t oa, unsigned level, uint64_t attrs)
{
	tram_write64(t->ram, tt_slot(t, ia, level), oa | attrs | (level == 3 ? 3u : 1u));
}

struct mmu_access acc_load(uint64_t va, unsigned el)
{
	return (struct mmu_access){ .va = va, .type = MMU_LOAD, .el = (uint8_t)el, .size = 8 };
}

struct mmu_access acc_store(uint64_t va, unsigned el)
{
	return (struct mmu_access){ .va = va, .type = MMU_STORE, .el = (uint8_t)el, .size = 8 };
}

struct mmu_access acc_fetch(uint64_t va, unsigned el)
{
	return (struct mmu_access){ .va = va, .type = MMU_FETCH, .el = (uint8_t)el, .size = 4 };
}

void world_init(struct world *w, bool s1, bool s2)
{
	memset(w, 0, sizeof(*w));
	tram_init(&w->ram, RAM_BASE, RAM_SIZE);
	mmu_cpu_init(&w->cpu, tram_bus(&w->ram), 48);
	struct mmu_regs *r = &w->cpu.regs;
	tt_init(&w->s2, &w->ram, 12, 40, 1);
	for (uint64_t a = RAM_BASE; a < RAM_BASE + RAM_SIZE; a += 2u << 20)
		tt_map(&w->s2, a, a, 2, S2_RW);
	r->vtcr_el2 = VTCR_T0SZ(24) | VTCR_SL0(1) | VTCR_TG0(0) | VTCR_PS(2);
	r->vttbr_el2 = TTBR(w->s2.root, 1);
	r->hcr_el2 = s2 ? HCR_VM : 0;
	tt_init(&w->s1, &w->ram, 12, 48, 0);
	tt_init(&w->s1hi, &w->ram, 12, 48, 0);
	r->tcr_el1 = TCR_4K_48;
	r->ttbr0_el1 = TTBR(w->s1.root, 5);
	r->ttbr1_el1 = TTBR(w->s1hi.root, 0);
	r->mair_el1 = TEST_MAIR;
	r->sctlr_el1 = s1 ? (SCTLR_M | SCTLR_C | SCTLR_I) : 0;
}

void world_free(struct world *w) { tram_free(&w->ram); }
