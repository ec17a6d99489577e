/* Grant map+unmap through grant_table_op as a guest issues them (B maps a page A granted, then
 * unmaps it), one op per call and in batches, with the real frame allocator, heap and p2m. Guest
 * buffers are plain host memory: the figure is gnttab's and mm's work, not the guest-copy path's.
 * Prints figures; never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/panic.h"
#include "gnttab/gnttab.h"
#include "hal/cpu.h"
#include "hal/mmu.h"
#include "hal/s2.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "public/grant_table.h"

#define RAM_BASE  0x80000000ull
#define RAM_SIZE  (64ull << 20)
#define RAM_GFN   0x40000ull
#define TABLE_GFN 0x38000ull
#define MAP_GFN   0x50000ull
#define BATCH     64

static uint8_t *ram;

/* ---- the HAL hyp/mm needs over a host buffer; no TLBs to maintain ---- */
void *hal_pa_to_va(paddr_t pa)
{
	uint64_t a = pa_addr(pa);
	return a >= RAM_BASE && a - RAM_BASE < RAM_SIZE ? ram + (a - RAM_BASE) : NULL;
}
paddr_t hal_va_to_pa(const void *va) { return pa_init(RAM_BASE + (uint64_t)((const uint8_t *)va - ram)); }
unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	(void)out;
	(void)max;
	return 0;
}
void hal_s2_geometry(struct hal_s2_geometry *g) { *g = (struct hal_s2_geometry){ 40, 40, 1, 2, 0 }; }
void hal_s2_publish(void) {}
void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	(void)vmid;
	(void)ipa;
}
void hal_s2_flush_vmid(uint16_t vmid) { (void)vmid; }
void hal_cpu_relax(void) {}
void hal_dcache_clean(const void *va, size_t len)
{
	(void)va;
	(void)len;
}
unsigned hal_cpu_id(void) { return 0; }
HAL_NORETURN void panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}

/* The guest's argument buffer: "GVA" 0 is this array. */
static uint8_t args[BATCH * sizeof(struct gnttab_map_grant_ref)];
int copy_from_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, void *dst, uint64_t gva, size_t len)
{
	(void)v, (void)p2m;
	memcpy(dst, args + gva, len);
	return 0;
}
int copy_to_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, const void *src, size_t len)
{
	(void)v, (void)p2m;
	memcpy(args + gva, src, len);
	return 0;
}

static struct domain A, B;
static struct vcpu vb;

static void make(struct domain *d, domid_t id)
{
	d->id = id;
	d->shared_gfn = SHARED_UNMAPPED;
	if (p2m_init(&d->p2m, id, (uint16_t)(id + 1)) || frame_alloc(id, 0, &d->shared_info) || gnttab_domain_init(d) ||
	    gnttab_map_frame(d, 0, TABLE_GFN))
		abort();
	for (unsigned i = 0; i < BATCH; i++) {
		paddr_t pa;
		if (frame_alloc(id, 0, &pa) || p2m_map(&d->p2m, ipa_init((RAM_GFN + i) << 12), pa, 4096, P2M_RAM_RW))
			abort();
	}
}

static long call(uint32_t cmd, uint32_t count)
{
	bool yield;
	uint64_t a[5] = { cmd, 0, count, 0, 0 };
	return hcall_grant_table_op(&vb, a, &yield);
}

/* @n maps in one call, then their @n unmaps in one call. Out of line for callgrind. */
__attribute__((noinline)) void bench_pairs(unsigned n)
{
	struct gnttab_map_grant_ref *m = (void *)args;
	for (unsigned i = 0; i < n; i++)
		m[i] = (struct gnttab_map_grant_ref){ (MAP_GFN + 1 + i) << 12, GNTMAP_host_map, i, A.id, 0, 0, 0 };
	if (call(GNTTABOP_map_grant_ref, n))
		abort();
	grant_handle_t h[BATCH];
	for (unsigned i = 0; i < n; i++) {
		if (m[i].status)
			abort();
		h[i] = m[i].handle;
	}
	struct gnttab_unmap_grant_ref *u = (void *)args;
	for (unsigned i = 0; i < n; i++)
		u[i] = (struct gnttab_unmap_grant_ref){ (MAP_GFN + 1 + i) << 12, 0, h[i], 0 };
	if (call(GNTTABOP_unmap_grant_ref, n))
		abort();
	for (unsigned i = 0; i < n; i++)
		if (u[i].status)
			abort();
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	unsigned batch = 0, iters = 0, neighbour = 0;
	struct platform plat = { .mem = { { pa_init(RAM_BASE), RAM_SIZE } }, .mem_count = 1 };

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--batch=", 8))
			batch = (unsigned)strtoul(argv[i] + 8, NULL, 0);
		else if (!strncmp(argv[i], "--iters=", 8))
			iters = (unsigned)strtoul(argv[i] + 8, NULL, 0);
		else if (!strncmp(argv[i], "--neighbour=", 12))
			neighbour = (unsigned)strtoul(argv[i] + 12, NULL, 0);
	}
	/* Entry of the neighbour in the grants' last-level table: 0 (first, the default) or past them. */
	if (neighbour > 511 || (neighbour && neighbour <= BATCH))
		return 1;
	ram = aligned_alloc(4096, RAM_SIZE);
	if (!ram || frame_init(&plat, NULL, 0))
		return 1;
	make(&A, 1);
	make(&B, 2);
	vb.dom = &B;
	/* A grants refs 0..BATCH-1, one page each, to B: the guest's side, written once. */
	paddr_t table;
	if (p2m_lookup(&A.p2m, ipa_init(TABLE_GFN << 12), &table, NULL) != P2M_RAM_RW)
		return 1;
	struct grant_entry_v1 *e = hal_pa_to_va(table);
	for (unsigned i = 0; i < BATCH; i++)
		e[i] = (struct grant_entry_v1){ GTF_permit_access, B.id, (uint32_t)(RAM_GFN + i) };
	/* A neighbour first in the same last-level table, as a ballooned page's neighbours in RAM
	 * would be: else every lone pair would allocate, zero and free a p2m table, and the p2m's
	 * empty-table check after each unmap would scan up to the next mapping (--neighbour=K puts it
	 * K entries on, to show that check's cost when it scans; with the p2m's counts it does not). */
	e[100] = (struct grant_entry_v1){ GTF_permit_access, B.id, (uint32_t)RAM_GFN };
	struct gnttab_map_grant_ref *m = (void *)args;
	*m = (struct gnttab_map_grant_ref){ (MAP_GFN + neighbour) << 12, GNTMAP_host_map, 100, A.id, 0, 0, 0 };
	if (call(GNTTABOP_map_grant_ref, 1) || m->status)
		return 1;
	if (batch) { /* callgrind's run: exactly what was asked */
		for (unsigned i = 0; i < iters; i++)
			bench_pairs(batch);
		return 0;
	}
	bench_pairs(BATCH); /* warm: the p2m's tables exist after the first maps */
	printf("%-22s %12s %10s %14s\n", "grant_table_op", "pairs", "ns/pair", "pairs/s");
	unsigned sizes[] = { 1, BATCH };
	for (unsigned s = 0; s < 2; s++) {
		unsigned n = sizes[s], rounds = 2000000 / n;
		double t0 = now();
		for (unsigned r = 0; r < rounds; r++)
			bench_pairs(n);
		double dt = now() - t0, pairs = (double)rounds * n;
		printf("%-22s %12.0f %10.1f %14.0f\n", n == 1 ? "1 map + 1 unmap call" : "64 per call", pairs,
		       dt / pairs * 1e9, pairs / dt);
	}
	return 0;
}
