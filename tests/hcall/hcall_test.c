/* Hypercall dispatch, console_io and sched_op with hostile arguments: Xen's errnos, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/core/fake_hal.h"
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "public/version.h"

/* A guest "address space": VAs 0x1000-0x2fff are readable, everything else faults. */
static uint8_t guest_mem[0x2000];
static struct domain dom, other;
static struct vcpu vc;

struct domain *domain_by_id(domid_t id)
{
	if (id == dom.id)
		return &dom;
	return id == other.id ? &other : NULL;
}
static unsigned shutdowns, last_reason;

int copy_from_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, void *dst, uint64_t gva, size_t len)
{
	assert_ptr_equal(v, &vc.ctx);
	assert_ptr_equal(p2m, &dom.p2m);
	if (gva < 0x1000 || gva + len > 0x3000 || gva + len < gva)
		return -XEN_EFAULT;
	memcpy(dst, guest_mem + (gva - 0x1000), len);
	return 0;
}

/* Writable guest VAs: the same window. */
int copy_to_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, const void *src, size_t len)
{
	assert_ptr_equal(v, &vc.ctx);
	assert_ptr_equal(p2m, &dom.p2m);
	if (gva < 0x1000 || gva + len > 0x3000 || gva + len < gva)
		return -XEN_EFAULT;
	memcpy(guest_mem + (gva - 0x1000), src, len);
	return 0;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	assert_ptr_equal(d, &dom);
	shutdowns++;
	last_reason = reason;
}

static int setup(void **state)
{
	(void)state;
	fake_hal_reset();
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	dom.id = 3;
	memset(&other, 0, sizeof(other));
	other.id = 5;
	vc.dom = &dom;
	shutdowns = 0;
	return 0;
}

static long call(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	vc.ctx.x[16] = op;
	vc.ctx.x[0] = a0;
	vc.ctx.x[1] = a1;
	vc.ctx.x[2] = a2;
	hcall_dispatch(&vc);
	return (long)vc.ctx.x[0];
}

static void test_hcall_unknown_op_returns_enosys(void **state)
{
	(void)state;
	assert_int_equal(call(999, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(call(UINT32_MAX + 5ull, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(call(__HYPERVISOR_domctl, 0, 0, 0), -XEN_ENOSYS);
}

static void test_console_io_write_prints_lines_with_domain_prefix(void **state)
{
	(void)state;
	memcpy(guest_mem, "hello\nworld\n", 12);
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 12, 0x1000), 0);
	assert_string_equal(fake_console, "(d3) hello\n(d3) world\n");
}

static void test_console_io_partial_line_waits_for_newline(void **state)
{
	(void)state;
	memcpy(guest_mem, "abc", 3);
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 3, 0x1000), 0);
	assert_string_equal(fake_console, "");
	memcpy(guest_mem, "d\n", 2);
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 2, 0x1000), 0);
	assert_string_equal(fake_console, "(d3) abcd\n");
}

static void test_console_io_control_characters_are_neutralised(void **state)
{
	(void)state;
	memcpy(guest_mem, "\x1b[2Jx\r\ty\n", 9);
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 9, 0x1000), 0);
	assert_string_equal(fake_console, "(d3) .[2Jx\ty\n");
}

static void test_console_io_bad_buffer_returns_efault(void **state)
{
	(void)state;
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 16, 0x10), -XEN_EFAULT);
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 0x1001, 0x2000), -XEN_EFAULT);
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, UINT64_MAX, 0x1000), -XEN_EFAULT);
}

static void test_console_io_read_is_dom0_only(void **state)
{
	(void)state;
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_read, 16, 0x1000), -XEN_EPERM);
	dom.privileged = true;
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_read, 16, 0x1000), 0);
	assert_int_equal(call(__HYPERVISOR_console_io, 7, 16, 0x1000), -XEN_ENOSYS);
}

static void test_sched_op_shutdown_reads_reason_from_guest(void **state)
{
	(void)state;
	uint32_t reason = SHUTDOWN_reboot;
	memcpy(guest_mem + 0x100, &reason, 4);
	vc.ctx.x[16] = __HYPERVISOR_sched_op;
	vc.ctx.x[0] = SCHEDOP_shutdown;
	vc.ctx.x[1] = 0x1100;
	assert_false(hcall_dispatch(&vc)); /* the vCPU gives up its pCPU */
	assert_int_equal(vc.ctx.x[0], 0);
	assert_int_equal(shutdowns, 1);
	assert_int_equal(last_reason, SHUTDOWN_reboot);
}

static void test_sched_op_shutdown_bad_pointer_or_reason_is_refused(void **state)
{
	(void)state;
	assert_int_equal(call(__HYPERVISOR_sched_op, SCHEDOP_shutdown, 0xdead0000, 0), -XEN_EFAULT);
	uint32_t reason = 99;
	memcpy(guest_mem, &reason, 4);
	assert_int_equal(call(__HYPERVISOR_sched_op, SCHEDOP_shutdown, 0x1000, 0), -XEN_EINVAL);
	assert_int_equal(shutdowns, 0);
	assert_int_equal(call(__HYPERVISOR_sched_op, 42, 0, 0), -XEN_ENOSYS);
}

static void test_sched_op_yield_returns_zero_and_yields(void **state)
{
	(void)state;
	vc.ctx.x[16] = __HYPERVISOR_sched_op;
	vc.ctx.x[0] = SCHEDOP_yield;
	assert_false(hcall_dispatch(&vc));
	assert_int_equal(vc.ctx.x[0], 0);
}

static void test_xen_version_reports_4_17_and_page_size(void **state)
{
	(void)state;
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x40011);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096);
	assert_int_equal(call(__HYPERVISOR_xen_version, 77, 0x1000, 0), -XEN_ENOSYS);
}

static void test_xen_version_extraversion_is_nul_padded_to_16(void **state)
{
	(void)state;
	memset(guest_mem, 'X', 32);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_extraversion, 0x1000, 0), 0);
	assert_true(memcmp(guest_mem, "-halcyon-", 9) == 0);
	assert_int_equal(guest_mem[15], 0);
	assert_int_equal(guest_mem[16], 'X'); /* not a byte past the field */
}

static void test_xen_version_features_for_domu_and_dom0(void **state)
{
	(void)state;
	struct xen_feature_info fi = { 0, 0 };
	memcpy(guest_mem, &fi, sizeof(fi));
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0), 0);
	memcpy(&fi, guest_mem, sizeof(fi));
	assert_true(fi.submap & 1u << XENFEAT_auto_translated_physmap);
	assert_true(fi.submap & 1u << XENFEAT_not_direct_mapped);
	assert_false(fi.submap & 1u << XENFEAT_dom0);

	dom.privileged = true;
	fi = (struct xen_feature_info){ 0, 0 };
	memcpy(guest_mem, &fi, sizeof(fi));
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0), 0);
	memcpy(&fi, guest_mem, sizeof(fi));
	assert_true(fi.submap & 1u << XENFEAT_dom0);
	assert_true(fi.submap & 1u << XENFEAT_direct_mapped);
}

static void test_xen_version_hostile_arguments_get_xen_errnos(void **state)
{
	(void)state;
	struct xen_feature_info fi = { 1, 0 };
	memcpy(guest_mem, &fi, sizeof(fi));
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0), -XEN_EINVAL);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_get_features, 0x2ffc, 0), -XEN_EFAULT);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_capabilities, 0x2e00, 0), -XEN_EFAULT);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_compile_info, 0, 0), -XEN_EFAULT);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_commandline, 0x1000, 0), -XEN_EPERM);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_build_id, 0x1000, 0), -XEN_EPERM);
}

static void test_xen_version_commandline_for_dom0(void **state)
{
	(void)state;
	dom.privileged = true;
	hcall_set_commandline("console=dtuart dom0_mem=512M");
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_commandline, 0x1000, 0), 0);
	assert_string_equal((char *)guest_mem, "console=dtuart dom0_mem=512M");
	assert_int_equal(guest_mem[1023], 0);
}

static long hvm_param(unsigned op, domid_t domid, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { domid, 0, index, *value };
	memcpy(guest_mem, &p, sizeof(p));
	long rc = call(__HYPERVISOR_hvm_op, op, 0x1000, 0);
	memcpy(&p, guest_mem, sizeof(p));
	*value = p.value;
	return rc;
}

static void test_hvm_op_domain_sets_and_reads_its_callback_irq(void **state)
{
	(void)state;
	uint64_t v = 0x0200000000000f01ull; /* PPI 31, level-low flags */
	assert_int_equal(hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), 0);
	v = 0;
	assert_int_equal(hvm_param(HVMOP_get_param, 3, HVM_PARAM_CALLBACK_IRQ, &v), 0);
	assert_int_equal(v, 0x0200000000000f01ull);
}

static void test_hvm_op_domu_cannot_set_store_or_touch_others(void **state)
{
	(void)state;
	uint64_t v = 0x1234;
	assert_int_equal(hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_STORE_PFN, &v), -XEN_EPERM);
	assert_int_equal(hvm_param(HVMOP_get_param, 5, HVM_PARAM_STORE_PFN, &v), -XEN_EPERM);
	assert_int_equal(hvm_param(HVMOP_set_param, 5, HVM_PARAM_CALLBACK_IRQ, &v), -XEN_EPERM);
	assert_int_equal(hvm_param(HVMOP_get_param, DOMID_SELF, 12, &v), -XEN_EPERM);
	assert_int_equal(other.hvm_param[HVM_PARAM_CALLBACK_IRQ], 0);
}

static void test_hvm_op_dom0_sets_a_domus_store_pfn_which_it_then_reads(void **state)
{
	(void)state;
	dom.privileged = true;
	uint64_t v = 0x40001;
	assert_int_equal(hvm_param(HVMOP_set_param, 5, HVM_PARAM_STORE_PFN, &v), 0);
	assert_int_equal(other.hvm_param[HVM_PARAM_STORE_PFN], 0x40001);
	dom.privileged = false;
	v = 0;
	assert_int_equal(hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_PFN, &v), 0);
	assert_int_equal(v, 0); /* dom 3's own, not dom 5's */
}

static void test_hvm_op_hostile_arguments_get_xen_errnos(void **state)
{
	(void)state;
	uint64_t v = 1;
	assert_int_equal(hvm_param(HVMOP_get_param, DOMID_SELF, HVM_NR_PARAMS, &v), -XEN_EINVAL);
	assert_int_equal(hvm_param(HVMOP_get_param, DOMID_SELF, UINT32_MAX, &v), -XEN_EINVAL);
	assert_int_equal(hvm_param(HVMOP_get_param, 9, HVM_PARAM_CALLBACK_IRQ, &v), -XEN_ESRCH);
	assert_int_equal(call(__HYPERVISOR_hvm_op, HVMOP_get_param, 0x2ff8, 0), -XEN_EFAULT);
	assert_int_equal(call(__HYPERVISOR_hvm_op, 99, 0x1000, 0), -XEN_ENOSYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_hcall_unknown_op_returns_enosys, setup),
		cmocka_unit_test_setup(test_console_io_write_prints_lines_with_domain_prefix, setup),
		cmocka_unit_test_setup(test_console_io_partial_line_waits_for_newline, setup),
		cmocka_unit_test_setup(test_console_io_control_characters_are_neutralised, setup),
		cmocka_unit_test_setup(test_console_io_bad_buffer_returns_efault, setup),
		cmocka_unit_test_setup(test_console_io_read_is_dom0_only, setup),
		cmocka_unit_test_setup(test_sched_op_shutdown_reads_reason_from_guest, setup),
		cmocka_unit_test_setup(test_sched_op_shutdown_bad_pointer_or_reason_is_refused, setup),
		cmocka_unit_test_setup(test_sched_op_yield_returns_zero_and_yields, setup),
		cmocka_unit_test_setup(test_xen_version_reports_4_17_and_page_size, setup),
		cmocka_unit_test_setup(test_xen_version_extraversion_is_nul_padded_to_16, setup),
		cmocka_unit_test_setup(test_xen_version_features_for_domu_and_dom0, setup),
		cmocka_unit_test_setup(test_xen_version_hostile_arguments_get_xen_errnos, setup),
		cmocka_unit_test_setup(test_xen_version_commandline_for_dom0, setup),
		cmocka_unit_test_setup(test_hvm_op_domain_sets_and_reads_its_callback_irq, setup),
		cmocka_unit_test_setup(test_hvm_op_domu_cannot_set_store_or_touch_others, setup),
		cmocka_unit_test_setup(test_hvm_op_dom0_sets_a_domus_store_pfn_which_it_then_reads, setup),
		cmocka_unit_test_setup(test_hvm_op_hostile_arguments_get_xen_errnos, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
