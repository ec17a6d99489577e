/* The guest-side grant library on the host: the table found through the device tree, entries
 * granted and ended by the GTF_* rules, maps/unmaps/copies as GNTTABOP calls a fake hypervisor
 * answers with scripted statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "lib/gnttab.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/shared.h"
#include "tests/guests/ring/fake_shared.h"

#define PAGE 4096u

static _Alignas(4096) uint8_t table[PAGE];
static uint8_t tree[1024];

/* The fake hypervisor: what it was asked, and the statuses it answers with. */
static struct {
	unsigned calls;
	unsigned cmd[16];
	_Alignas(8) uint8_t arg[16][40];
	int16_t status[16]; /* answered to call i */
	struct xen_add_to_physmap physmap;
	unsigned physmap_calls;
} hv;

long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	(void)a2, (void)a3, (void)a4;
	if (op == __HYPERVISOR_memory_op && a0 == XENMEM_add_to_physmap) {
		memcpy(&hv.physmap, (void *)(uintptr_t)a1, sizeof(hv.physmap));
		hv.physmap_calls++;
		return 0;
	}
	assert_int_equal(op, __HYPERVISOR_grant_table_op);
	assert_true(hv.calls < 16);
	unsigned i = hv.calls++;
	uint8_t *arg = (uint8_t *)(uintptr_t)a1;
	hv.cmd[i] = (unsigned)a0;
	memcpy(hv.arg[i], arg, sizeof(hv.arg[i]));
	if (a0 == GNTTABOP_map_grant_ref) {
		struct gnttab_map_grant_ref *m = (void *)arg;
		m->status = hv.status[i];
		m->handle = 100 + i;
	} else if (a0 == GNTTABOP_unmap_grant_ref) {
		((struct gnttab_unmap_grant_ref *)(void *)arg)->status = hv.status[i];
	} else if (a0 == GNTTABOP_copy) {
		((struct gnttab_copy *)(void *)arg)->status = hv.status[i];
	}
	return 0;
}

/* A tree whose /hypervisor region starts at the host's table page, 64 KiB long. */
static int setup(void **state)
{
	(void)state;
	uint64_t base = (uint64_t)(uintptr_t)table;
	fdt32_t reg[4] = { cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base), 0,
			   cpu_to_fdt32(0x10000) };
	assert_int_equal(fdt_create(tree, sizeof(tree)), 0);
	fdt_finish_reservemap(tree);
	fdt_begin_node(tree, "");
	fdt_begin_node(tree, "hypervisor");
	fdt_property_string(tree, "compatible", "xen,xen");
	fdt_property(tree, "reg", reg, sizeof(reg));
	fdt_end_node(tree);
	fdt_end_node(tree);
	assert_int_equal(fdt_finish(tree), 0);
	memset(&hv, 0, sizeof(hv));
	memset(table, 0, sizeof(table));
	fake_shared_reset();
	fake_shared_window(table, sizeof(table));
	return gnttab_init(tree);
}

static struct grant_entry_v1 entry(grant_ref_t ref)
{
	struct grant_entry_v1 e;
	memcpy(&e, table + ref * sizeof(e), sizeof(e));
	return e;
}

static void set_flags(grant_ref_t ref, uint16_t flags) { memcpy(table + ref * 8, &flags, 2); }

static void test_init_maps_table_frame_at_the_hypervisor_region(void **state)
{
	(void)state;
	assert_int_equal(hv.physmap_calls, 1);
	assert_int_equal(hv.physmap.space, XENMAPSPACE_grant_table);
	assert_int_equal(hv.physmap.idx, 0);
	assert_int_equal(hv.physmap.domid, DOMID_SELF);
	assert_int_equal(hv.physmap.gpfn, (uintptr_t)table / PAGE);
	assert_int_equal(gnttab_init(tree), 0);
	assert_int_equal(hv.physmap_calls, 1); /* idempotent */
}

static void test_grant_skips_reserved_refs_and_writes_the_entry(void **state)
{
	(void)state;
	int ref = gnttab_grant(3, 0x12345, false);
	assert_int_equal(ref, GNTTAB_FIRST_FREE);
	struct grant_entry_v1 e = entry((grant_ref_t)ref);
	assert_int_equal(e.flags, GTF_permit_access);
	assert_int_equal(e.domid, 3);
	assert_int_equal(e.frame, 0x12345);
	ref = gnttab_grant(0, 0x777, true);
	assert_int_equal(ref, GNTTAB_FIRST_FREE + 1);
	assert_int_equal(entry((grant_ref_t)ref).flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(gnttab_grant(0, 1ull << 32, false), -XEN_EINVAL); /* no v1 frame holds it */
	assert_int_equal(fake_shared_strays, 0);
}

static void test_grant_of_a_full_table_is_enospc(void **state)
{
	(void)state;
	for (unsigned i = GNTTAB_FIRST_FREE; i < PAGE / 8; i++)
		assert_int_equal(gnttab_grant(1, i, false), (int)i);
	assert_int_equal(gnttab_grant(1, 1, false), -XEN_ENOSPC);
	assert_int_equal(gnttab_end(300), 0);
	assert_int_equal(gnttab_grant(1, 1, false), 300);
}

/* The search starts after the last ref handed out and wraps: an ended low entry is found again
 * only after the ones above it. */
static void test_grant_continues_after_the_last_ref_and_wraps(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(gnttab_grant(1, 100 + i, false), (int)(GNTTAB_FIRST_FREE + i));
	assert_int_equal(gnttab_end(GNTTAB_FIRST_FREE + 1), 0);
	assert_int_equal(gnttab_grant(1, 200, false), GNTTAB_FIRST_FREE + 4);
	for (unsigned i = GNTTAB_FIRST_FREE + 5; i < PAGE / 8; i++)
		assert_int_equal(gnttab_grant(1, i, false), (int)i);
	assert_int_equal(gnttab_grant(1, 300, false), GNTTAB_FIRST_FREE + 1); /* wrapped to the freed one */
	assert_int_equal(entry(GNTTAB_FIRST_FREE + 1).frame, 300);
	assert_int_equal(gnttab_grant(1, 301, false), -XEN_ENOSPC);
}

static void test_end_refuses_while_the_grantee_reads_or_writes(void **state)
{
	(void)state;
	int ref = gnttab_grant(2, 0x42, false);
	set_flags((grant_ref_t)ref, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(gnttab_end((grant_ref_t)ref), -XEN_EBUSY);
	assert_int_equal(entry((grant_ref_t)ref).flags, GTF_permit_access | GTF_reading | GTF_writing);
	/* An entry still mapped after a failed end is never handed out again, not even when the search
	 * comes round to it with the table full. */
	int r;
	while ((r = gnttab_grant(2, 0x43, false)) >= 0)
		assert_int_not_equal(r, ref);
	assert_int_equal(r, -XEN_ENOSPC);
	set_flags((grant_ref_t)ref, GTF_permit_access | GTF_reading);
	assert_int_equal(gnttab_end((grant_ref_t)ref), -XEN_EBUSY);
	set_flags((grant_ref_t)ref, GTF_permit_access);
	assert_int_equal(gnttab_end((grant_ref_t)ref), 0);
	assert_int_equal(entry((grant_ref_t)ref).flags, 0);
	assert_int_equal(gnttab_flags((grant_ref_t)ref), 0);
	assert_int_equal(gnttab_end(PAGE / 8), -XEN_EINVAL);
	assert_int_equal(gnttab_flags(PAGE / 8), 0);
	assert_int_equal(gnttab_end(GNTTAB_RESERVED_CONSOLE), 0); /* the toolstack's may be ended */
}

static void test_map_uses_free_slots_and_unmap_returns_them(void **state)
{
	(void)state;
	struct gnttab_mapping a, b, c;
	uint64_t window = (uintptr_t)table + 0x8000;
	assert_int_equal(gnttab_map(5, 9, false, &a), 0);
	struct gnttab_map_grant_ref *m = (void *)hv.arg[0];
	assert_int_equal(hv.cmd[0], GNTTABOP_map_grant_ref);
	assert_int_equal(m->host_addr, window);
	assert_int_equal(m->flags, GNTMAP_host_map);
	assert_int_equal(m->dom, 5);
	assert_int_equal(m->ref, 9);
	assert_int_equal(a.gva, window);
	assert_int_equal(a.handle, 100);
	assert_int_equal(gnttab_map(5, 10, true, &b), 0);
	assert_int_equal(((struct gnttab_map_grant_ref *)(void *)hv.arg[1])->flags, GNTMAP_host_map | GNTMAP_readonly);
	assert_int_equal(b.gva, window + PAGE);
	assert_int_equal(gnttab_unmap(&a), 0);
	struct gnttab_unmap_grant_ref *u = (void *)hv.arg[2];
	assert_int_equal(u->host_addr, window);
	assert_int_equal(u->handle, 100);
	assert_int_equal(gnttab_map(5, 11, false, &c), 0);
	assert_int_equal(c.gva, window); /* the freed slot */
	assert_int_equal(gnttab_unmap(&a), 0);
	assert_int_equal(gnttab_unmap(&a), -XEN_EINVAL); /* its slot is free now: nothing to unmap */
	struct gnttab_mapping wild = { .gva = (uintptr_t)table, .handle = 1 };
	assert_int_equal(gnttab_unmap(&wild), -XEN_EINVAL);
}

static void test_map_failure_status_is_an_errno_and_keeps_the_slot(void **state)
{
	(void)state;
	struct gnttab_mapping m;
	hv.status[0] = GNTST_bad_gntref;
	hv.status[1] = GNTST_bad_domain;
	hv.status[2] = GNTST_permission_denied;
	assert_int_equal(gnttab_map(5, 4000, false, &m), -XEN_EINVAL);
	assert_int_equal(gnttab_map(77, 8, false, &m), -XEN_ESRCH);
	assert_int_equal(gnttab_map(5, 8, false, &m), -XEN_EPERM);
	assert_int_equal(gnttab_map(5, 8, false, &m), 0);
	assert_int_equal(m.gva, (uintptr_t)table + 0x8000);
}

static void test_map_window_exhausted_is_enospc(void **state)
{
	(void)state;
	struct gnttab_mapping m;
	/* A 64 KiB region: the upper half holds 8 mappings. */
	for (unsigned i = 0; i < 8; i++) {
		hv.calls = 0;
		assert_int_equal(gnttab_map(5, 8 + i, false, &m), 0);
	}
	assert_int_equal(gnttab_map(5, 20, false, &m), -XEN_ENOSPC);
}

static void test_copy_splits_at_our_page_boundary(void **state)
{
	(void)state;
	uint64_t gva = 0x40000000ull + 3 * PAGE + 4050;
	assert_int_equal(gnttab_copy(4, 12, 100, gva, 100, false), 0);
	assert_int_equal(hv.calls, 2);
	struct gnttab_copy *c0 = (void *)hv.arg[0], *c1 = (void *)hv.arg[1];
	assert_int_equal(c0->flags, GNTCOPY_source_gref);
	assert_int_equal(c0->source.u.ref, 12);
	assert_int_equal(c0->source.domid, 4);
	assert_int_equal(c0->source.offset, 100);
	assert_int_equal(c0->dest.u.gmfn, 0x40003);
	assert_int_equal(c0->dest.domid, DOMID_SELF);
	assert_int_equal(c0->dest.offset, 4050);
	assert_int_equal(c0->len, 46);
	assert_int_equal(c1->source.offset, 146);
	assert_int_equal(c1->dest.u.gmfn, 0x40004);
	assert_int_equal(c1->dest.offset, 0);
	assert_int_equal(c1->len, 54);
	assert_int_equal(gnttab_copy(4, 12, 0, 0x40000000ull, 8, true), 0);
	struct gnttab_copy *c2 = (void *)hv.arg[2];
	assert_int_equal(c2->flags, GNTCOPY_dest_gref);
	assert_int_equal(c2->dest.u.ref, 12);
	assert_int_equal(c2->source.u.gmfn, 0x40000);
	assert_int_equal(gnttab_copy(4, 12, 4000, 0x40000000ull, 97, false), -XEN_EINVAL);
	assert_int_equal(gnttab_copy(4, 12, 5000, 0x40000000ull, 0, false), -XEN_EINVAL);
	hv.status[3] = GNTST_bad_copy_arg;
	assert_int_equal(gnttab_copy(4, 12, 0, 0x40000000ull, 8, true), -XEN_EFAULT);
}

static void test_status_errno_table(void **state)
{
	(void)state;
	assert_int_equal(gnttab_status_errno(GNTST_okay), 0);
	assert_int_equal(gnttab_status_errno(GNTST_general_error), -XEN_EINVAL);
	assert_int_equal(gnttab_status_errno(GNTST_bad_handle), -XEN_EINVAL);
	assert_int_equal(gnttab_status_errno(GNTST_no_space), -XEN_ENOMEM);
	assert_int_equal(gnttab_status_errno(GNTST_eagain), -XEN_EAGAIN);
	assert_int_equal(gnttab_status_errno(GNTST_bad_page), -XEN_EFAULT);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_maps_table_frame_at_the_hypervisor_region),
		T(test_grant_skips_reserved_refs_and_writes_the_entry),
		T(test_grant_of_a_full_table_is_enospc),
		T(test_grant_continues_after_the_last_ref_and_wraps),
		T(test_end_refuses_while_the_grantee_reads_or_writes),
		T(test_map_uses_free_slots_and_unmap_returns_them),
		T(test_map_failure_status_is_an_errno_and_keeps_the_slot),
		T(test_map_window_exhausted_is_enospc),
		T(test_copy_splits_at_our_page_boundary),
		T(test_status_errno_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
