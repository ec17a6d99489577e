/* Builds the frame table from the RAM banks: place it in RAM nothing else claims, mark reserved
 * regions, and hand the rest to the buddy lists, which merge it into the largest aligned blocks. */
#include "frame_table.h"

#include "core/bootargs.h"
#include "hal/mmu.h"
#include "public/errno.h"

#define HAL_RESERVED_MAX 16

struct frame_state frame_st;

/* The HAL's regions and the caller's, walked as one list. */
struct reserved {
	const struct plat_region *set[2];
	unsigned n[2];
};

/* Frame numbers [*lo, *hi) covering region @i of set @s whole: a partly reserved page is reserved. */
static void region_pfns(const struct reserved *r, unsigned s, unsigned i, uint64_t *lo, uint64_t *hi)
{
	uint64_t base = pa_addr(r->set[s][i].base), size = r->set[s][i].size;
	uint64_t end =
	    base + size < base || base + size > UINT64_MAX - PAGE_MASK ? UINT64_MAX - PAGE_MASK : base + size;

	*lo = base >> PAGE_SHIFT;
	*hi = (end + PAGE_MASK) >> PAGE_SHIFT;
}

static bool clashes(const struct reserved *r, uint64_t lo, uint64_t hi)
{
	for (unsigned s = 0; s < 2; s++)
		for (unsigned i = 0; i < r->n[s]; i++) {
			uint64_t rlo, rhi;
			region_pfns(r, s, i, &rlo, &rhi);
			if (lo < rhi && rlo < hi)
				return true;
		}
	return false;
}

/* Is [lo, hi) inside one bank? */
static bool in_bank(uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < frame_st.banks; i++) {
		const struct frame_bank *b = &frame_st.bank[i];
		if (lo >= b->pfn && hi <= b->pfn + b->count)
			return true;
	}
	return false;
}

/* The largest order of a free, aligned block the table at [lo, hi) would break: what domains lose. */
static unsigned damage(const struct reserved *r, uint64_t lo, uint64_t hi)
{
	for (unsigned k = FRAME_MAX_ORDER; k > 0; k--)
		for (uint64_t blk = lo >> k; blk <= (hi - 1) >> k; blk++)
			if (in_bank(blk << k, (blk + 1) << k) && !clashes(r, blk << k, (blk + 1) << k))
				return k;
	return 0;
}

struct spot {
	bool found;
	unsigned damage;
	uint64_t pfn;
};

static void consider(const struct reserved *r, uint64_t lo, uint64_t pages, struct spot *best)
{
	if (lo + pages < lo || !in_bank(lo, lo + pages) || clashes(r, lo, lo + pages))
		return;
	unsigned d = damage(r, lo, lo + pages);
	if (!best->found || d < best->damage || (d == best->damage && lo > best->pfn))
		*best = (struct spot){ true, d, lo };
}

/* Where the table breaks the smallest aligned block, among the places against something unusable
 * (a bank's edge, a reserved region); the highest of equals. */
static bool place(const struct reserved *r, uint64_t pages, uint64_t *pfn)
{
	struct spot best = { false, 0, 0 };

	for (unsigned i = 0; i < frame_st.banks; i++) {
		const struct frame_bank *b = &frame_st.bank[i];
		consider(r, b->pfn, pages, &best);
		if (b->count >= pages)
			consider(r, b->pfn + b->count - pages, pages, &best);
	}
	for (unsigned s = 0; s < 2; s++)
		for (unsigned i = 0; i < r->n[s]; i++) {
			uint64_t lo, hi;
			region_pfns(r, s, i, &lo, &hi);
			consider(r, hi, pages, &best);
			if (lo >= pages)
				consider(r, lo - pages, pages, &best);
		}
	*pfn = best.pfn;
	return best.found;
}

static void mark_reserved(uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < frame_st.banks; i++) {
		const struct frame_bank *b = &frame_st.bank[i];
		uint64_t s = lo > b->pfn ? lo : b->pfn, e = hi < b->pfn + b->count ? hi : b->pfn + b->count;
		for (uint64_t p = s; p < e; p++)
			frame_st.table[b->first + (p - b->pfn)].flags = FRAME_F_RESERVED;
	}
}

static int add_banks(const struct platform *plat)
{
	uint64_t frames = 0;

	for (unsigned i = 0; i < plat->mem_count && i < PLAT_MAX_MEM_BANKS; i++) {
		uint64_t base = pa_addr(plat->mem[i].base), end = base + plat->mem[i].size;
		if (end < base || end > UINT64_MAX - PAGE_MASK)
			return -XEN_EINVAL;
		uint64_t lo = (base + PAGE_MASK) >> PAGE_SHIFT, hi = end >> PAGE_SHIFT;
		if (hi <= lo)
			continue;
		for (unsigned j = 0; j < frame_st.banks; j++)
			if (lo < frame_st.bank[j].pfn + frame_st.bank[j].count && frame_st.bank[j].pfn < hi)
				return -XEN_EINVAL;
		frame_st.bank[frame_st.banks++] = (struct frame_bank){ lo, hi - lo, (uint32_t)frames };
		frames += hi - lo;
		if (frames >= FRAME_NIL)
			return -XEN_E2BIG;
	}
	return frame_st.banks ? 0 : -XEN_ENOMEM;
}

/* Xen's bootscrub=<bool>: false says free RAM at boot holds nothing to hide. Xen's "idle" (scrub in
 * the background) and anything else keep the safe default, clearing it before use. */
static bool boot_ram_fresh(const char *bootargs)
{
	static const char *const no[] = { "0", "no", "false", "off", "disable" };
	char v[8] = { 0 };

	if (!bootargs_get(bootargs, "bootscrub", v, sizeof(v)))
		return false;
	for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!__builtin_memcmp(v, no[i], __builtin_strlen(no[i]) + 1))
			return true;
	return false;
}

int frame_init(const struct platform *plat, const struct plat_region *reserved, unsigned nreserved)
{
	struct plat_region hal[HAL_RESERVED_MAX];
	unsigned nhal = hal_mem_reserved(hal, HAL_RESERVED_MAX);
	struct reserved r = { { hal, reserved }, { nhal, nreserved } };

	frame_st = (struct frame_state){ .lock = SPINLOCK_INIT };
	for (unsigned o = 0; o <= FRAME_MAX_ORDER; o++)
		frame_st.free_head[o] = FRAME_NIL;
	if (nhal > HAL_RESERVED_MAX)
		return -XEN_E2BIG;
	int rc = add_banks(plat);
	if (rc)
		return rc;

	const struct frame_bank *last = &frame_st.bank[frame_st.banks - 1];
	uint64_t frames = last->first + last->count, bytes = frames * sizeof(struct frame);
	uint64_t pages = (bytes + PAGE_MASK) >> PAGE_SHIFT, at = 0;
	if (!place(&r, pages, &at))
		return -XEN_ENOMEM;
	/* The table is one object: it must be one run in the hypervisor's mapping too. */
	uint8_t *va = hal_pa_to_va(pa_init(at << PAGE_SHIFT));
	if (!va || hal_pa_to_va(pa_init((at << PAGE_SHIFT) + bytes - 1)) != va + bytes - 1)
		return -XEN_ENOMEM;
	frame_st.table = (struct frame *)va;
	for (uint64_t i = 0; i < frames; i++)
		frame_st.table[i] = (struct frame){ FRAME_NIL, FRAME_NIL, 0, FRAME_OWNER_NONE, 0, 0 };

	mark_reserved(at, at + pages);
	for (unsigned s = 0; s < 2; s++)
		for (unsigned i = 0; i < r.n[s]; i++) {
			uint64_t lo, hi;
			region_pfns(&r, s, i, &lo, &hi);
			mark_reserved(lo, hi);
		}
	/* Frame by frame: the buddy merge builds the largest aligned blocks by itself. */
	bool fresh = boot_ram_fresh(plat->bootargs);
	for (unsigned i = 0; i < frame_st.banks; i++) {
		const struct frame_bank *b = &frame_st.bank[i];
		for (uint64_t p = 0; p < b->count; p++)
			if (!(frame_st.table[b->first + p].flags & FRAME_F_RESERVED))
				frame_release_block(b, b->pfn + p, 0, fresh);
	}
	return 0;
}
