/* Grant tables through grant_table_op and add_to_physmap, on the real frame allocator, heap and
 * p2m: Xen's statuses and errnos for each op and misuse, the shared flags, frame references. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gnttab/gnttab.h"
#include "hal/mmu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "mm/guest_copy.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "public/grant_table.h"
#include "tests/gnttab/fake_hal.h"

#define RAM_GFN   UINT64_C(0x40000) /* each domain's RAM: NPAGES pages from here */
#define NPAGES    16
#define ARG       ((RAM_GFN + NPAGES - 1) << 12) /* hypercall arguments live in the last page */
#define TABLE_GFN UINT64_C(0x38000)              /* where each domain maps its table (Xen's GUEST_GNTTAB_BASE) */
#define MAP_GFN   UINT64_C(0x50000)              /* a hole where mappers put grants */

struct tdom {
	struct domain d;
	struct vcpu v;
	paddr_t ram[NPAGES];
};

static struct tdom A, B, C; /* A (id 1) grants, B (id 2) maps, C (id 3) stands by */

/* The guest's view: VA == IPA, through its p2m, as guest_copy would (RAM and grants). */
static void *ipa_ptr(struct p2m *p2m, uint64_t ipa, bool write)
{
	paddr_t pa;
	enum p2m_type t = p2m_lookup(p2m, ipa_init(ipa), &pa, NULL);
	if (t == P2M_RAM_RW || t == P2M_GRANT_RW || (!write && (t == P2M_RAM_RO || t == P2M_GRANT_RO)))
		return hal_pa_to_va(pa);
	return NULL;
}

static int guest_access(struct p2m *p2m, uint64_t gva, uint8_t *buf, size_t len, bool write)
{
	while (len) {
		size_t n = 4096 - (gva & 4095);
		n = n < len ? n : len;
		uint8_t *p = ipa_ptr(p2m, gva, write);
		if (!p)
			return -XEN_EFAULT;
		if (write)
			memcpy(p, buf, n);
		else
			memcpy(buf, p, n);
		gva += n, buf += n, len -= n;
	}
	return 0;
}

int copy_from_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, void *dst, uint64_t gva, size_t len)
{
	(void)v;
	return guest_access(p2m, gva, dst, len, false);
}

int copy_to_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, const void *src, size_t len)
{
	(void)v;
	return guest_access(p2m, gva, (uint8_t *)(uintptr_t)src, len, true);
}

static void *gptr(struct tdom *t, uint64_t ipa) { return ipa_ptr(&t->d.p2m, ipa, true); }

static void dom_make(struct tdom *t, domid_t id)
{
	memset(t, 0, sizeof(*t));
	t->d.id = id;
	t->d.shared_gfn = SHARED_UNMAPPED;
	assert_int_equal(p2m_init(&t->d.p2m, id, (uint16_t)(id + 1)), 0);
	assert_int_equal(frame_alloc(id, 0, &t->d.shared_info), 0);
	for (unsigned i = 0; i < NPAGES; i++) {
		assert_int_equal(frame_alloc(id, 0, &t->ram[i]), 0);
		assert_int_equal(p2m_map(&t->d.p2m, ipa_init((RAM_GFN + i) << 12), t->ram[i], 4096, P2M_RAM_RW), 0);
	}
	t->v.dom = &t->d;
	t->d.vcpu[0] = &t->v;
	t->d.nr_vcpus = 1;
	assert_int_equal(gnttab_domain_init(&t->d), 0);
	assert_int_equal(gnttab_map_frame(&t->d, 0, TABLE_GFN), 0);
}

/* domain_destroy's order. */
static void dom_kill(struct tdom *t)
{
	gnttab_domain_destroy(&t->d);
	p2m_destroy(&t->d.p2m);
	frame_release_all(t->d.id);
}

static struct grant_entry_v1 *entry(struct tdom *t, grant_ref_t ref)
{
	return (struct grant_entry_v1 *)gptr(t, (TABLE_GFN << 12) + ref * sizeof(struct grant_entry_v1));
}

/* The granter's side, as a guest does it: frame, domid, then flags. */
static void grant(struct tdom *t, grant_ref_t ref, domid_t to, unsigned page, uint16_t flags)
{
	struct grant_entry_v1 *e = entry(t, ref);
	e->frame = (uint32_t)(RAM_GFN + page);
	e->domid = to;
	e->flags = flags;
}

static long op(struct tdom *t, uint32_t cmd, void *args, size_t size, uint32_t count)
{
	bool yield = false;
	uint64_t a[5] = { cmd, ARG, count, 0, 0 };

	memcpy(gptr(t, ARG), args, size * (count ? count : 1));
	long rc = hcall_grant_table_op(&t->v, a, &yield);
	memcpy(args, gptr(t, ARG), size * (count ? count : 1));
	assert_false(yield);
	return rc;
}

/* The call alone, on whatever the argument page holds. */
static long raw(struct tdom *t, uint32_t cmd, uint32_t count)
{
	bool yield = false;
	uint64_t a[5] = { cmd, ARG, count, 0, 0 };
	return hcall_grant_table_op(&t->v, a, &yield);
}

static struct gnttab_map_grant_ref map_op(domid_t dom, grant_ref_t ref, uint64_t gfn, uint32_t flags)
{
	return (struct gnttab_map_grant_ref){ .host_addr = gfn << 12, .flags = flags, .ref = ref, .dom = dom };
}

/* B maps A's @ref at @gfn; the status. */
static int16_t map(grant_ref_t ref, uint64_t gfn, uint32_t flags, grant_handle_t *h)
{
	struct gnttab_map_grant_ref m = map_op(A.d.id, ref, gfn, flags);
	assert_int_equal(op(&B, GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
	if (h)
		*h = m.handle;
	return m.status;
}

static int16_t unmap(grant_handle_t h, uint64_t gfn, uint64_t dev_bus_addr)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = gfn << 12, .dev_bus_addr = dev_bus_addr, .handle = h };
	assert_int_equal(op(&B, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	return u.status;
}

static uint64_t heap_before, free_before;

static int setup(void **state)
{
	(void)state;
	fake_hal_reset();
	heap_before = heap_bytes_in_use();
	free_before = frame_free_count();
	dom_make(&A, 1);
	dom_make(&B, 2);
	dom_make(&C, 3);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dom_kill(&C);
	dom_kill(&B);
	dom_kill(&A);
	/* Nothing leaked: every frame back (p2m tables included) and the heap as it was. */
	assert_int_equal(frame_count(1) + frame_count(2) + frame_count(3), 0);
	assert_int_equal(heap_bytes_in_use(), heap_before);
	assert_int_equal(frame_free_count(), free_before);
	return 0;
}

static void test_gnttab_query_size_reports_one_frame_of_64(void **state)
{
	(void)state;
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	assert_int_equal(op(&A, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	assert_int_equal(q.status, GNTST_okay);
	assert_int_equal(q.nr_frames, 1);
	assert_int_equal(q.max_nr_frames, 64);
	q.dom = 2; /* another domain's: only the control domain may ask */
	assert_int_equal(op(&A, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	assert_int_equal(q.status, GNTST_permission_denied);
	q.dom = 9;
	assert_int_equal(op(&A, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	assert_int_equal(q.status, GNTST_bad_domain);
	assert_int_equal(raw(&A, GNTTABOP_query_size, 2), -XEN_EINVAL);
}

static void test_gnttab_setup_table_grows_and_reports_invalid_gfn_until_mapped(void **state)
{
	(void)state;
	uint64_t list = ARG + 512;
	struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 3, .frame_list = list };
	assert_int_equal(op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	assert_int_equal(s.status, GNTST_okay);
	uint64_t *gfns = gptr(&A, list);
	assert_int_equal(gfns[0], TABLE_GFN);
	assert_int_equal(gfns[1], UINT64_MAX);
	assert_int_equal(gfns[2], UINT64_MAX);
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	op(&A, GNTTABOP_query_size, &q, sizeof(q), 1);
	assert_int_equal(q.nr_frames, 3);
	/* Frame 2 mapped: the next setup_table says where; frame 5 grows the table to 6. */
	assert_int_equal(gnttab_map_frame(&A.d, 2, TABLE_GFN + 2), 0);
	assert_int_equal(gnttab_map_frame(&A.d, 5, TABLE_GFN + 5), 0);
	op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1);
	assert_int_equal(gfns[2], TABLE_GFN + 2);
	op(&A, GNTTABOP_query_size, &q, sizeof(q), 1);
	assert_int_equal(q.nr_frames, 6);
	/* Beyond the maximum, a bad list, a bad domain, a batch. */
	s.nr_frames = 65;
	op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1);
	assert_int_equal(s.status, GNTST_general_error);
	s = (struct gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 2, .frame_list = 0x1000 };
	op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1);
	assert_int_equal(s.status, GNTST_bad_virt_addr);
	s.dom = 42;
	op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1);
	assert_int_equal(s.status, GNTST_bad_domain);
	assert_int_equal(raw(&A, GNTTABOP_setup_table, 0), -XEN_EINVAL);
}

static void test_gnttab_map_frame_moves_frame_and_refuses_status_and_excess(void **state)
{
	(void)state;
	paddr_t pa;
	assert_int_equal(p2m_lookup(&A.d.p2m, ipa_init(TABLE_GFN << 12), &pa, NULL), P2M_RAM_RW);
	assert_int_equal(frame_owner(pa), DOMID_XEN); /* the hypervisor's, shared with the guest */
	/* Moved over a RAM page of the domain's: the table frame is there, the RAM page freed. */
	uint64_t held = frame_count(1);
	assert_int_equal(gnttab_map_frame(&A.d, 0, RAM_GFN + 3), 0);
	assert_int_equal(p2m_lookup(&A.d.p2m, ipa_init(TABLE_GFN << 12), NULL, NULL), P2M_INVALID);
	paddr_t now;
	assert_int_equal(p2m_lookup(&A.d.p2m, ipa_init((RAM_GFN + 3) << 12), &now, NULL), P2M_RAM_RW);
	assert_int_equal(pa_addr(now), pa_addr(pa));
	assert_int_equal(frame_count(1), held - 1);
	assert_int_equal(frame_owner(A.ram[3]), FRAME_OWNER_NONE);
	assert_int_equal(gnttab_map_frame(&A.d, 0, TABLE_GFN), 0);
	assert_int_equal(gnttab_map_frame(&A.d, XENMAPIDX_grant_table_status | 0, TABLE_GFN), -XEN_EINVAL);
	assert_int_equal(gnttab_map_frame(&A.d, 64, TABLE_GFN + 64), -XEN_EINVAL);
	assert_int_equal(gnttab_map_frame(&A.d, 1, UINT64_C(1) << 28), -XEN_EINVAL); /* beyond 40-bit IPA */
}

static void test_gnttab_map_frame_displaces_only_what_it_may(void **state)
{
	(void)state;
	uint64_t list = ARG + 512;
	struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 2, .frame_list = list };
	uint64_t *gfns = gptr(&A, list);
	/* Frame 1 put where frame 0 is: frame 0 is unmapped, not freed, and says so. */
	assert_int_equal(gnttab_map_frame(&A.d, 1, TABLE_GFN), 0);
	op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1);
	assert_int_equal(gfns[0], UINT64_MAX);
	assert_int_equal(gfns[1], TABLE_GFN);
	/* Over shared_info: that mapping goes, and the domain knows shared_info is nowhere. */
	A.d.shared_gfn = RAM_GFN + 13;
	assert_int_equal(p2m_map(&A.d.p2m, ipa_init(A.d.shared_gfn << 12), A.d.shared_info, 4096, P2M_RAM_RW), 0);
	frame_free(A.d.id, A.ram[13], 0);
	assert_int_equal(gnttab_map_frame(&A.d, 0, RAM_GFN + 13), 0);
	assert_int_equal(A.d.shared_gfn, SHARED_UNMAPPED);
	assert_int_equal(frame_owner(A.d.shared_info), A.d.id); /* still the domain's, not freed */
	/* Never over a grant mapping. */
	grant(&B, 3, A.d.id, 0, GTF_permit_access);
	struct gnttab_map_grant_ref m = map_op(B.d.id, 3, MAP_GFN, GNTMAP_host_map);
	op(&A, GNTTABOP_map_grant_ref, &m, sizeof(m), 1);
	assert_int_equal(m.status, GNTST_okay);
	assert_int_equal(gnttab_map_frame(&A.d, 0, MAP_GFN), -XEN_EBUSY);
	/* Another domain's table: the control domain's business only. */
	s.dom = B.d.id;
	op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1);
	assert_int_equal(s.status, GNTST_permission_denied);
	A.d.privileged = true;
	op(&A, GNTTABOP_setup_table, &s, sizeof(s), 1);
	assert_int_equal(s.status, GNTST_okay);
	assert_int_equal(gfns[0], TABLE_GFN);
	A.d.privileged = false;
}

static void test_gnttab_map_sets_reading_writing_and_takes_a_frame_reference(void **state)
{
	(void)state;
	grant_handle_t h;
	grant(&A, 5, B.d.id, 2, GTF_permit_access);
	memcpy(gptr(&A, (RAM_GFN + 2) << 12), "granted", 8);
	assert_int_equal(frame_refs(A.ram[2]), 0);

	struct gnttab_map_grant_ref m = map_op(A.d.id, 5, MAP_GFN, GNTMAP_host_map);
	assert_int_equal(op(&B, GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
	assert_int_equal(m.status, GNTST_okay);
	h = m.handle;
	assert_int_equal(m.dev_bus_addr, pa_addr(A.ram[2]));
	assert_int_equal(entry(&A, 5)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(frame_refs(A.ram[2]), 1);
	assert_int_equal(gnttab_maps_held(&B.d), 1);
	paddr_t pa;
	assert_int_equal(p2m_lookup(&B.d.p2m, ipa_init(MAP_GFN << 12), &pa, NULL), P2M_GRANT_RW);
	assert_int_equal(pa_addr(pa), pa_addr(A.ram[2]));
	assert_string_equal(gptr(&B, MAP_GFN << 12), "granted"); /* B reads A's page */

	/* While mapped, the granter cannot give the frame back. */
	assert_int_equal(frame_free(A.d.id, A.ram[2], 0), -XEN_EINVAL);

	assert_int_equal(unmap(h, MAP_GFN, 0), GNTST_okay);
	assert_int_equal(entry(&A, 5)->flags, GTF_permit_access);
	assert_int_equal(frame_refs(A.ram[2]), 0);
	assert_int_equal(gnttab_maps_held(&B.d), 0);
	assert_int_equal(p2m_lookup(&B.d.p2m, ipa_init(MAP_GFN << 12), NULL, NULL), P2M_INVALID);
}

static void test_gnttab_map_without_permit_access_returns_general_error(void **state)
{
	(void)state;
	/* Xen 4.17's _set_status_v1 answers GNTST_general_error here (not permission_denied, which is
	 * XSM's); the entry is left as it was and nothing is referenced. */
	grant(&A, 1, B.d.id, 0, 0);
	assert_int_equal(map(1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
	grant(&A, 1, B.d.id, 0, GTF_accept_transfer);
	assert_int_equal(map(1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
	grant(&A, 1, B.d.id, 0, GTF_permit_access | GTF_sub_page);
	assert_int_equal(map(1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(entry(&A, 1)->flags, GTF_permit_access | GTF_sub_page);
	assert_int_equal(frame_refs(A.ram[0]), 0);
	assert_int_equal(p2m_lookup(&B.d.p2m, ipa_init(MAP_GFN << 12), NULL, NULL), P2M_INVALID);
	assert_int_equal(gnttab_maps_held(&B.d), 0);
}

static void test_gnttab_map_of_grant_to_another_domain_returns_general_error(void **state)
{
	(void)state;
	grant(&A, 2, C.d.id, 0, GTF_permit_access);
	assert_int_equal(map(2, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(entry(&A, 2)->flags, GTF_permit_access);
}

static void test_gnttab_readonly_grant_mapped_writable_returns_general_error(void **state)
{
	(void)state;
	grant_handle_t h;
	grant(&A, 3, B.d.id, 1, GTF_permit_access | GTF_readonly);
	assert_int_equal(map(3, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(entry(&A, 3)->flags, GTF_permit_access | GTF_readonly);
	/* Read-only it maps, read-only in B's p2m, and only GTF_reading is set. */
	assert_int_equal(map(3, MAP_GFN, GNTMAP_host_map | GNTMAP_readonly, &h), GNTST_okay);
	assert_int_equal(p2m_lookup(&B.d.p2m, ipa_init(MAP_GFN << 12), NULL, NULL), P2M_GRANT_RO);
	assert_int_equal(entry(&A, 3)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	assert_int_equal(unmap(h, MAP_GFN, 0), GNTST_okay);
	assert_int_equal(entry(&A, 3)->flags, GTF_permit_access | GTF_readonly);
}

static void test_gnttab_map_misuse_gets_xens_status_in_xens_order(void **state)
{
	(void)state;
	grant(&A, 4, B.d.id, 0, GTF_permit_access);
	assert_int_equal(map(4, MAP_GFN, 0, NULL), GNTST_bad_gntref); /* neither host nor device map */
	assert_int_equal(map(4, MAP_GFN, GNTMAP_device_map, NULL), GNTST_general_error);
	assert_int_equal(map(4, MAP_GFN, GNTMAP_host_map | GNTMAP_contains_pte, NULL), GNTST_general_error);
	assert_int_equal(map(4, MAP_GFN, GNTMAP_host_map | GNTMAP_application_map, NULL), GNTST_general_error);
	assert_int_equal(map(512, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_gntref); /* one frame: 512 refs */
	assert_int_equal(map(UINT32_MAX, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	struct gnttab_map_grant_ref m = map_op(DOMID_SELF, 4, MAP_GFN, GNTMAP_host_map);
	op(&B, GNTTABOP_map_grant_ref, &m, sizeof(m), 1);
	assert_int_equal(m.status, GNTST_bad_domain); /* map names the granter by its real id */
	m = map_op(7, 4, MAP_GFN, GNTMAP_host_map);
	op(&B, GNTTABOP_map_grant_ref, &m, sizeof(m), 1);
	assert_int_equal(m.status, GNTST_bad_domain);
	/* Over something already mapped, beyond the IPA space, or a cache attribute: the pin undone. */
	assert_int_equal(map(4, RAM_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(map(4, UINT64_C(1) << 28, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(map(4, MAP_GFN, GNTMAP_host_map | (1u << 16), NULL), GNTST_general_error);
	grant(&A, 4, B.d.id, 0, GTF_permit_access | GTF_PAT);
	assert_int_equal(map(4, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
	assert_int_equal(entry(&A, 4)->flags, GTF_permit_access | GTF_PAT);
	assert_int_equal(frame_refs(A.ram[0]), 0);
	assert_int_equal(gnttab_maps_held(&B.d), 0);
}

static void test_gnttab_map_of_frame_not_granters_ram_returns_bad_page(void **state)
{
	(void)state;
	struct grant_entry_v1 *e = entry(&A, 6);
	e->domid = B.d.id;
	e->frame = 0x12345; /* a hole */
	e->flags = GTF_permit_access;
	assert_int_equal(map(6, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_page);
	assert_int_equal(e->flags, GTF_permit_access);
	e->frame = (uint32_t)TABLE_GFN; /* its table frame: the hypervisor's, not grantable */
	assert_int_equal(map(6, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_page);
	assert_int_equal(e->flags, GTF_permit_access);
}

static void test_gnttab_unmap_bad_handle_returns_bad_handle(void **state)
{
	(void)state;
	grant_handle_t h;
	assert_int_equal(unmap(0, MAP_GFN, 0), GNTST_bad_handle); /* never issued */
	assert_int_equal(unmap(UINT32_MAX, MAP_GFN, 0), GNTST_bad_handle);
	grant(&A, 7, B.d.id, 0, GTF_permit_access);
	assert_int_equal(map(7, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
	assert_int_equal(unmap(h + 1, MAP_GFN, 0), GNTST_bad_handle); /* allocated, never mapped */
	assert_int_equal(unmap(h, MAP_GFN, 0), GNTST_okay);
	assert_int_equal(unmap(h, MAP_GFN, 0), GNTST_bad_handle); /* twice */
	assert_int_equal(frame_refs(A.ram[0]), 0);
}

static void test_gnttab_unmap_checks_host_addr_and_ignores_dev_bus_addr(void **state)
{
	(void)state;
	grant_handle_t h;
	grant(&A, 8, B.d.id, 0, GTF_permit_access);
	assert_int_equal(map(8, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
	/* Deliberately not Xen 4.17, which answers okay here (measured) and drops the handle, the pin
	 * and the reference while the page stays mapped at MAP_GFN: we keep all four. */
	assert_int_equal(unmap(h, MAP_GFN + 1, 0), GNTST_general_error);
	assert_int_equal(frame_refs(A.ram[0]), 1);
	/* host_addr 0 undoes no host mapping: nothing done, and that is success (Xen). */
	assert_int_equal(unmap(h, 0, 0), GNTST_okay);
	assert_int_equal(frame_refs(A.ram[0]), 1);
	/* A wrong dev_bus_addr is only Xen's business for device mappings (none on arm): measured
	 * under Xen 4.17, the host mapping goes anyway. */
	assert_int_equal(unmap(h, MAP_GFN, pa_addr(A.ram[1])), GNTST_okay);
	assert_int_equal(frame_refs(A.ram[0]), 0);
}

static void test_gnttab_bits_clear_only_with_the_last_mapping(void **state)
{
	(void)state;
	grant_handle_t ro, rw1, rw2;
	grant(&A, 9, B.d.id, 4, GTF_permit_access);
	assert_int_equal(map(9, MAP_GFN, GNTMAP_host_map | GNTMAP_readonly, &ro), GNTST_okay);
	assert_int_equal(entry(&A, 9)->flags, GTF_permit_access | GTF_reading);
	assert_int_equal(map(9, MAP_GFN + 1, GNTMAP_host_map, &rw1), GNTST_okay);
	assert_int_equal(map(9, MAP_GFN + 2, GNTMAP_host_map, &rw2), GNTST_okay);
	assert_int_equal(entry(&A, 9)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(frame_refs(A.ram[4]), 3);
	/* A pinned entry belongs to its mapper: another domain cannot pin it meanwhile. */
	struct gnttab_map_grant_ref m = map_op(A.d.id, 9, MAP_GFN, GNTMAP_host_map);
	op(&C, GNTTABOP_map_grant_ref, &m, sizeof(m), 1);
	assert_int_equal(m.status, GNTST_general_error);
	assert_int_equal(unmap(rw1, MAP_GFN + 1, 0), GNTST_okay);
	assert_int_equal(entry(&A, 9)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(unmap(rw2, MAP_GFN + 2, 0), GNTST_okay);
	assert_int_equal(entry(&A, 9)->flags, GTF_permit_access | GTF_reading);
	assert_int_equal(unmap(ro, MAP_GFN, 0), GNTST_okay);
	assert_int_equal(entry(&A, 9)->flags, GTF_permit_access);
	assert_int_equal(frame_refs(A.ram[4]), 0);
}

static void test_gnttab_unmap_and_replace_can_only_remove(void **state)
{
	(void)state;
	grant_handle_t h;
	grant(&A, 14, B.d.id, 0, GTF_permit_access);
	assert_int_equal(map(14, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
	struct gnttab_unmap_and_replace r = { .host_addr = MAP_GFN << 12,
					      .new_addr = (MAP_GFN + 1) << 12,
					      .handle = h };
	assert_int_equal(op(&B, GNTTABOP_unmap_and_replace, &r, sizeof(r), 1), 0);
	assert_int_equal(r.status, GNTST_general_error);
	assert_int_equal(frame_refs(A.ram[0]), 1);
	r.new_addr = 0;
	assert_int_equal(op(&B, GNTTABOP_unmap_and_replace, &r, sizeof(r), 1), 0);
	assert_int_equal(r.status, GNTST_okay);
	assert_int_equal(frame_refs(A.ram[0]), 0);
	assert_int_equal(entry(&A, 14)->flags, GTF_permit_access);
	assert_int_equal(op(&B, GNTTABOP_unmap_and_replace, &r, sizeof(r), 1), 0);
	assert_int_equal(r.status, GNTST_bad_handle);
}

static void test_gnttab_swap_exchanges_idle_entries_and_refuses_busy_ones(void **state)
{
	(void)state;
	grant_handle_t h;
	grant(&A, 15, B.d.id, 1, GTF_permit_access);
	grant(&A, 16, C.d.id, 2, GTF_permit_access | GTF_readonly);
	struct gnttab_swap_grant_ref s[3] = { { 15, 16, 1 }, { 15, 512, 1 }, { 15, 15, 1 } };
	assert_int_equal(op(&A, GNTTABOP_swap_grant_ref, s, sizeof(s[0]), 3), 0);
	assert_int_equal(s[0].status, GNTST_okay);
	assert_int_equal(s[1].status, GNTST_bad_gntref);
	assert_int_equal(s[2].status, GNTST_okay);
	assert_int_equal(entry(&A, 15)->domid, C.d.id);
	assert_int_equal(entry(&A, 15)->frame, RAM_GFN + 2);
	assert_int_equal(entry(&A, 16)->flags, GTF_permit_access);
	assert_int_equal(map(16, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
	s[0] = (struct gnttab_swap_grant_ref){ 16, 15, 1 };
	assert_int_equal(op(&A, GNTTABOP_swap_grant_ref, s, sizeof(s[0]), 1), 0);
	assert_int_equal(s[0].status, GNTST_eagain); /* mapped: the granter must wait */
	assert_int_equal(unmap(h, MAP_GFN, 0), GNTST_okay);
}

static void test_gnttab_v1_has_no_status_frames(void **state)
{
	(void)state;
	struct gnttab_get_status_frames g = { .nr_frames = 1, .dom = DOMID_SELF, .frame_list = ARG + 256 };
	assert_int_equal(op(&A, GNTTABOP_get_status_frames, &g, sizeof(g), 1), 0);
	assert_int_equal(g.status, GNTST_general_error);
	g.nr_frames = 0;
	assert_int_equal(op(&A, GNTTABOP_get_status_frames, &g, sizeof(g), 1), 0);
	assert_int_equal(g.status, GNTST_okay);
	g.dom = 2;
	assert_int_equal(op(&A, GNTTABOP_get_status_frames, &g, sizeof(g), 1), 0);
	assert_int_equal(g.status, GNTST_permission_denied);
	g.dom = 12;
	assert_int_equal(op(&A, GNTTABOP_get_status_frames, &g, sizeof(g), 1), 0);
	assert_int_equal(g.status, GNTST_bad_domain);
}

static void test_gnttab_pins_stop_at_127_per_kind(void **state)
{
	(void)state;
	grant(&A, 10, B.d.id, 0, GTF_permit_access);
	grant_handle_t h[128];
	for (unsigned i = 0; i < 127; i++)
		assert_int_equal(map(10, MAP_GFN + i, GNTMAP_host_map | GNTMAP_readonly, &h[i]), GNTST_okay);
	assert_int_equal(map(10, MAP_GFN + 127, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_general_error);
	assert_int_equal(frame_refs(A.ram[0]), 127);
	for (unsigned i = 0; i < 127; i++)
		assert_int_equal(unmap(h[i], MAP_GFN + i, 0), GNTST_okay);
	assert_int_equal(frame_refs(A.ram[0]), 0);
	assert_int_equal(entry(&A, 10)->flags, GTF_permit_access);
}

static void test_gnttab_map_batch_reports_status_per_element(void **state)
{
	(void)state;
	grant(&A, 11, B.d.id, 5, GTF_permit_access);
	grant(&A, 12, B.d.id, 6, GTF_permit_access);
	struct gnttab_map_grant_ref m[3] = {
		map_op(A.d.id, 11, MAP_GFN, GNTMAP_host_map),
		map_op(A.d.id, 13, MAP_GFN + 1, GNTMAP_host_map), /* never granted */
		map_op(A.d.id, 12, MAP_GFN + 2, GNTMAP_host_map),
	};
	assert_int_equal(op(&B, GNTTABOP_map_grant_ref, m, sizeof(m[0]), 3), 0);
	assert_int_equal(m[0].status, GNTST_okay);
	assert_int_equal(m[1].status, GNTST_general_error);
	assert_int_equal(m[2].status, GNTST_okay);
	struct gnttab_unmap_grant_ref u[3] = {
		{ .host_addr = MAP_GFN << 12, .handle = m[0].handle },
		{ .host_addr = MAP_GFN << 12, .handle = 999 },
		{ .host_addr = (MAP_GFN + 2) << 12, .handle = m[2].handle },
	};
	assert_int_equal(op(&B, GNTTABOP_unmap_grant_ref, u, sizeof(u[0]), 3), 0);
	assert_int_equal(u[0].status, GNTST_okay);
	assert_int_equal(u[1].status, GNTST_bad_handle);
	assert_int_equal(u[2].status, GNTST_okay);
	assert_int_equal(frame_refs(A.ram[5]) + frame_refs(A.ram[6]), 0);
}

static void test_gnttab_long_batches_continue_every_128_ops(void **state)
{
	(void)state;
	const uint64_t base = (RAM_GFN + 10) << 12; /* three pages of arguments */
	struct gnttab_map_grant_ref *m = gptr(&B, base);
	for (grant_ref_t r = 0; r < 300; r++) {
		grant(&A, r, B.d.id, r % 8, GTF_permit_access);
		struct gnttab_map_grant_ref one = map_op(A.d.id, r, MAP_GFN + r, GNTMAP_host_map);
		assert_int_equal(copy_to_guest(&B.v.ctx, &B.d.p2m, base + r * sizeof(one), &one, sizeof(one)), 0);
	}
	bool yield = false;
	uint64_t pc = 0x40001000;
	B.v.ctx = (struct hal_vcpu_ctx){ .x = { GNTTABOP_map_grant_ref, base, 300 }, .pc = pc };
	unsigned calls = 0;
	do {
		long rc = hcall_grant_table_op(&B.v, B.v.ctx.x, &yield);
		B.v.ctx.x[0] = (uint64_t)rc; /* hcall_dispatch's part */
		pc += 4;                     /* the HVC again, or past it */
		B.v.ctx.pc += 4;
		calls++;
		if (calls < 3) {
			assert_int_equal(rc, GNTTABOP_map_grant_ref);
			assert_int_equal(B.v.ctx.x[1], base + 128 * calls * sizeof(*m));
			assert_int_equal(B.v.ctx.x[2], 300 - 128 * calls);
			assert_int_equal(B.v.ctx.pc, pc - 4);
			pc -= 4;
		} else {
			assert_int_equal(rc, 0);
		}
	} while (calls < 3);
	assert_int_equal(gnttab_maps_held(&B.d), 300);
	for (unsigned r = 0; r < 300; r++)
		assert_int_equal(((struct gnttab_map_grant_ref *)gptr(&B, base + r * sizeof(*m)))->status, GNTST_okay);
	/* Torn down with B: teardown checks every reference comes back. */
}

static void test_gnttab_hostile_call_arguments_get_xen_errnos(void **state)
{
	(void)state;
	bool yield = false;
	uint64_t a[5] = { GNTTABOP_map_grant_ref, 0x1000, 1, 0, 0 }; /* a hole */
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_EFAULT);
	a[0] = GNTTABOP_unmap_grant_ref;
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_EFAULT);
	a[0] = GNTTABOP_copy;
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_EFAULT);
	a[0] = GNTTABOP_map_grant_ref;
	a[2] = 0x80000000u; /* a negative count */
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_EINVAL);
	a[2] = 0;
	a[0] = GNTTABOP_map_grant_ref | 1u << 12; /* continuation bits on a command that takes none */
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_EINVAL);
	a[0] = UINT64_C(1) << 32 | GNTTABOP_map_grant_ref; /* only w0 is the command */
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), 0);
	/* What Xen 4.17 on arm answers for the ops arm guests have no use for (measured). */
	a[0] = GNTTABOP_transfer;
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_ENOTSUP);
	a[0] = GNTTABOP_get_status_frames;
	assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_EINVAL); /* count 0 */
	for (uint64_t cmd = GNTTABOP_dump_table; cmd <= 13; cmd += 9)         /* dump_table, cache_flush, 13 */
		a[0] = cmd, assert_int_equal(hcall_grant_table_op(&B.v, a, &yield), -XEN_ENOSYS);
}

static void test_gnttab_versions_are_v1_only_as_on_xen_arm(void **state)
{
	(void)state;
	struct gnttab_get_version g = { .dom = DOMID_SELF, .version = 77 };
	assert_int_equal(op(&A, GNTTABOP_get_version, &g, sizeof(g), 1), 0);
	assert_int_equal(g.version, 1);
	g = (struct gnttab_get_version){ .dom = 2 };
	assert_int_equal(op(&A, GNTTABOP_get_version, &g, sizeof(g), 1), -XEN_EPERM);
	g.dom = 11;
	assert_int_equal(op(&A, GNTTABOP_get_version, &g, sizeof(g), 1), -XEN_ESRCH);
	struct gnttab_set_version s = { 2 };
	assert_int_equal(op(&A, GNTTABOP_set_version, &s, sizeof(s), 1), -XEN_ENOSYS);
	assert_int_equal(s.version, 1);
	s.version = 3;
	assert_int_equal(op(&A, GNTTABOP_set_version, &s, sizeof(s), 1), -XEN_EINVAL);
	assert_int_equal(s.version, 1);
	s.version = 0;
	assert_int_equal(op(&A, GNTTABOP_set_version, &s, sizeof(s), 1), -XEN_EINVAL);
	s.version = 1;
	assert_int_equal(op(&A, GNTTABOP_set_version, &s, sizeof(s), 1), 0);
	assert_int_equal(s.version, 1);
}

static struct gnttab_copy copy_op(uint64_t src, domid_t sdom, uint16_t soff, uint64_t dst, domid_t ddom, uint16_t doff,
				  uint16_t len, uint16_t flags)
{
	struct gnttab_copy c = { .len = len, .flags = flags };
	c.source.u.gmfn = src;
	c.source.domid = sdom;
	c.source.offset = soff;
	c.dest.u.gmfn = dst;
	c.dest.domid = ddom;
	c.dest.offset = doff;
	return c;
}

static void test_gnttab_copy_moves_bytes_through_grants_and_leaves_nothing_pinned(void **state)
{
	(void)state;
	grant(&A, 20, B.d.id, 7, GTF_permit_access | GTF_readonly);
	grant(&A, 21, B.d.id, 8, GTF_permit_access);
	memcpy((char *)gptr(&A, (RAM_GFN + 7) << 12) + 100, "from A", 7);
	memcpy((char *)gptr(&B, (RAM_GFN + 1) << 12) + 3000, "from B", 7);
	struct gnttab_copy c[2] = {
		/* A's granted page (by reference) into B's own page (by GFN)... */
		copy_op(20, A.d.id, 100, RAM_GFN + 2, DOMID_SELF, 50, 7, GNTCOPY_source_gref),
		/* ... and B's own bytes into A's writable grant. */
		copy_op(RAM_GFN + 1, DOMID_SELF, 3000, 21, A.d.id, 4000, 7, GNTCOPY_dest_gref),
	};
	assert_int_equal(op(&B, GNTTABOP_copy, c, sizeof(c[0]), 2), 0);
	assert_int_equal(c[0].status, GNTST_okay);
	assert_int_equal(c[1].status, GNTST_okay);
	assert_string_equal((char *)gptr(&B, (RAM_GFN + 2) << 12) + 50, "from A");
	assert_string_equal((char *)gptr(&A, (RAM_GFN + 8) << 12) + 4000, "from B");
	assert_int_equal(entry(&A, 20)->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(entry(&A, 21)->flags, GTF_permit_access);
	assert_int_equal(frame_refs(A.ram[7]) + frame_refs(A.ram[8]) + frame_refs(B.ram[1]) + frame_refs(B.ram[2]), 0);
	/* Into a read-only grant: refused, the page untouched. */
	c[0] = copy_op(RAM_GFN + 1, DOMID_SELF, 3000, 20, A.d.id, 0, 7, GNTCOPY_dest_gref);
	op(&B, GNTTABOP_copy, c, sizeof(c[0]), 1);
	assert_int_equal(c[0].status, GNTST_general_error);
	assert_int_equal(*(char *)gptr(&A, (RAM_GFN + 7) << 12), 0);
}

static void test_gnttab_copy_bounds_and_domains_get_xens_statuses(void **state)
{
	(void)state;
	grant(&A, 22, B.d.id, 9, GTF_permit_access);
	struct gnttab_copy c[8] = {
		copy_op(22, A.d.id, 4000, RAM_GFN, DOMID_SELF, 0, 97, GNTCOPY_source_gref), /* source end */
		copy_op(22, A.d.id, 0, RAM_GFN, DOMID_SELF, 4095, 2, GNTCOPY_source_gref),  /* dest end */
		copy_op(22, A.d.id, 4096, RAM_GFN, DOMID_SELF, 0, 1, GNTCOPY_source_gref),  /* offset past */
		copy_op(RAM_GFN, A.d.id, 0, RAM_GFN, DOMID_SELF, 0, 8, 0),                  /* A's GFN */
		copy_op(RAM_GFN, B.d.id, 0, RAM_GFN + 1, DOMID_SELF, 0, 8, 0),              /* own id, not SELF */
		copy_op(22, 9, 0, RAM_GFN, DOMID_SELF, 0, 8, GNTCOPY_source_gref),          /* no domain 9 */
		copy_op(600, A.d.id, 0, RAM_GFN, DOMID_SELF, 0, 8, GNTCOPY_source_gref),    /* bad ref */
		copy_op(0x12345, DOMID_SELF, 0, RAM_GFN, DOMID_SELF, 0, 8, 0),              /* a hole */
	};
	assert_int_equal(op(&B, GNTTABOP_copy, c, sizeof(c[0]), 8), 0);
	assert_int_equal(c[0].status, GNTST_bad_copy_arg);
	assert_int_equal(c[1].status, GNTST_bad_copy_arg);
	assert_int_equal(c[2].status, GNTST_bad_copy_arg);
	assert_int_equal(c[3].status, GNTST_permission_denied);
	assert_int_equal(c[4].status, GNTST_permission_denied);
	assert_int_equal(c[5].status, GNTST_bad_domain);
	assert_int_equal(c[6].status, GNTST_bad_gntref);
	assert_int_equal(c[7].status, GNTST_bad_page);
	/* The largest in-bounds copy works; nothing stays pinned after the failures. */
	c[0] = copy_op(22, A.d.id, 0, RAM_GFN, DOMID_SELF, 0, 4096, GNTCOPY_source_gref);
	op(&B, GNTTABOP_copy, c, sizeof(c[0]), 1);
	assert_int_equal(c[0].status, GNTST_okay);
	assert_int_equal(entry(&A, 22)->flags, GTF_permit_access);
	assert_int_equal(frame_refs(A.ram[9]), 0);
}

static void test_gnttab_mapper_destroy_releases_its_mappings(void **state)
{
	(void)state;
	grant(&A, 30, B.d.id, 10, GTF_permit_access);
	grant(&A, 31, B.d.id, 11, GTF_permit_access | GTF_readonly);
	assert_int_equal(map(30, MAP_GFN, GNTMAP_host_map, NULL), GNTST_okay);
	assert_int_equal(map(31, MAP_GFN + 1, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_okay);
	assert_int_equal(frame_refs(A.ram[10]) + frame_refs(A.ram[11]), 2);
	dom_kill(&B);
	assert_int_equal(frame_refs(A.ram[10]) + frame_refs(A.ram[11]), 0);
	assert_int_equal(entry(&A, 30)->flags, GTF_permit_access);
	assert_int_equal(entry(&A, 31)->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(frame_count(2), 0);
	/* A new domain 2 finds no stale pins or handles, and maps again. */
	dom_make(&B, 2);
	assert_int_equal(gnttab_maps_held(&B.d), 0);
	assert_int_equal(unmap(0, MAP_GFN, 0), GNTST_bad_handle);
	grant_handle_t h;
	assert_int_equal(map(30, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
	assert_int_equal(unmap(h, MAP_GFN, 0), GNTST_okay);
}

static void test_gnttab_granter_destroy_leaves_frame_to_xen_until_unmapped(void **state)
{
	(void)state;
	grant_handle_t h;
	grant(&A, 40, B.d.id, 12, GTF_permit_access);
	memcpy(gptr(&A, (RAM_GFN + 12) << 12), "still here", 11);
	assert_int_equal(map(40, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
	paddr_t page = A.ram[12];
	dom_kill(&A);
	/* Every frame of A's went back but the mapped one, which the hypervisor now holds. */
	assert_int_equal(frame_count(1), 0);
	assert_int_equal(frame_owner(page), DOMID_XEN);
	assert_int_equal(frame_refs(page), 1);
	assert_string_equal(gptr(&B, MAP_GFN << 12), "still here");
	/* A new domain 1 with a fresh table: B's old handle must not touch it. */
	dom_make(&A, 1);
	grant(&A, 40, B.d.id, 0, GTF_permit_access);
	assert_int_equal(unmap(h, MAP_GFN, 0), GNTST_okay);
	assert_int_equal(entry(&A, 40)->flags, GTF_permit_access);
	assert_int_equal(frame_owner(page), FRAME_OWNER_NONE); /* freed by the last reference */
	assert_int_equal(p2m_lookup(&B.d.p2m, ipa_init(MAP_GFN << 12), NULL, NULL), P2M_INVALID);
}

/* Hostile guests at random: granters rewrite their entries at any time (flags, domid, frame, even
 * the bits the hypervisor owns), mappers map, unmap and copy with random arguments, domains die
 * and come back. After every step each frame's references are exactly the live mappings of it,
 * each mapping is in its mapper's p2m, and teardown finds nothing leaked. */
struct shadow {
	struct tdom *mapper;
	grant_handle_t h;
	uint64_t gfn, pa;
};

static uint64_t rnd_state;
static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13, rnd_state ^= rnd_state >> 7, rnd_state ^= rnd_state << 17;
	return rnd_state % n;
}

static void check_shadow(const struct shadow *sh, unsigned n, struct tdom *const *doms)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned refs = 0;
		for (unsigned j = 0; j < n; j++)
			refs += sh[j].pa == sh[i].pa;
		assert_int_equal(frame_refs(pa_init(sh[i].pa)), refs);
		paddr_t pa;
		enum p2m_type t = p2m_lookup(&sh[i].mapper->d.p2m, ipa_init(sh[i].gfn << 12), &pa, NULL);
		assert_true(t == P2M_GRANT_RW || t == P2M_GRANT_RO);
		assert_int_equal(pa_addr(pa), sh[i].pa);
	}
	for (unsigned d = 0; d < 3; d++) {
		unsigned held = 0;
		for (unsigned i = 0; i < n; i++)
			held += sh[i].mapper == doms[d];
		assert_int_equal(gnttab_maps_held(&doms[d]->d), held);
		for (uint64_t gfn = MAP_GFN; gfn < MAP_GFN + 24; gfn++) {
			bool mapped = false;
			for (unsigned i = 0; i < n; i++)
				mapped |= sh[i].mapper == doms[d] && sh[i].gfn == gfn;
			if (!mapped) /* no mapping outlives its handle */
				assert_int_equal(p2m_lookup(&doms[d]->d.p2m, ipa_init(gfn << 12), NULL, NULL),
						 P2M_INVALID);
		}
		for (unsigned p = 0; p < NPAGES; p++) {
			bool mapped = false;
			for (unsigned i = 0; i < n; i++)
				mapped |= sh[i].pa == pa_addr(doms[d]->ram[p]);
			if (!mapped)
				assert_int_equal(frame_refs(doms[d]->ram[p]), 0);
		}
	}
}

static void test_gnttab_random_hostile_sequences_keep_references_exact(void **state)
{
	(void)state;
	static const uint16_t flag_choice[] = { 0,
						GTF_permit_access,
						GTF_permit_access,
						GTF_permit_access | GTF_readonly,
						GTF_permit_access | GTF_sub_page,
						GTF_accept_transfer,
						GTF_permit_access | GTF_reading | GTF_writing,
						GTF_permit_access | GTF_PCD };
	static const uint32_t map_choice[] = {
		GNTMAP_host_map,   GNTMAP_host_map,           GNTMAP_host_map | GNTMAP_readonly, 0,
		GNTMAP_device_map, GNTMAP_host_map | 1u << 16
	};
	struct tdom *doms[3] = { &A, &B, &C };
	struct shadow sh[64];
	unsigned n = 0, okay = 0;

	for (uint64_t seed = 1; seed <= 40; seed++) {
		rnd_state = seed * 0x9e3779b97f4a7c15ull;
		for (unsigned step = 0; step < 3000; step++) {
			struct tdom *t = doms[rnd(3)];
			domid_t dom = (domid_t)(rnd(8) ? 1 + rnd(3) : (rnd(2) ? 9 : DOMID_SELF));
			unsigned what = (unsigned)rnd(1000);
			if (what < 400) {
				struct grant_entry_v1 *e = entry(t, (grant_ref_t)rnd(16));
				e->frame = (uint32_t)(rnd(10) ? RAM_GFN + rnd(NPAGES + 2) : TABLE_GFN);
				e->domid = dom;
				e->flags = flag_choice[rnd(sizeof(flag_choice) / sizeof(flag_choice[0]))];
			} else if (what < 700 && n < 64) {
				struct gnttab_map_grant_ref m =
				    map_op(dom, (grant_ref_t)rnd(17), MAP_GFN + rnd(24),
					   map_choice[rnd(sizeof(map_choice) / sizeof(map_choice[0]))]);
				assert_int_equal(op(t, GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
				if (m.status == GNTST_okay) {
					sh[n++] = (struct shadow){ t, m.handle, m.host_addr >> 12, m.dev_bus_addr };
					okay++;
				}
			} else if (what < 900) {
				unsigned i = n ? (unsigned)rnd(n) : 0;
				bool real = n && sh[i].mapper == t && rnd(4);
				grant_handle_t h = real ? sh[i].h : (grant_handle_t)rnd(300);
				uint64_t gfn = real && rnd(5) ? sh[i].gfn : MAP_GFN + rnd(24);
				struct gnttab_unmap_grant_ref u = { .host_addr = gfn << 12, .handle = h };
				assert_int_equal(op(t, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
				for (unsigned j = 0; u.status == GNTST_okay && j < n; j++)
					if (sh[j].mapper == t && sh[j].h == h) {
						assert_int_equal(sh[j].gfn, gfn);
						sh[j] = sh[--n];
						break;
					}
			} else if (what < 995) {
				struct gnttab_copy c = { .len = (uint16_t)rnd(4200), .flags = (uint16_t)rnd(4) };
				c.source.u.ref = (grant_ref_t)rnd(20);
				c.source.domid = rnd(3) ? dom : DOMID_SELF;
				c.source.offset = (uint16_t)rnd(4200);
				c.dest.u.gmfn = RAM_GFN + rnd(NPAGES - 1); /* never the argument page */
				c.dest.domid = rnd(2) ? dom : DOMID_SELF;
				c.dest.offset = (uint16_t)rnd(4096);
				if (c.flags & GNTCOPY_source_gref)
					c.source.u.ref = (grant_ref_t)rnd(20);
				else
					c.source.u.gmfn = RAM_GFN + rnd(NPAGES + 2);
				if (c.flags & GNTCOPY_dest_gref)
					c.dest.u.ref = (grant_ref_t)rnd(20);
				assert_int_equal(op(t, GNTTABOP_copy, &c, sizeof(c), 1), 0);
			} else {
				/* A domain dies with whatever it maps and grants, and a new one takes its id. */
				for (unsigned j = 0; j < n;)
					if (sh[j].mapper == t)
						sh[j] = sh[--n];
					else
						j++;
				domid_t id = t->d.id;
				dom_kill(t);
				dom_make(t, id);
			}
			check_shadow(sh, n, doms);
		}
	}
	print_message("random sequences: %u mappings made, %u live at the end\n", okay, n);
	assert_true(okay > 500); /* the sequences do reach the successful paths */
}

static void test_gnttab_self_grant_maps_and_tears_down_cleanly(void **state)
{
	(void)state;
	grant(&B, 1, B.d.id, 3, GTF_permit_access);
	struct gnttab_map_grant_ref m = map_op(B.d.id, 1, MAP_GFN, GNTMAP_host_map);
	op(&B, GNTTABOP_map_grant_ref, &m, sizeof(m), 1);
	assert_int_equal(m.status, GNTST_okay);
	*(uint32_t *)gptr(&B, MAP_GFN << 12) = 0xfeedface;
	assert_int_equal(*(uint32_t *)gptr(&B, (RAM_GFN + 3) << 12), 0xfeedface);
	assert_int_equal(frame_refs(B.ram[3]), 1);
	/* Destroyed while mapped: teardown's checks catch any leak. */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_gnttab_query_size_reports_one_frame_of_64),
		T(test_gnttab_setup_table_grows_and_reports_invalid_gfn_until_mapped),
		T(test_gnttab_map_frame_moves_frame_and_refuses_status_and_excess),
		T(test_gnttab_map_frame_displaces_only_what_it_may),
		T(test_gnttab_map_sets_reading_writing_and_takes_a_frame_reference),
		T(test_gnttab_map_without_permit_access_returns_general_error),
		T(test_gnttab_map_of_grant_to_another_domain_returns_general_error),
		T(test_gnttab_readonly_grant_mapped_writable_returns_general_error),
		T(test_gnttab_map_misuse_gets_xens_status_in_xens_order),
		T(test_gnttab_map_of_frame_not_granters_ram_returns_bad_page),
		T(test_gnttab_unmap_bad_handle_returns_bad_handle),
		T(test_gnttab_unmap_checks_host_addr_and_ignores_dev_bus_addr),
		T(test_gnttab_bits_clear_only_with_the_last_mapping),
		T(test_gnttab_unmap_and_replace_can_only_remove),
		T(test_gnttab_swap_exchanges_idle_entries_and_refuses_busy_ones),
		T(test_gnttab_v1_has_no_status_frames),
		T(test_gnttab_pins_stop_at_127_per_kind),
		T(test_gnttab_map_batch_reports_status_per_element),
		T(test_gnttab_long_batches_continue_every_128_ops),
		T(test_gnttab_hostile_call_arguments_get_xen_errnos),
		T(test_gnttab_versions_are_v1_only_as_on_xen_arm),
		T(test_gnttab_copy_moves_bytes_through_grants_and_leaves_nothing_pinned),
		T(test_gnttab_copy_bounds_and_domains_get_xens_statuses),
		T(test_gnttab_mapper_destroy_releases_its_mappings),
		T(test_gnttab_granter_destroy_leaves_frame_to_xen_until_unmapped),
		T(test_gnttab_self_grant_maps_and_tears_down_cleanly),
		T(test_gnttab_random_hostile_sequences_keep_references_exact),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
