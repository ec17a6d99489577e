/* memory_op's mappings by GFN on the real allocator, p2m and grant tables: add_to_physmap_batch with
 * gmfn_foreign (a result per page, Xen's errnos), the frame references a foreign page holds across
 * its owner's death and the mapper's, remove_from_physmap, the toolstack's grant seeding through a
 * foreign domain's table frame, and add_to_physmap of shared_info. */
#include "tests/dom/pv_world.h"

#include "gnttab/gnttab.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "public/memory.h"

#define MAP_GFN UINT64_C(0x80000) /* a hole where mappers put pages */
#define IDXS    (PW_ARG + 64)     /* the batch's arrays, after it in the argument page */
#define GPFNS   (PW_ARG + 1024)
#define ERRS    (PW_ARG + 2048)
#define MAX     100

/* The world's domains: the control domain and two others. */
#define dom0 domain_by_id(0)
#define d1   domain_by_id(1)
#define d2   domain_by_id(2)

/* @caller's batch into @domid: pages @idxs of @foreign at @gpfns; the call's result, errs[] out. */
static long batch(struct domain *caller, domid_t domid, unsigned space, domid_t foreign, const uint64_t *idxs,
		  const uint64_t *gpfns, unsigned n, int32_t *errs)
{
	struct xen_add_to_physmap_batch *b = pw_arg(caller);
	*b = (struct xen_add_to_physmap_batch){ .domid = domid,
						.space = (uint16_t)space,
						.size = (uint16_t)n,
						.foreign_domid = foreign,
						.idxs = IDXS,
						.gpfns = GPFNS,
						.errs = ERRS };
	memcpy(pw_ptr(caller, IDXS), idxs, n * 8);
	memcpy(pw_ptr(caller, GPFNS), gpfns, n * 8);
	memset(pw_ptr(caller, ERRS), 0x55, n * 4);
	long rc = pw_call(caller, hcall_memory_op, XENMEM_add_to_physmap_batch, PW_ARG, 0);
	memcpy(errs, pw_ptr(caller, ERRS), n * 4);
	return rc;
}

/* One foreign page of @foreign at @gfn of the caller; the page's result. */
static int32_t map1(struct domain *caller, domid_t foreign, uint64_t idx, uint64_t gfn)
{
	int32_t err;
	assert_int_equal(batch(caller, DOMID_SELF, XENMAPSPACE_gmfn_foreign, foreign, &idx, &gfn, 1, &err), 0);
	return err;
}

static long remove_gfn(struct domain *caller, domid_t domid, uint64_t gfn)
{
	struct xen_remove_from_physmap *r = pw_arg(caller);
	*r = (struct xen_remove_from_physmap){ .domid = domid, .gpfn = gfn };
	return pw_call(caller, hcall_memory_op, XENMEM_remove_from_physmap, PW_ARG, 0);
}

static long physmap(struct domain *caller, domid_t domid, unsigned space, uint64_t idx, uint64_t gfn)
{
	struct xen_add_to_physmap *x = pw_arg(caller);
	*x = (struct xen_add_to_physmap){ .domid = domid, .space = space, .idx = idx, .gpfn = gfn };
	return pw_call(caller, hcall_memory_op, XENMEM_add_to_physmap, PW_ARG, 0);
}

static paddr_t pa_of(struct domain *d, uint64_t gfn, enum p2m_type want)
{
	paddr_t pa;
	assert_int_equal(p2m_lookup(&d->p2m, ipa_init(gfn << 12), &pa, NULL), want);
	return pa;
}

static void test_foreign_map_gives_dom0_the_domus_page(void **state)
{
	(void)state;
	paddr_t pa = pa_of(d1, PW_RAM_GFN + 3, P2M_RAM_RW);
	assert_int_equal(map1(dom0, 1, PW_RAM_GFN + 3, MAP_GFN), 0);
	assert_int_equal(pa_addr(pa_of(dom0, MAP_GFN, P2M_FOREIGN_RW)), pa_addr(pa));
	assert_int_equal(frame_refs(pa), 1);
	*(uint64_t *)pw_ptr(dom0, MAP_GFN << 12) = 0x70015;
	assert_int_equal(*(uint64_t *)pw_ptr(d1, (PW_RAM_GFN + 3) << 12), 0x70015);
	assert_int_equal(remove_gfn(dom0, DOMID_SELF, MAP_GFN), 0);
	assert_int_equal(frame_refs(pa), 0);
	pa_of(dom0, MAP_GFN, P2M_INVALID);
}

static void test_foreign_batch_reports_each_page_and_goes_on(void **state)
{
	(void)state;
	uint64_t idxs[4] = { PW_RAM_GFN, 0x70000 /* a hole of d1's */, PW_RAM_GFN + 1, PW_RAM_GFN + 2 };
	uint64_t gpfns[4] = { MAP_GFN, MAP_GFN + 1, PW_RAM_GFN /* dom0's own RAM */, UINT64_C(1) << 30 };
	int32_t errs[4];
	assert_int_equal(batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns, 4, errs), 0);
	assert_int_equal(errs[0], 0);
	assert_int_equal(errs[1], -XEN_EINVAL);
	assert_int_equal(errs[2], -XEN_EBUSY);
	assert_int_equal(errs[3], -XEN_EINVAL);
	pa_of(dom0, MAP_GFN, P2M_FOREIGN_RW);
	pa_of(dom0, PW_RAM_GFN, P2M_RAM_RW);
	assert_int_equal(frame_refs(pa_of(d1, PW_RAM_GFN + 1, P2M_RAM_RW)), 0);
}

static void test_foreign_map_by_an_unprivileged_domain_is_eperm(void **state)
{
	(void)state;
	assert_int_equal(map1(d2, 1, PW_RAM_GFN, MAP_GFN), -XEN_EPERM);
	pa_of(d2, MAP_GFN, P2M_INVALID);
	/* Into another domain's p2m: refused for the whole call. */
	uint64_t idx = PW_RAM_GFN, gfn = MAP_GFN;
	int32_t err;
	assert_int_equal(batch(d2, 1, XENMAPSPACE_gmfn_foreign, 0, &idx, &gfn, 1, &err), -XEN_EPERM);
	/* The control domain mapping into an unprivileged domain's p2m: the mapper lacks the right. */
	assert_int_equal(batch(dom0, 2, XENMAPSPACE_gmfn_foreign, 1, &idx, &gfn, 1, &err), 0);
	assert_int_equal(err, -XEN_EPERM);
}

static void test_foreign_map_unknown_domains_and_self_are_refused(void **state)
{
	(void)state;
	assert_int_equal(map1(dom0, 6, PW_RAM_GFN, MAP_GFN), -XEN_ESRCH);
	assert_int_equal(map1(dom0, 0x7ff5, PW_RAM_GFN, MAP_GFN), -XEN_ESRCH);
	assert_int_equal(map1(dom0, DOMID_SELF, PW_RAM_GFN, MAP_GFN), -XEN_EINVAL);
	assert_int_equal(map1(dom0, 0, PW_RAM_GFN, MAP_GFN), -XEN_EINVAL);
	uint64_t idx = PW_RAM_GFN, gfn = MAP_GFN;
	int32_t err;
	assert_int_equal(batch(dom0, 6, XENMAPSPACE_gmfn_foreign, 1, &idx, &gfn, 1, &err), -XEN_ESRCH);
}

/* Only the target's own pages: not one it maps from elsewhere (a grant), nor its MMIO or holes. */
static void test_foreign_map_of_a_frame_the_target_does_not_own_is_refused(void **state)
{
	(void)state;
	assert_int_equal(gnttab_seed(d2, 7, 1, PW_RAM_GFN + 4), 0);
	struct gnttab_map_grant_ref *m = pw_arg(d1);
	*m = (struct gnttab_map_grant_ref){ .host_addr = MAP_GFN << 12, .flags = GNTMAP_host_map, .ref = 7, .dom = 2 };
	assert_int_equal(pw_call(d1, hcall_grant_table_op, GNTTABOP_map_grant_ref, PW_ARG, 1), 0);
	assert_int_equal(m->status, GNTST_okay);
	grant_handle_t h = m->handle;
	assert_int_equal(map1(dom0, 1, MAP_GFN, MAP_GFN), -XEN_EINVAL);
	assert_int_equal(p2m_map(&d1->p2m, ipa_init(0x9000ull << 12), pa_init(0x9000000), 4096, P2M_MMIO), 0);
	assert_int_equal(map1(dom0, 1, 0x9000, MAP_GFN), -XEN_EINVAL);
	pa_of(dom0, MAP_GFN, P2M_INVALID);
	struct gnttab_unmap_grant_ref *u = pw_arg(d1);
	*u = (struct gnttab_unmap_grant_ref){ .host_addr = MAP_GFN << 12, .handle = h };
	assert_int_equal(pw_call(d1, hcall_grant_table_op, GNTTABOP_unmap_grant_ref, PW_ARG, 1), 0);
}

/* The owner dies: the page it gave stays alive, the hypervisor's, until the mapper lets go. */
static void test_foreign_page_outlives_its_owner_until_removed(void **state)
{
	(void)state;
	paddr_t pa = pa_of(d1, PW_RAM_GFN + 5, P2M_RAM_RW);
	*(uint64_t *)pw_ptr(d1, (PW_RAM_GFN + 5) << 12) = 0xdead1;
	assert_int_equal(map1(dom0, 1, PW_RAM_GFN + 5, MAP_GFN), 0);
	pw_destroy(d1);
	assert_int_equal(frame_owner(pa), DOMID_XEN);
	assert_int_equal(*(uint64_t *)pw_ptr(dom0, MAP_GFN << 12), 0xdead1);
	uint64_t free = frame_free_count();
	assert_int_equal(remove_gfn(dom0, DOMID_SELF, MAP_GFN), 0);
	assert_int_equal(frame_owner(pa), FRAME_OWNER_NONE);
	assert_true(frame_free_count() > free);
}

/* The mapper dies first: its p2m's teardown puts the references. */
static void test_foreign_pages_are_released_by_the_mappers_teardown(void **state)
{
	(void)state;
	paddr_t pa = pa_of(d1, PW_RAM_GFN + 5, P2M_RAM_RW);
	assert_int_equal(map1(dom0, 1, PW_RAM_GFN + 5, MAP_GFN), 0);
	assert_int_equal(map1(dom0, 1, PW_RAM_GFN + 5, MAP_GFN + 1), 0);
	assert_int_equal(frame_refs(pa), 2);
	pw_destroy(dom0);
	assert_int_equal(frame_refs(pa), 0);
	assert_int_equal(frame_owner(pa), 1);
}

static void test_foreign_map_over_a_foreign_page_puts_the_old_reference(void **state)
{
	(void)state;
	paddr_t a = pa_of(d1, PW_RAM_GFN, P2M_RAM_RW), b = pa_of(d2, PW_RAM_GFN, P2M_RAM_RW);
	assert_int_equal(map1(dom0, 1, PW_RAM_GFN, MAP_GFN), 0);
	assert_int_equal(map1(dom0, 2, PW_RAM_GFN, MAP_GFN), 0);
	assert_int_equal(frame_refs(a), 0);
	assert_int_equal(frame_refs(b), 1);
}

/* libxc's seeding: the guest's table frame put at a scratch GFN of the guest, mapped by Dom0,
 * written, unmapped, and the scratch GFN removed; the guest's table shows the entry. */
static void test_toolstack_seeds_a_grant_through_the_guests_table_frame(void **state)
{
	(void)state;
	const uint64_t scratch = 0x70000;
	assert_int_equal(physmap(dom0, 1, XENMAPSPACE_grant_table, 0, scratch), 0);
	assert_int_equal(map1(dom0, 1, scratch, MAP_GFN), 0);
	struct grant_entry_v1 *e = pw_ptr(dom0, MAP_GFN << 12);
	e[3] = (struct grant_entry_v1){ .flags = GTF_permit_access, .domid = 0, .frame = PW_RAM_GFN + 2 };
	assert_int_equal(remove_gfn(dom0, DOMID_SELF, MAP_GFN), 0);
	assert_int_equal(remove_gfn(dom0, 1, scratch), 0);
	pa_of(d1, scratch, P2M_INVALID);
	struct gnttab_map_grant_ref *m = pw_arg(dom0);
	*m = (struct gnttab_map_grant_ref){ .host_addr = MAP_GFN << 12, .flags = GNTMAP_host_map, .ref = 3, .dom = 1 };
	assert_int_equal(pw_call(dom0, hcall_grant_table_op, GNTTABOP_map_grant_ref, PW_ARG, 1), 0);
	assert_int_equal(m->status, GNTST_okay);
	struct gnttab_unmap_grant_ref *u = pw_arg(dom0);
	*u = (struct gnttab_unmap_grant_ref){ .host_addr = MAP_GFN << 12, .handle = m->handle };
	assert_int_equal(pw_call(dom0, hcall_grant_table_op, GNTTABOP_unmap_grant_ref, PW_ARG, 1), 0);
}

/* A toolstack that dies holding a guest's table frame: the frame goes with the last reference. */
static void test_table_frame_mapped_across_the_guests_death_is_freed_at_the_unmap(void **state)
{
	(void)state;
	assert_int_equal(physmap(dom0, 1, XENMAPSPACE_grant_table, 0, 0x70000), 0);
	assert_int_equal(map1(dom0, 1, 0x70000, MAP_GFN), 0);
	paddr_t pa = pa_of(dom0, MAP_GFN, P2M_FOREIGN_RW);
	pw_destroy(d1);
	assert_int_equal(frame_owner(pa), DOMID_XEN);
	assert_int_equal(remove_gfn(dom0, DOMID_SELF, MAP_GFN), 0);
	assert_int_equal(frame_owner(pa), FRAME_OWNER_NONE);
}

static void test_remove_from_physmap_misuse_gets_xens_errnos(void **state)
{
	(void)state;
	assert_int_equal(remove_gfn(d1, DOMID_SELF, MAP_GFN), -XEN_ENOENT);
	assert_int_equal(remove_gfn(d1, DOMID_SELF, UINT64_C(1) << 40), -XEN_ENOENT);
	assert_int_equal(remove_gfn(d1, 2, PW_RAM_GFN), -XEN_EPERM);
	assert_int_equal(remove_gfn(dom0, 6, PW_RAM_GFN), -XEN_ESRCH);
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_remove_from_physmap, 0x10, 0), -XEN_EFAULT);
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_remove_from_physmap | 1 << MEMOP_EXTENT_SHIFT, PW_ARG, 0),
			 -XEN_EINVAL);
	/* A grant mapping is the grant table's to undo. */
	assert_int_equal(gnttab_seed(d2, 7, 1, PW_RAM_GFN + 4), 0);
	struct gnttab_map_grant_ref *m = pw_arg(d1);
	*m = (struct gnttab_map_grant_ref){ .host_addr = MAP_GFN << 12, .flags = GNTMAP_host_map, .ref = 7, .dom = 2 };
	assert_int_equal(pw_call(d1, hcall_grant_table_op, GNTTABOP_map_grant_ref, PW_ARG, 1), 0);
	grant_handle_t h = m->handle;
	assert_int_equal(remove_gfn(d1, DOMID_SELF, MAP_GFN), -XEN_ENOENT);
	struct gnttab_unmap_grant_ref *u = pw_arg(d1);
	*u = (struct gnttab_unmap_grant_ref){ .host_addr = MAP_GFN << 12, .handle = h };
	assert_int_equal(pw_call(d1, hcall_grant_table_op, GNTTABOP_unmap_grant_ref, PW_ARG, 1), 0);
}

/* Its own page leaves the p2m but stays its (Xen's rule): counted until the domain goes. */
static void test_remove_from_physmap_of_own_ram_keeps_the_frame(void **state)
{
	(void)state;
	uint64_t held = frame_count(1);
	paddr_t pa = pa_of(d1, PW_RAM_GFN + 1, P2M_RAM_RW);
	assert_int_equal(remove_gfn(d1, DOMID_SELF, PW_RAM_GFN + 1), 0);
	pa_of(d1, PW_RAM_GFN + 1, P2M_INVALID);
	assert_int_equal(frame_count(1), held);
	assert_int_equal(frame_owner(pa), 1);
	/* The control domain may do it to anyone; shared_info moved away and removed is unmapped. */
	assert_int_equal(physmap(d2, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x90000), 0);
	assert_int_equal(remove_gfn(dom0, 2, 0x90000), 0);
	assert_int_equal(d2->shared_gfn, SHARED_UNMAPPED);
}

static void test_batch_misuse_fails_the_call(void **state)
{
	(void)state;
	uint64_t idx = PW_RAM_GFN, gfn = MAP_GFN;
	int32_t err;
	assert_int_equal(batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_range, 1, &idx, &gfn, 1, &err), -XEN_ENOTSUP);
	assert_int_equal(pw_call(dom0, hcall_memory_op, XENMEM_add_to_physmap_batch, 0x10, 0), -XEN_EFAULT);
	struct xen_add_to_physmap_batch *b = pw_arg(dom0);
	*b = (struct xen_add_to_physmap_batch){ .domid = DOMID_SELF,
						.space = XENMAPSPACE_gmfn_foreign,
						.size = 1,
						.foreign_domid = 1,
						.idxs = 0x10,
						.gpfns = GPFNS,
						.errs = ERRS };
	assert_int_equal(pw_call(dom0, hcall_memory_op, XENMEM_add_to_physmap_batch, PW_ARG, 0), -XEN_EFAULT);
	b->idxs = IDXS;
	b->errs = 0x10;
	assert_int_equal(pw_call(dom0, hcall_memory_op, XENMEM_add_to_physmap_batch, PW_ARG, 0), -XEN_EFAULT);
	b->errs = ERRS;
	assert_int_equal(
	    pw_call(dom0, hcall_memory_op, XENMEM_add_to_physmap_batch | 2 << MEMOP_EXTENT_SHIFT, PW_ARG, 0),
	    -XEN_EILSEQ);
	b->size = 0;
	assert_int_equal(pw_call(dom0, hcall_memory_op, XENMEM_add_to_physmap_batch, PW_ARG, 0), 0);
}

static void test_batch_of_many_pages_continues_with_every_result(void **state)
{
	(void)state;
	uint64_t idxs[MAX], gpfns[MAX];
	int32_t errs[MAX];
	for (unsigned i = 0; i < MAX; i++) {
		idxs[i] = PW_RAM_GFN + i % (PW_PAGES - 1);
		gpfns[i] = MAP_GFN + i;
	}
	assert_int_equal(batch(dom0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns, MAX, errs), 0);
	assert_int_equal(pw_continuations, 1);
	for (unsigned i = 0; i < MAX; i++)
		assert_int_equal(errs[i], 0);
	pa_of(dom0, MAP_GFN + MAX - 1, P2M_FOREIGN_RW);
}

/* add_to_physmap, one page: shared_info moves (and a RAM page it covers is freed, as in Xen). */
static void test_add_to_physmap_shared_info_moves_and_frees_what_it_covers(void **state)
{
	(void)state;
	paddr_t ram = pa_of(d1, PW_RAM_GFN + 2, P2M_RAM_RW);
	assert_int_equal(physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, PW_RAM_GFN + 2), 0);
	assert_int_equal(frame_owner(ram), FRAME_OWNER_NONE);
	assert_int_equal(pa_addr(pa_of(d1, PW_RAM_GFN + 2, P2M_RAM_RW)), pa_addr(d1->shared_info));
	assert_int_equal(physmap(dom0, 1, XENMAPSPACE_shared_info, 0, 0x90000), 0);
	pa_of(d1, PW_RAM_GFN + 2, P2M_INVALID);
	assert_int_equal(d1->shared_gfn, 0x90000);
}

static void test_add_to_physmap_hostile_arguments(void **state)
{
	(void)state;
	assert_int_equal(physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 1, 0x90000), -XEN_EINVAL);
	assert_int_equal(physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, UINT64_C(1) << 40), -XEN_EINVAL);
	assert_int_equal(physmap(d1, DOMID_SELF, 42, 0, 0x90000), -XEN_ENOSYS);
	assert_int_equal(physmap(d1, DOMID_SELF, XENMAPSPACE_gmfn_foreign, PW_RAM_GFN, 0x90000), -XEN_ENOSYS);
	assert_int_equal(physmap(d1, 2, XENMAPSPACE_shared_info, 0, 0x90000), -XEN_EPERM);
	assert_int_equal(physmap(d1, 6, XENMAPSPACE_shared_info, 0, 0x90000), -XEN_ESRCH);
	assert_int_equal(pw_call(d1, hcall_memory_op, XENMEM_add_to_physmap, 0x10, 0), -XEN_EFAULT);
	assert_int_equal(pw_call(d1, hcall_memory_op, 30, PW_ARG, 0), -XEN_ENOSYS);
	/* Over a foreign page: not shared_info's to overwrite. */
	assert_int_equal(map1(dom0, 1, PW_RAM_GFN, MAP_GFN), 0);
	assert_int_equal(physmap(dom0, DOMID_SELF, XENMAPSPACE_shared_info, 0, MAP_GFN), -XEN_EBUSY);
	assert_int_equal(d1->shared_gfn, SHARED_UNMAPPED);
}

/* A hypercall's argument in a foreign page is read and written like the caller's own RAM. */
static void test_hypercall_arguments_in_a_foreign_page_are_the_callers_to_use(void **state)
{
	(void)state;
	assert_int_equal(map1(dom0, 1, PW_RAM_GFN + 7, MAP_GFN), 0);
	struct xen_remove_from_physmap *r = pw_ptr(dom0, MAP_GFN << 12);
	*r = (struct xen_remove_from_physmap){ .domid = 2, .gpfn = PW_RAM_GFN + 1 };
	assert_int_equal(pw_call(dom0, hcall_memory_op, XENMEM_remove_from_physmap, MAP_GFN << 12, 0), 0);
	pa_of(d2, PW_RAM_GFN + 1, P2M_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, pw_setup, pw_teardown)
		T(test_foreign_map_gives_dom0_the_domus_page),
		T(test_foreign_batch_reports_each_page_and_goes_on),
		T(test_foreign_map_by_an_unprivileged_domain_is_eperm),
		T(test_foreign_map_unknown_domains_and_self_are_refused),
		T(test_foreign_map_of_a_frame_the_target_does_not_own_is_refused),
		T(test_foreign_page_outlives_its_owner_until_removed),
		T(test_foreign_pages_are_released_by_the_mappers_teardown),
		T(test_foreign_map_over_a_foreign_page_puts_the_old_reference),
		T(test_toolstack_seeds_a_grant_through_the_guests_table_frame),
		T(test_table_frame_mapped_across_the_guests_death_is_freed_at_the_unmap),
		T(test_remove_from_physmap_misuse_gets_xens_errnos),
		T(test_remove_from_physmap_of_own_ram_keeps_the_frame),
		T(test_batch_misuse_fails_the_call),
		T(test_batch_of_many_pages_continues_with_every_result),
		T(test_add_to_physmap_shared_info_moves_and_frees_what_it_covers),
		T(test_add_to_physmap_hostile_arguments),
		T(test_hypercall_arguments_in_a_foreign_page_are_the_callers_to_use),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
