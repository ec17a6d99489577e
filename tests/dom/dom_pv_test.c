/* A boot DomU's console and xenstore channels (dom_pv): the pages, ports, params and grants Xen's
 * toolstack would give it, checked through the real grant tables and event channels, and Dom0
 * mapping the seeded grants with an ordinary map_grant_ref. */
#include "tests/dom/pv_world.h"

#include "dom/dom_pv.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "hal/mmu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "public/errno.h"
#include "public/grant_table.h"

#define MAP_GFN UINT64_C(0x50000) /* a hole in Dom0 where it maps the DomU's pages */

static struct domain *dom0, *domu;

static int setup(void **state)
{
	(void)state;
	pw_reset();
	dom0 = pw_domain(0);
	domu = pw_domain(1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (domu)
		pw_destroy(domu);
	pw_destroy(dom0);
	pw_assert_clean();
	return 0;
}

/* @d maps @granter's @ref at MAP_GFN with GNTTABOP_map_grant_ref; the status, *handle set. */
static int16_t map_ref(struct domain *d, domid_t granter, grant_ref_t ref, grant_handle_t *handle)
{
	struct gnttab_map_grant_ref *m = pw_ptr(d, PW_ARG);
	*m = (struct gnttab_map_grant_ref){
		.host_addr = MAP_GFN << 12, .flags = GNTMAP_host_map, .ref = ref, .dom = granter
	};
	uint64_t a[5] = { GNTTABOP_map_grant_ref, PW_ARG, 1, 0, 0 };
	bool yield = false;
	assert_int_equal(hcall_grant_table_op(d->vcpu[0], a, &yield), 0);
	if (handle)
		*handle = m->handle;
	return m->status;
}

static void unmap_ref(struct domain *d, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref *u = pw_ptr(d, PW_ARG);
	*u = (struct gnttab_unmap_grant_ref){ .host_addr = MAP_GFN << 12, .handle = handle };
	uint64_t a[5] = { GNTTABOP_unmap_grant_ref, PW_ARG, 1, 0, 0 };
	bool yield = false;
	assert_int_equal(hcall_grant_table_op(d->vcpu[0], a, &yield), 0);
	assert_int_equal(u->status, GNTST_okay);
}

static void assert_unbound_for(struct domain *d, evtchn_port_t port, domid_t remote)
{
	struct evtchn_status s = { .dom = DOMID_SELF, .port = port };
	assert_int_equal(evtchn_status(d, &s), 0);
	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, remote);
}

static void test_dom_pv_pages_are_zeroed_ram_the_domu_owns_at_the_magic_gfns(void **state)
{
	(void)state;
	assert_int_equal(dom_pv_setup(domu, 0), 0);
	uint64_t gfns[2] = { 0x39000, 0x39001 };
	for (unsigned i = 0; i < 2; i++) {
		paddr_t pa;
		assert_int_equal(p2m_lookup(&domu->p2m, ipa_init(gfns[i] << 12), &pa, NULL), P2M_RAM_RW);
		assert_int_equal(frame_owner(pa), 1);
		const uint8_t *p = pw_ptr(domu, gfns[i] << 12);
		for (unsigned j = 0; j < 4096; j++)
			assert_int_equal(p[j], 0);
	}
	assert_int_equal(frame_count(1), 1 + PW_PAGES + 2);
}

static void test_dom_pv_params_name_the_pages_and_two_unbound_ports_for_dom0(void **state)
{
	(void)state;
	assert_int_equal(dom_pv_setup(domu, 0), 0);
	assert_int_equal(domu->hvm_param[HVM_PARAM_CONSOLE_PFN], 0x39000);
	assert_int_equal(domu->hvm_param[HVM_PARAM_STORE_PFN], 0x39001);
	evtchn_port_t con = (evtchn_port_t)domu->hvm_param[HVM_PARAM_CONSOLE_EVTCHN];
	evtchn_port_t store = (evtchn_port_t)domu->hvm_param[HVM_PARAM_STORE_EVTCHN];
	assert_true(con != 0 && store != 0 && con != store);
	assert_unbound_for(domu, con, 0);
	assert_unbound_for(domu, store, 0);
	/* Dom0 binds the store port as xenstored does, and its notification reaches the DomU. */
	struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = store };
	assert_int_equal(evtchn_bind_interdomain(dom0, &b), 0);
	assert_int_equal(evtchn_send(dom0, b.local_port), 0);
	const struct shared_info *si = hal_pa_to_va(domu->shared_info);
	assert_true(si->evtchn_pending[store / 64] & (UINT64_C(1) << (store % 64)));
}

static void test_dom_pv_dom0_maps_the_seeded_xenstore_and_console_grants(void **state)
{
	(void)state;
	assert_int_equal(dom_pv_setup(domu, 0), 0);
	grant_handle_t h;
	assert_int_equal(map_ref(dom0, 1, GNTTAB_RESERVED_XENSTORE, &h), GNTST_okay);
	uint32_t *store = pw_ptr(domu, UINT64_C(0x39001) << 12);
	*store = 0x5702e;
	assert_int_equal(*(uint32_t *)pw_ptr(dom0, MAP_GFN << 12), 0x5702e);
	unmap_ref(dom0, h);
	assert_int_equal(map_ref(dom0, 1, GNTTAB_RESERVED_CONSOLE, &h), GNTST_okay);
	*(uint32_t *)pw_ptr(dom0, MAP_GFN << 12) = 0xc0de;
	assert_int_equal(*(uint32_t *)pw_ptr(domu, UINT64_C(0x39000) << 12), 0xc0de);
	unmap_ref(dom0, h);
}

static void test_dom_pv_seeded_grants_are_for_the_backend_only(void **state)
{
	(void)state;
	struct domain *other = pw_domain(2);
	assert_int_equal(dom_pv_setup(domu, 0), 0);
	assert_int_equal(map_ref(other, 1, GNTTAB_RESERVED_XENSTORE, NULL), GNTST_general_error);
	assert_int_equal(map_ref(other, 1, 2, NULL), GNTST_general_error); /* unseeded */
	pw_destroy(other);
}

static void test_dom_pv_backend_other_than_dom0_gets_the_ports_and_grants(void **state)
{
	(void)state;
	struct domain *backend = pw_domain(2);
	assert_int_equal(dom_pv_setup(domu, 2), 0);
	assert_unbound_for(domu, (evtchn_port_t)domu->hvm_param[HVM_PARAM_STORE_EVTCHN], 2);
	assert_int_equal(map_ref(dom0, 1, GNTTAB_RESERVED_XENSTORE, NULL), GNTST_general_error);
	grant_handle_t h;
	assert_int_equal(map_ref(backend, 1, GNTTAB_RESERVED_XENSTORE, &h), GNTST_okay);
	unmap_ref(backend, h);
	pw_destroy(backend);
}

/* With no frame left the build fails with ENOMEM, and what it made goes with the domain. */
static void test_dom_pv_out_of_frames_is_enomem_and_leaks_nothing(void **state)
{
	(void)state;
	paddr_t pa;
	while (frame_alloc(5, 0, &pa) == 0)
		;
	assert_int_equal(dom_pv_setup(domu, 0), -XEN_ENOMEM);
	frame_release_all(5);
	pw_destroy(domu);
	domu = NULL;
}

static void test_gnttab_seed_refuses_refs_beyond_the_table_and_wide_gfns(void **state)
{
	(void)state;
	assert_int_equal(gnttab_seed(domu, 512, 0, 0x39000), -XEN_EINVAL);
	assert_int_equal(gnttab_seed(domu, 3, 0, UINT64_C(1) << 32), -XEN_EINVAL);
	assert_int_equal(gnttab_seed(domu, 511, 0, PW_RAM_GFN), 0);
	grant_handle_t h;
	assert_int_equal(map_ref(dom0, 1, 511, &h), GNTST_okay);
	unmap_ref(dom0, h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dom_pv_pages_are_zeroed_ram_the_domu_owns_at_the_magic_gfns, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dom_pv_params_name_the_pages_and_two_unbound_ports_for_dom0, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dom_pv_dom0_maps_the_seeded_xenstore_and_console_grants, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dom_pv_seeded_grants_are_for_the_backend_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dom_pv_backend_other_than_dom0_gets_the_ports_and_grants, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dom_pv_out_of_frames_is_enomem_and_leaks_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gnttab_seed_refuses_refs_beyond_the_table_and_wide_gfns, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
