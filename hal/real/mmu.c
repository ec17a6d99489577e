/* EL2 stage-1 translation: an identity map in VMSAv8-64 format, 4 KiB granule, 48-bit VA.
 * Tables come from a static pool and are never freed; the map only ever grows at boot. */
#include "mmu.h"

#include "hal/mmu.h"
#include "public/errno.h"
#include "arch.h"

#define POOL_PAGES 64
#define VA_LIMIT   (UL(1) << 48)
#define FDT_MAGIC  0xd00dfeedu
#define MAX_NORMAL (PLAT_MAX_MEM_BANKS + 2)

#define ATTR_DEVICE (PTE_ATTRIDX(MAIR_IDX_DEVICE) | PTE_AF | PTE_AP_RES1 | PTE_XN)
#define ATTR_DATA   (PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RES1 | PTE_XN)
#define ATTR_TEXT   (PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RES1 | PTE_AP_RO)

struct range {
	uint64_t base, end;
};

/* Hidden: addressed PC-relative, not through the GOT. */
extern char _text[] __attribute__((visibility("hidden")));
extern char _etext[] __attribute__((visibility("hidden")));
extern char _end[] __attribute__((visibility("hidden")));

/* Aligned to a cache line: secondaries read it with the MMU off after a clean to PoC. */
struct mmu_regs mmu_regs __attribute__((aligned(64)));

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;

/* Normal memory hal_pa_to_va hands out: image and FDT early, then RAM banks, FDT and image. */
static struct range normal[MAX_NORMAL];
static unsigned normal_count;
static struct range fdt;

static uint64_t *table_alloc(void) { return pool_used < POOL_PAGES ? pool[pool_used++] : NULL; }

/* The table under @e, created, or split from a block with the block's attributes: the tables being
 * edited are never live, so no break-before-make is needed. */
static uint64_t *descend(uint64_t *e, unsigned level)
{
	if ((*e & PTE_TYPE_MASK) == PTE_TABLE)
		return (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
	uint64_t *t = table_alloc();
	if (!t)
		return NULL;
	if (*e & PTE_VALID) {
		uint64_t step = UL(1) << (39 - 9 * (level + 1));
		uint64_t attr = *e & ~(PTE_ADDR_MASK | PTE_TYPE_MASK);
		uint64_t type = level + 1 == 3 ? PTE_PAGE : PTE_BLOCK;
		for (unsigned i = 0; i < 512; i++)
			t[i] = ((*e & PTE_ADDR_MASK) + i * step) | attr | type;
	}
	*e = (uintptr_t)t | PTE_TABLE;
	return t;
}

static int map_level(uint64_t *t, unsigned level, uint64_t va, uint64_t end, uint64_t attr)
{
	unsigned shift = 39 - 9 * level;
	uint64_t size = UL(1) << shift;

	while (va < end) {
		uint64_t *e = &t[(va >> shift) & 511];
		uint64_t next = (va & ~(size - 1)) + size;

		if (level == 3) {
			*e = va | attr | PTE_PAGE;
		} else if (level > 0 && !(va & (size - 1)) && end >= next) {
			*e = va | attr | PTE_BLOCK;
		} else {
			uint64_t *sub = descend(e, level);
			if (!sub || map_level(sub, level + 1, va, next < end ? next : end, attr))
				return -XEN_ENOMEM;
		}
		va = next;
	}
	return 0;
}

/* Identity-maps [base, base + size) widened to pages; later calls override earlier ones. */
static int map(uint64_t *root, uint64_t base, uint64_t size, uint64_t attr)
{
	uint64_t start = base & ~UL(0xfff);
	uint64_t end = (base + size + 0xfff) & ~UL(0xfff);

	if (!size || end <= start || end > VA_LIMIT)
		return -XEN_ERANGE;
	return map_level(root, 0, start, end, attr);
}

static int map_image(uint64_t *root)
{
	uint64_t text = (uintptr_t)_text, etext = (uintptr_t)_etext, end = (uintptr_t)_end;

	return map(root, text, etext - text, ATTR_TEXT) ?: map(root, etext, end - etext, ATTR_DATA);
}

static bool overlaps(struct range r, uint64_t base, uint64_t size) { return base < r.end && r.base < base + size; }

static void add_normal(struct range *list, unsigned *count, uint64_t base, uint64_t size)
{
	if (size && *count < MAX_NORMAL)
		list[(*count)++] = (struct range){ base, base + size };
}

/* Both sides of the mapping are in mmu_regs; a CPU turning its MMU on loads them from there. */
static void set_regs(uint64_t *root)
{
	uint64_t parange = sysreg_read(id_aa64mmfr0_el1) & 0xf;

	mmu_regs.mair = MAIR_VALUE;
	mmu_regs.tcr = TCR_EL2_RES1 | TCR_T0SZ_48 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
		       ((parange < PARANGE_48 ? parange : PARANGE_48) << TCR_PS_SHIFT);
	mmu_regs.ttbr0 = (uintptr_t)root;
	mmu_regs.sctlr = SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I;
}

static uint32_t be32(const volatile uint32_t *p) { return __builtin_bswap32(*p); }

void mmu_early(uint64_t fdt_pa)
{
	uint64_t *root = table_alloc();

	/* Cannot fail: the pool is sized for far more than these three ranges. */
	map(root, 0, MMU_EARLY_DEVICE_LIMIT, ATTR_DEVICE);
	map_image(root);
	add_normal(normal, &normal_count, (uintptr_t)_text, (uintptr_t)(_end - _text));
	/* Aligned 32-bit reads only: with the MMU off this is Device memory. */
	if (fdt_pa && !(fdt_pa & 7) && be32((const volatile uint32_t *)fdt_pa) == FDT_MAGIC) {
		uint64_t size = be32((const volatile uint32_t *)fdt_pa + 1);
		fdt = (struct range){ fdt_pa, fdt_pa + (size < PLAT_FDT_MAX_SIZE ? size : PLAT_FDT_MAX_SIZE) };
		if (!map(root, fdt.base, fdt.end - fdt.base, ATTR_DATA))
			add_normal(normal, &normal_count, fdt.base, fdt.end - fdt.base);
	}
	set_regs(root);
}

static void clean_to_poc(const void *p, size_t size)
{
	uint64_t line = UL(4) << ((sysreg_read(ctr_el0) >> 16) & 0xf);

	for (uintptr_t a = (uintptr_t)p & ~(line - 1); a < (uintptr_t)p + size; a += line)
		__asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

static int map_device(uint64_t *root, const struct range *ram, unsigned nram, struct plat_region r)
{
	if (!r.size)
		return 0;
	for (unsigned i = 0; i < nram; i++)
		if (overlaps(ram[i], pa_addr(r.base), r.size))
			return -XEN_EINVAL;
	return map(root, pa_addr(r.base), r.size, ATTR_DEVICE);
}

int mmu_final(const struct platform *plat)
{
	struct range ram[MAX_NORMAL];
	unsigned nram = 0;
	uint64_t *root = table_alloc();
	int rc = root ? 0 : -XEN_ENOMEM;

	for (unsigned i = 0; !rc && i < plat->mem_count && i < PLAT_MAX_MEM_BANKS; i++) {
		rc = map(root, pa_addr(plat->mem[i].base), plat->mem[i].size, ATTR_DATA);
		add_normal(ram, &nram, pa_addr(plat->mem[i].base), plat->mem[i].size);
	}
	/* Kept even if outside every bank: plat->bootargs points into it. */
	if (!rc && fdt.end) {
		rc = map(root, fdt.base, fdt.end - fdt.base, ATTR_DATA);
		add_normal(ram, &nram, fdt.base, fdt.end - fdt.base);
	}
	if (!rc) {
		rc = map_image(root);
		add_normal(ram, &nram, (uintptr_t)_text, (uintptr_t)(_end - _text));
	}
	/* A device over RAM or the image would turn live memory into Device memory: refuse the tree. */
	rc = rc ?: map_device(root, ram, nram, plat->uart.regs);
	rc = rc ?: map_device(root, ram, nram, plat->gic.dist);
	rc = rc ?: map_device(root, ram, nram, plat->gic.cpuif);
	rc = rc ?: map_device(root, ram, nram, plat->gic.hyp);
	rc = rc ?: map_device(root, ram, nram, plat->gic.vcpu);
	for (unsigned i = 0; !rc && i < plat->gic.redist_count && i < PLAT_MAX_GICR_REGIONS; i++)
		rc = map_device(root, ram, nram, plat->gic.redist[i]);
	if (rc)
		return rc;

	/* Both maps agree on the image, so the switch needs no MMU-off window: publish the tables,
	 * swap the root, drop the old translations. */
	__asm__ volatile("dsb ishst\n\tmsr ttbr0_el2, %0\n\tisb\n\ttlbi alle2\n\tdsb ish\n\tisb" ::"r"(root)
			 : "memory");
	mmu_regs.ttbr0 = (uintptr_t)root;
	clean_to_poc(&mmu_regs, sizeof(mmu_regs));
	for (unsigned i = 0; i < nram; i++)
		normal[i] = ram[i];
	normal_count = nram;
	return 0;
}

int mmu_map_device(struct plat_region r)
{
	for (unsigned i = 0; i < normal_count; i++)
		if (overlaps(normal[i], pa_addr(r.base), r.size))
			return -XEN_EINVAL;
	int rc = map((uint64_t *)(uintptr_t)mmu_regs.ttbr0, pa_addr(r.base), r.size, ATTR_DEVICE);
	__asm__ volatile("dsb ishst\n\tisb" ::: "memory"); /* the new entries before the first access */
	return rc;
}

void *hal_pa_to_va(paddr_t pa)
{
	for (unsigned i = 0; i < normal_count; i++)
		if (pa_addr(pa) >= normal[i].base && pa_addr(pa) < normal[i].end)
			return (void *)(uintptr_t)pa_addr(pa);
	return NULL;
}

paddr_t hal_va_to_pa(const void *va) { return pa_init((uintptr_t)va); }

/* The image covers the stacks, the per-CPU area and the EL2 tables: all in .bss, before _end. */
unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	struct range r[] = { { (uintptr_t)_text, (uintptr_t)_end }, fdt };
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		if (r[i].end <= r[i].base)
			continue;
		uint64_t base = r[i].base & ~UL(0xfff), end = (r[i].end + 0xfff) & ~UL(0xfff);
		if (n < max)
			out[n] = (struct plat_region){ pa_init(base), end - base };
		n++;
	}
	return n;
}
