/* memory_op's reservations on the real allocator and p2m: populate_physmap and
 * decrease_reservation for a domain itself and by the control domain, Xen's counts for partial
 * batches (never an errno), max_mem, extent orders, continuations and every misuse. */
#include "tests/dom/pv_world.h"

#include "gnttab/gnttab.h"
#include "hal/mmu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "public/memory.h"

#define HOLE_GFN UINT64_C(0x80000) /* 2 MiB-aligned, nothing there */
#define LIST     (PW_ARG + 64)     /* the extent list, after the reservation in the argument page */

/* The world's domains: the control domain and two others. */
#define dom0 domain_by_id(0)
#define d1   domain_by_id(1)
#define d2   domain_by_id(2)

/* @caller's reservation op on @domid with @n extents of @order at @gfns. */
static long reserve(struct domain *caller, unsigned cmd, domid_t domid, unsigned order, const uint64_t *gfns,
		    unsigned n)
{
	struct xen_memory_reservation *r = pw_arg(caller);
	*r = (struct xen_memory_reservation){
		.extent_start = LIST, .nr_extents = n, .extent_order = order, .domid = domid
	};
	memcpy(pw_ptr(caller, LIST), gfns, n * sizeof(uint64_t));
	return pw_call(caller, hcall_memory_op, cmd, PW_ARG, 0);
}

static enum p2m_type type_at(struct domain *d, uint64_t gfn, paddr_t *pa)
{
	paddr_t x;
	return p2m_lookup(&d->p2m, ipa_init(gfn << 12), pa ? pa : &x, NULL);
}

static void test_populate_physmap_gives_a_domu_zeroed_frames_of_its_own(void **state)
{
	(void)state;
	uint64_t gfns[3] = { HOLE_GFN, HOLE_GFN + 7, UINT64_C(0x123456) };
	uint64_t held = frame_count(1);
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, gfns, 3), 3);
	assert_int_equal(frame_count(1), held + 3);
	for (unsigned i = 0; i < 3; i++) {
		paddr_t pa;
		assert_int_equal(type_at(d1, gfns[i], &pa), P2M_RAM_RW);
		assert_int_equal(frame_owner(pa), 1);
		const uint64_t *p = hal_pa_to_va(pa);
		for (unsigned j = 0; j < 512; j++)
			assert_int_equal(p[j], 0);
	}
}

static void test_populate_physmap_extent_must_be_an_aligned_hole(void **state)
{
	(void)state;
	uint64_t aligned = HOLE_GFN, unaligned = HOLE_GFN + 0x201, ram = PW_RAM_GFN;
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 9, &aligned, 1), 1);
	assert_int_equal(type_at(d1, HOLE_GFN + 511, NULL), P2M_RAM_RW);
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 9, &unaligned, 1), 0);
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, &ram, 1), 0);
	/* Part of the extent already there is as good as all of it. */
	uint64_t over = HOLE_GFN + 0x400;
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, &over, 1), 1);
	uint64_t around = HOLE_GFN + 0x400 - 0x200 + 0x200; /* the order-9 extent holding it */
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 9, &around, 1), 0);
	uint64_t beyond = UINT64_C(1) << 28; /* past a 40-bit IPA space */
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, &beyond, 1), 0);
}

static void test_populate_physmap_partial_batch_returns_the_extents_done(void **state)
{
	(void)state;
	uint64_t gfns[4] = { HOLE_GFN, HOLE_GFN + 1, PW_RAM_GFN, HOLE_GFN + 2 };
	uint64_t held = frame_count(1);
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, gfns, 4), 2);
	assert_int_equal(frame_count(1), held + 2);
	assert_int_equal(type_at(d1, HOLE_GFN + 2, NULL), P2M_INVALID);
}

static void test_populate_physmap_extent_order_above_the_callers_maximum_does_nothing(void **state)
{
	(void)state;
	uint64_t gfn = 0x100000;
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 10, &gfn, 1), 0);
	/* The control domain may ask for more (Xen's CONFIG_CTLDOM_MAX_ORDER, 12) for another domain. */
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, 1, 10, &gfn, 1), 1);
	assert_int_equal(type_at(d1, gfn + 1023, NULL), P2M_RAM_RW);
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, 1, 13, &gfn, 1), 0);
}

static void test_populate_physmap_stops_at_max_pages(void **state)
{
	(void)state;
	d1->max_pages = (frame_count(1) - 1) + 2;
	uint64_t gfns[3] = { HOLE_GFN, HOLE_GFN + 1, HOLE_GFN + 2 };
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, gfns, 3), 2);
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, 1, 0, &gfns[2], 1), 0);
}

static void test_populate_physmap_for_another_domain_is_the_control_domains(void **state)
{
	(void)state;
	uint64_t gfn = HOLE_GFN;
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, 2, 0, &gfn, 1), 1);
	paddr_t pa;
	assert_int_equal(type_at(d2, gfn, &pa), P2M_RAM_RW);
	assert_int_equal(frame_owner(pa), 2);
	/* Xen answers a refused or unknown domain with 0 extents, not an errno. */
	gfn++;
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, 2, 0, &gfn, 1), 0);
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, 6, 0, &gfn, 1), 0);
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, 0x7ff5, 0, &gfn, 1), 0);
	assert_int_equal(type_at(d2, gfn, NULL), P2M_INVALID);
}

static void test_populate_physmap_hostile_arguments_do_nothing(void **state)
{
	(void)state;
	uint64_t held = frame_count(1);
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_populate_physmap, 0x10, 0), 0); /* no RAM there */
	struct xen_memory_reservation *r = pw_arg(d1);
	*r = (struct xen_memory_reservation){ .extent_start = 0x10, .nr_extents = 2, .domid = DOMID_SELF };
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_populate_physmap, PW_ARG, 0), 0);
	/* The list runs off the end of RAM after one entry. */
	uint64_t last = (PW_RAM_GFN + PW_PAGES) << 12;
	*(uint64_t *)pw_ptr(d1, last - 8) = HOLE_GFN;
	*r = (struct xen_memory_reservation){ .extent_start = last - 8, .nr_extents = 2, .domid = DOMID_SELF };
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_populate_physmap, PW_ARG, 0), 1);
	*r = (struct xen_memory_reservation){ .extent_start = LIST,
					      .nr_extents = UINT64_C(1) << 40,
					      .domid = DOMID_SELF };
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_populate_physmap, PW_ARG, 0), 0);
	*r = (struct xen_memory_reservation){
		.extent_start = LIST, .nr_extents = 1, .mem_flags = XENMEMF_populate_on_demand, .domid = DOMID_SELF
	};
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_populate_physmap, PW_ARG, 0), 0);
	/* A continuation past the end: nothing more to do. */
	*r = (struct xen_memory_reservation){ .extent_start = LIST, .nr_extents = 2, .domid = DOMID_SELF };
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_populate_physmap | 5 << MEMOP_EXTENT_SHIFT, PW_ARG, 0), 5);
	assert_int_equal(frame_count(1), held + 1);
}

static void test_populate_physmap_long_batch_continues_and_finishes(void **state)
{
	(void)state;
	uint64_t gfns[150];
	for (unsigned i = 0; i < 150; i++)
		gfns[i] = HOLE_GFN + i;
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, gfns, 150), 150);
	assert_int_equal(pw_continuations, 2);
	assert_int_equal(type_at(d1, HOLE_GFN + 149, NULL), P2M_RAM_RW);
}

static void test_decrease_reservation_frees_its_own_pages(void **state)
{
	(void)state;
	uint64_t free = frame_free_count(), held = frame_count(1);
	uint64_t gfns[2] = { PW_RAM_GFN + 3, PW_RAM_GFN + 4 };
	assert_int_equal(reserve(d1, XENMEM_decrease_reservation, DOMID_SELF, 0, gfns, 2), 2);
	assert_int_equal(type_at(d1, PW_RAM_GFN + 3, NULL), P2M_INVALID);
	assert_int_equal(frame_count(1), held - 2);
	assert_int_equal(frame_free_count(), free + 2);
	/* Populated again: fresh frames, zeroed. */
	assert_int_equal(reserve(d1, XENMEM_populate_physmap, DOMID_SELF, 0, gfns, 2), 2);
	assert_int_equal(*(uint64_t *)pw_ptr(d1, gfns[0] << 12), 0);
}

static void test_decrease_reservation_stops_at_what_is_not_its_ram(void **state)
{
	(void)state;
	uint64_t gfns[3] = { PW_RAM_GFN + 1, HOLE_GFN, PW_RAM_GFN + 2 };
	assert_int_equal(reserve(d1, XENMEM_decrease_reservation, DOMID_SELF, 0, gfns, 3), 1);
	assert_int_equal(type_at(d1, PW_RAM_GFN + 2, NULL), P2M_RAM_RW);
	/* Its shared_info and its grant-table frame are the hypervisor's business. */
	uint64_t si = 0x90000, gt = 0x38000;
	struct xen_add_to_physmap *x = pw_arg(d1);
	*x = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = si };
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_add_to_physmap, PW_ARG, 0), 0);
	*x = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .gpfn = gt };
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_add_to_physmap, PW_ARG, 0), 0);
	assert_int_equal(reserve(d1, XENMEM_decrease_reservation, DOMID_SELF, 0, &si, 1), 0);
	assert_int_equal(reserve(d1, XENMEM_decrease_reservation, DOMID_SELF, 0, &gt, 1), 0);
	assert_int_equal(type_at(d1, si, NULL), P2M_RAM_RW);
	/* Another domain's RAM only by the control domain. */
	uint64_t g2 = PW_RAM_GFN + 5;
	assert_int_equal(reserve(d1, XENMEM_decrease_reservation, 2, 0, &g2, 1), 0);
	assert_int_equal(reserve(dom0, XENMEM_decrease_reservation, 2, 0, &g2, 1), 1);
	assert_int_equal(type_at(d2, g2, NULL), P2M_INVALID);
}

/* A page given back while another domain maps it through a grant goes when that mapping does. */
static void test_decrease_reservation_of_a_granted_page_frees_it_at_the_unmap(void **state)
{
	(void)state;
	uint64_t page = PW_RAM_GFN + 6;
	paddr_t pa;
	assert_int_equal(type_at(d1, page, &pa), P2M_RAM_RW);
	assert_int_equal(gnttab_seed(d1, 5, 0, page), 0);
	struct gnttab_map_grant_ref *m = pw_arg(dom0);
	*m = (struct gnttab_map_grant_ref){ .host_addr = HOLE_GFN << 12, .flags = GNTMAP_host_map, .ref = 5, .dom = 1 };
	assert_int_equal(pw_call(dom0, hcall_grant_table_op, GNTTABOP_map_grant_ref, PW_ARG, 1), 0);
	assert_int_equal(m->status, GNTST_okay);
	grant_handle_t h = m->handle;
	uint64_t free = frame_free_count();
	assert_int_equal(reserve(d1, XENMEM_decrease_reservation, DOMID_SELF, 0, &page, 1), 1);
	assert_int_equal(frame_owner(pa), DOMID_XEN);
	assert_int_equal(frame_free_count(), free);
	struct gnttab_unmap_grant_ref *u = pw_arg(dom0);
	*u = (struct gnttab_unmap_grant_ref){ .host_addr = HOLE_GFN << 12, .handle = h };
	assert_int_equal(pw_call(dom0, hcall_grant_table_op, GNTTABOP_unmap_grant_ref, PW_ARG, 1), 0);
	assert_int_equal(frame_owner(pa), FRAME_OWNER_NONE); /* freed (p2m tables may have gone too) */
}

/* The 1:1 control domain gives pages back but keeps their frames, and gets them back in place. */
static void test_decrease_and_populate_keep_a_direct_mapped_domain_1_to_1(void **state)
{
	(void)state;
	uint64_t gfn = PW_RAM_GFN + 2;
	paddr_t pa;
	assert_int_equal(type_at(dom0, gfn, &pa), P2M_RAM_RW);
	uint64_t held = frame_count(0);
	assert_int_equal(reserve(dom0, XENMEM_decrease_reservation, DOMID_SELF, 0, &gfn, 1), 1);
	assert_int_equal(frame_count(0), held);
	uint64_t same = pa_addr(pa) >> 12;
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, DOMID_SELF, 0, &same, 1), 1);
	paddr_t back;
	assert_int_equal(type_at(dom0, same, &back), P2M_RAM_RW);
	assert_int_equal(pa_addr(back), pa_addr(pa));
	/* A frame it does not hold (d1's) is not its to populate. */
	paddr_t other;
	assert_int_equal(type_at(d1, PW_RAM_GFN, &other), P2M_RAM_RW);
	uint64_t theirs = pa_addr(other) >> 12;
	assert_int_equal(reserve(dom0, XENMEM_populate_physmap, DOMID_SELF, 0, &theirs, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, pw_setup, pw_teardown)
		T(test_populate_physmap_gives_a_domu_zeroed_frames_of_its_own),
		T(test_populate_physmap_extent_must_be_an_aligned_hole),
		T(test_populate_physmap_partial_batch_returns_the_extents_done),
		T(test_populate_physmap_extent_order_above_the_callers_maximum_does_nothing),
		T(test_populate_physmap_stops_at_max_pages),
		T(test_populate_physmap_for_another_domain_is_the_control_domains),
		T(test_populate_physmap_hostile_arguments_do_nothing),
		T(test_populate_physmap_long_batch_continues_and_finishes),
		T(test_decrease_reservation_frees_its_own_pages),
		T(test_decrease_reservation_stops_at_what_is_not_its_ram),
		T(test_decrease_reservation_of_a_granted_page_frees_it_at_the_unmap),
		T(test_decrease_and_populate_keep_a_direct_mapped_domain_1_to_1),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
