/* Hypercall dispatch, console_io and sched_op with hostile arguments: Xen's errnos, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/core/fake_hal.h"
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"
#include "dom/runstate.h"
#include "hal/mmu.h"
#include "mm/frame.h"
#include "public/hvm.h"
#include "public/shared.h"
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
/* No teardown here to wait for: a reference is the domain itself. */
struct domain *domain_get(domid_t id) { return domain_by_id(id); }
void domain_put(struct domain *d) { (void)d; }
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

/* A tiny p2m: gfns 0x40000-0x40007 are the domain's RAM (frames at PA 0x80000000 + i pages, host
 * memory in ram[]), gfn 0x9000 is MMIO; everything else is a hole. */
#define RAM_GFN 0x40000u
#define RAM_PA  0x80000000ull
static uint8_t ram[9][4096] __attribute__((aligned(4096))); /* [8] is the shared_info frame */
static unsigned gets;
static uint64_t runstate_area;

enum p2m_type p2m_lookup(struct p2m *p2m, ipa_t ipa, paddr_t *pa, uint64_t *span)
{
	(void)p2m;
	(void)span;
	uint64_t gfn = ipa_addr(ipa) >> 12;
	if (gfn >= RAM_GFN && gfn < RAM_GFN + 8) {
		*pa = pa_init(RAM_PA + ((gfn - RAM_GFN) << 12));
		return P2M_RAM_RW;
	}
	return gfn == 0x9000 ? P2M_MMIO : P2M_INVALID;
}

domid_t frame_owner(paddr_t pa)
{
	return pa_addr(pa) >= RAM_PA && pa_addr(pa) < RAM_PA + 9 * 4096 ? dom.id : DOMID_INVALID;
}
int frame_get(paddr_t pa)
{
	(void)pa;
	gets++;
	return 0;
}
void *hal_pa_to_va(paddr_t pa)
{
	uint64_t off = pa_addr(pa) - RAM_PA;
	return off < sizeof(ram) ? &ram[0][0] + off : NULL;
}
long runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva)
{
	assert_ptr_equal(caller, v);
	runstate_area = gva;
	return 0;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	assert_true(d == &dom || d == &other);
	shutdowns++;
	last_reason = reason;
}

/* hyp/evtchn has its own tests (tests/evtchn): here only the dispatch table must link. */
long hcall_event_channel_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)v, (void)a, (void)yield;
	return -XEN_ENOSYS;
}

/* hyp/gnttab, and memory_op and sysctl (hyp/hcall:memory) have their own tests (tests/gnttab,
 * tests/hcall/mem_*_test.c, sysctl_test.c): here only the dispatch table must link. */
long hcall_memory_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)v, (void)a, (void)yield;
	return -XEN_ENOSYS;
}
long hcall_sysctl(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)v, (void)a, (void)yield;
	return -XEN_ENOSYS;
}
long hcall_grant_table_op(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)v, (void)a, (void)yield;
	return -XEN_ENOSYS;
}

static int setup(void **state)
{
	(void)state;
	fake_hal_reset();
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	dom.id = 3;
	dom.nr_vcpus = 1;
	dom.vcpu[0] = &vc;
	dom.p2m.geo.ipa_bits = 40;
	dom.shared_info = pa_init(RAM_PA + 8 * 4096);
	dom.shared_gfn = SHARED_UNMAPPED;
	vc.vcpu_info = dom.shared_info;
	gets = 0;
	runstate_area = 0;
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
	assert_int_equal(call(__HYPERVISOR_sysctl, 0, 0, 0), -XEN_ENOSYS);
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

static void test_sched_op_remote_shutdown_is_the_control_domains(void **state)
{
	(void)state;
	struct {
		domid_t id;
		uint16_t pad;
		uint32_t reason;
	} r = { 5, 0, SHUTDOWN_reboot };
	memcpy(guest_mem, &r, sizeof(r));
	assert_int_equal(call(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0x1000, 0), -XEN_EPERM);
	dom.privileged = true;
	r.id = 9;
	memcpy(guest_mem, &r, sizeof(r));
	assert_int_equal(call(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0x1000, 0), -XEN_ESRCH);
	r.id = 5;
	r.reason = 77;
	memcpy(guest_mem, &r, sizeof(r));
	assert_int_equal(call(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0x1000, 0), -XEN_EINVAL);
	assert_int_equal(shutdowns, 0);
	r.reason = SHUTDOWN_reboot;
	memcpy(guest_mem, &r, sizeof(r));
	assert_int_equal(call(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0x1000, 0), 0);
	assert_int_equal(shutdowns, 1);
	assert_int_equal(last_reason, SHUTDOWN_reboot);
	assert_int_equal(call(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0x2ffc, 0), -XEN_EFAULT);
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

/* XENVER_get_features' submap 0, as the current domain asks for it. */
static uint32_t features(void)
{
	struct xen_feature_info fi = { 0, 0 };
	memcpy(guest_mem, &fi, sizeof(fi));
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0), 0);
	memcpy(&fi, guest_mem, sizeof(fi));
	return fi.submap;
}

static void test_xen_version_features_for_domu_and_dom0(void **state)
{
	(void)state;
	uint32_t f = features();
	assert_true(f & 1u << XENFEAT_auto_translated_physmap);
	assert_true(f & 1u << XENFEAT_not_direct_mapped);
	assert_false(f & 1u << XENFEAT_dom0);

	dom.privileged = true;
	f = features();
	assert_true(f & 1u << XENFEAT_dom0);
	assert_true(f & 1u << XENFEAT_direct_mapped);

	/* A dom0less direct-map DomU: 1:1 and told so, not Dom0. */
	dom.privileged = false;
	dom.direct_map = true;
	f = features();
	assert_true(f & 1u << XENFEAT_direct_mapped);
	assert_false(f & 1u << XENFEAT_not_direct_mapped);
	assert_false(f & 1u << XENFEAT_dom0);
	dom.direct_map = false;
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

static void test_hvm_op_domain_reads_but_cannot_set_its_callback_irq(void **state)
{
	(void)state;
	dom.hvm_param[HVM_PARAM_CALLBACK_IRQ] = 0x0200000000000f1full;
	uint64_t v = 0x0200000000000f01ull;
	assert_int_equal(hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), -XEN_EPERM);
	dom.privileged = true; /* not even the control domain, for itself (Xen 4.17 on arm) */
	assert_int_equal(hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), -XEN_EPERM);
	v = 0;
	assert_int_equal(hvm_param(HVMOP_get_param, 3, HVM_PARAM_CALLBACK_IRQ, &v), 0);
	assert_int_equal(v, 0x0200000000000f1full);
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

static long register_vcpu_info(uint64_t vcpu, uint64_t mfn, uint32_t offset)
{
	struct vcpu_register_vcpu_info r = { mfn, offset, 0 };
	memcpy(guest_mem, &r, sizeof(r));
	return call(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, vcpu, 0x1000);
}

static void test_register_vcpu_info_moves_the_slot_with_its_contents(void **state)
{
	(void)state;
	struct vcpu_info *legacy = (struct vcpu_info *)ram[8];
	legacy->evtchn_upcall_pending = 1;
	legacy->evtchn_pending_sel = 0x5;
	assert_int_equal(register_vcpu_info(0, RAM_GFN + 1, 128), 0);
	struct vcpu_info *now = (struct vcpu_info *)(ram[1] + 128);
	assert_int_equal(now->evtchn_upcall_pending, 1);
	assert_int_equal(now->evtchn_pending_sel, 0x5);
	assert_int_equal(pa_addr(vc.vcpu_info), RAM_PA + 4096 + 128);
	assert_int_equal(gets, 1); /* the page stays pinned while registered */
	assert_int_equal(register_vcpu_info(0, RAM_GFN + 2, 0), -XEN_EINVAL); /* only once */
	vc.vcpu_info_registered = false;
}

static void test_register_vcpu_info_hostile_arguments(void **state)
{
	(void)state;
	assert_int_equal(register_vcpu_info(1, RAM_GFN, 0), -XEN_ENOENT);
	assert_int_equal(register_vcpu_info(0, RAM_GFN, 4096 - 40), -XEN_ENXIO); /* past the page */
	assert_int_equal(register_vcpu_info(0, RAM_GFN, 12), -XEN_ENXIO);        /* misaligned */
	assert_int_equal(register_vcpu_info(0, 0x9000, 0), -XEN_EINVAL);         /* MMIO */
	assert_int_equal(register_vcpu_info(0, 0x77777, 0), -XEN_EINVAL);        /* hole */
	assert_int_equal(register_vcpu_info(0, UINT64_MAX, 0), -XEN_EINVAL);
	assert_int_equal(gets, 0);
	assert_false(vc.vcpu_info_registered);
}

static void test_vcpu_op_runstate_area_is_read_through_its_pointer(void **state)
{
	(void)state;
	uint64_t area = 0x40000123ull & ~7ull;
	memcpy(guest_mem + 0x200, &area, 8);
	assert_int_equal(call(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, 0x1200), 0);
	assert_int_equal(runstate_area, area);
	assert_int_equal(call(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, 0x10), -XEN_EFAULT);
	assert_int_equal(call(__HYPERVISOR_vcpu_op, 3 /* VCPUOP_is_up */, 0, 0), -XEN_EINVAL); /* PSCI's on arm */
	assert_int_equal(call(__HYPERVISOR_vcpu_op, 2 /* VCPUOP_down */, 0, 0), -XEN_EINVAL);
}

/* domctl has its own tests over the real domain life cycle (domctl_test): here it only links. */
long hcall_domctl(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)v;
	(void)a;
	(void)yield;
	return -XEN_ENOSYS;
}

/* Hostile guests: random ops and arguments, pointers into and around the guest's window, random
 * bytes behind them. Every answer must be a result or one of Xen's errnos, never a crash (ASan and
 * UBSan watch) and never a write outside the window. */
static void test_hcall_random_arguments_get_results_or_xen_errnos(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (unsigned iter = 0; iter < 20000; iter++) {
		setup(state);
		dom.privileged = iter & 1;
		for (unsigned i = 0; i < sizeof(guest_mem); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			guest_mem[i] = (uint8_t)x;
		}
		uint64_t a[5];
		for (unsigned i = 0; i < 5; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint64_t pick = x % 4;
			a[i] = pick == 0 ? x % 16 : pick == 1 ? 0x1000 + x % 0x2100 : pick == 2 ? x : x % 64;
		}
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t op = x % 8 ? x % 40 : x;
		vc.ctx.x[16] = op;
		for (unsigned i = 0; i < 5; i++)
			vc.ctx.x[i] = a[i];
		hcall_dispatch(&vc);
		long rc = (long)vc.ctx.x[0];
		if (rc < 0 && rc < -125)
			fail_msg("op %llu returned %ld, not a Xen errno", (unsigned long long)op, rc);
	}
}

/* Linux's "Linux version ..." banner is about 190 characters: one console line, as under Xen. */
static void test_console_io_line_of_200_characters_is_printed_whole(void **state)
{
	(void)state;
	char want[256] = "(d3) ";
	memset(guest_mem, 'a', 200);
	guest_mem[200] = '\n';
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 201, 0x1000), 0);
	memset(want + 5, 'a', 200);
	strcpy(want + 205, "\n");
	assert_string_equal(fake_console, want);
}

static void test_console_io_overlong_line_is_cut_after_a_whole_word(void **state)
{
	(void)state;
	char line[301], want[400];
	for (unsigned i = 0; i < 300; i++)
		line[i] = i % 9 == 8 ? ' ' : (char)('a' + i % 9);
	line[300] = '\0';
	memcpy(guest_mem, line, 300);
	guest_mem[300] = '\n';
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 301, 0x1000), 0);
	/* 240 fit: the last space among them is at 233 (26 words); the 27th word goes on whole. */
	snprintf(want, sizeof(want), "(d3) %.233s\n(d3) %s\n", line, line + 234);
	assert_string_equal(fake_console, want);
}

static void test_console_io_overlong_line_without_spaces_is_cut_at_the_buffer(void **state)
{
	(void)state;
	char want[400];
	memset(guest_mem, 'z', 300);
	guest_mem[300] = '\n';
	assert_int_equal(call(__HYPERVISOR_console_io, CONSOLEIO_write, 301, 0x1000), 0);
	snprintf(want, sizeof(want), "(d3) %.240s\n(d3) %.60s\n", (const char *)guest_mem, (const char *)guest_mem);
	assert_string_equal(fake_console, want);
}

/* Xen 4.17's answers on QEMU (measured): 0x26805 for its arm64 Dom0; DomUs not direct-mapped. */
static void test_xen_version_features_are_xen_417s_exactly(void **state)
{
	(void)state;
	struct xen_feature_info fi = { 0, 0 };
	memcpy(guest_mem, &fi, sizeof(fi));
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0), 0);
	memcpy(&fi, guest_mem, sizeof(fi));
	assert_int_equal(fi.submap, 0x16005);
	dom.privileged = true;
	fi = (struct xen_feature_info){ 0, 0 };
	memcpy(guest_mem, &fi, sizeof(fi));
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0), 0);
	memcpy(&fi, guest_mem, sizeof(fi));
	assert_int_equal(fi.submap, 0x26805);
}

static void test_xen_version_build_id_checks_arguments_as_xen_does(void **state)
{
	(void)state;
	uint32_t len = 0;
	dom.privileged = true;
	memcpy(guest_mem, &len, sizeof(len));
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_build_id, 0x1000, 0), -XEN_EINVAL);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_build_id, 0x2ffe, 0), -XEN_EFAULT);
	len = 64;
	memcpy(guest_mem, &len, sizeof(len));
	memset(guest_mem + 4, 'X', 64);
	/* No build ID note in the image: Xen's answer without one, for the size query too. */
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_build_id, 0x1000, 0), -XEN_ENODATA);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_build_id, 0, 0), -XEN_ENODATA);
	assert_int_equal(guest_mem[4], 'X');
	dom.privileged = false;
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_build_id, 0, 0), -XEN_EPERM);
}

static void test_xen_version_platform_parameters_has_no_hole(void **state)
{
	(void)state;
	memset(guest_mem, 0xff, 16);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_platform_parameters, 0x1000, 0), 0);
	assert_int_equal(*(uint64_t *)(void *)guest_mem, 0);
	assert_int_equal(guest_mem[8], 0xff);
	assert_int_equal(call(__HYPERVISOR_xen_version, XENVER_platform_parameters, 0x2ffc, 0), -XEN_EFAULT);
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
		cmocka_unit_test_setup(test_sched_op_remote_shutdown_is_the_control_domains, setup),
		cmocka_unit_test_setup(test_xen_version_reports_4_17_and_page_size, setup),
		cmocka_unit_test_setup(test_xen_version_extraversion_is_nul_padded_to_16, setup),
		cmocka_unit_test_setup(test_xen_version_features_for_domu_and_dom0, setup),
		cmocka_unit_test_setup(test_xen_version_hostile_arguments_get_xen_errnos, setup),
		cmocka_unit_test_setup(test_xen_version_commandline_for_dom0, setup),
		cmocka_unit_test_setup(test_console_io_line_of_200_characters_is_printed_whole, setup),
		cmocka_unit_test_setup(test_console_io_overlong_line_is_cut_after_a_whole_word, setup),
		cmocka_unit_test_setup(test_console_io_overlong_line_without_spaces_is_cut_at_the_buffer, setup),
		cmocka_unit_test_setup(test_xen_version_features_are_xen_417s_exactly, setup),
		cmocka_unit_test_setup(test_xen_version_build_id_checks_arguments_as_xen_does, setup),
		cmocka_unit_test_setup(test_xen_version_platform_parameters_has_no_hole, setup),
		cmocka_unit_test_setup(test_hvm_op_domain_reads_but_cannot_set_its_callback_irq, setup),
		cmocka_unit_test_setup(test_hvm_op_domu_cannot_set_store_or_touch_others, setup),
		cmocka_unit_test_setup(test_hvm_op_dom0_sets_a_domus_store_pfn_which_it_then_reads, setup),
		cmocka_unit_test_setup(test_hvm_op_hostile_arguments_get_xen_errnos, setup),
		cmocka_unit_test_setup(test_register_vcpu_info_moves_the_slot_with_its_contents, setup),
		cmocka_unit_test_setup(test_register_vcpu_info_hostile_arguments, setup),
		cmocka_unit_test_setup(test_vcpu_op_runstate_area_is_read_through_its_pointer, setup),
		cmocka_unit_test(test_hcall_random_arguments_get_results_or_xen_errnos),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
