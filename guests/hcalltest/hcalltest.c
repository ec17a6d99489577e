/* Checks the hypercall ABI from inside a guest: every op the domains issue names, with good and
 * hostile arguments, as PASS/FAIL lines. The same image runs as Dom0 and as a DomU. */
#include <libfdt.h>

#include "lib/guest.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "public/shared.h"
#include "public/version.h"
#include "public/xen.h"

#define PSCI_VERSION_FID       0x84000000u
#define PSCI_FEATURES_FID      0x8400000au
#define PSCI_AFFINITY_INFO_FID 0xc4000004u
#define SMCCC_VERSION_FID      0x80000000u
#define UNMAPPED               0x10000000ull /* below guest RAM, no device: a hole */

static int failures;
static bool privileged;

static void check(bool ok, const char *what, long got)
{
	gl_printf("hcalltest: %s: %s (got %ld)\n", ok ? "PASS" : "FAIL", what, got);
	failures += !ok;
}

static long hc(unsigned op, uint64_t a0, uint64_t a1) { return gl_hypercall(op, a0, a1, 0, 0, 0); }

static void test_xen_version(void)
{
	long v = hc(__HYPERVISOR_xen_version, XENVER_version, 0);
	check(v == (4 << 16 | 17), "xen_version reports the 4.17 ABI", v);

	uint64_t fi_gva, cmd_gva;
	struct xen_feature_info *fi = gl_alloc(sizeof(*fi), &fi_gva);
	long rc = hc(__HYPERVISOR_xen_version, XENVER_get_features, fi_gva);
	check(rc == 0 && (fi->submap & 1u << XENFEAT_auto_translated_physmap), "features: auto-translated physmap", rc);
	privileged = fi->submap & 1u << XENFEAT_dom0;
	gl_printf("hcalltest: running as %s\n", privileged ? "Dom0" : "a DomU");

	fi->submap_idx = 1;
	rc = hc(__HYPERVISOR_xen_version, XENVER_get_features, fi_gva);
	check(rc == -XEN_EINVAL, "features: submap 1 is EINVAL", rc);
	rc = hc(__HYPERVISOR_xen_version, XENVER_get_features, UNMAPPED);
	check(rc == -XEN_EFAULT, "features: unmapped buffer is EFAULT", rc);

	gl_alloc(XEN_COMMANDLINE_LEN, &cmd_gva);
	rc = hc(__HYPERVISOR_xen_version, XENVER_commandline, cmd_gva);
	check(privileged ? rc == 0 : rc == -XEN_EPERM, "commandline is the control domain's", rc);
}

static void test_unknown_ops(void)
{
	long rc = hc(63, 0, 0);
	check(rc == -XEN_ENOSYS, "unknown hypercall is ENOSYS", rc);
	rc = hc(__HYPERVISOR_console_io, 99, 0);
	check(rc == -XEN_ENOSYS, "console_io unknown command is ENOSYS", rc);
	rc = gl_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, UNMAPPED, 0, 0);
	check(rc == -XEN_EFAULT, "console_io from an unmapped buffer is EFAULT", rc);
}

static void test_hvm_params(void)
{
	uint64_t gva;
	struct xen_hvm_param *p = gl_alloc(sizeof(*p), &gva);
	*p = (struct xen_hvm_param){ .domid = DOMID_SELF,
				     .index = HVM_PARAM_CALLBACK_IRQ,
				     .value = 0x0200000000000f01ull };
	long rc = hc(__HYPERVISOR_hvm_op, HVMOP_set_param, gva);
	check(rc == -XEN_EPERM, "hvm_op: own CALLBACK_IRQ is the toolstack's to set (EPERM)", rc);
	p->value = 1;
	rc = hc(__HYPERVISOR_hvm_op, HVMOP_get_param, gva);
	/* Xen presets it: type PPI (2) in bits 63:56, the PPI's INTID in 7:0. */
	check(rc == 0 && p->value >> 56 == 2 && (p->value & 0xff) >= 16 && (p->value & 0xff) < 32,
	      "hvm_op: own CALLBACK_IRQ reads back as the event-channel PPI", rc);
	p->index = HVM_NR_PARAMS;
	rc = hc(__HYPERVISOR_hvm_op, HVMOP_get_param, gva);
	check(rc == -XEN_EINVAL, "hvm_op: index out of range is EINVAL", rc);
	*p = (struct xen_hvm_param){ .domid = 0x7000, .index = HVM_PARAM_CALLBACK_IRQ };
	rc = hc(__HYPERVISOR_hvm_op, HVMOP_get_param, gva);
	check(rc == -XEN_ESRCH, "hvm_op: missing domain is ESRCH", rc);
}

static void test_psci(void)
{
	long v = gl_smccc(PSCI_VERSION_FID, 0, 0, 0);
	check(v == 0x10001, "PSCI_VERSION is 1.1", v);
	v = gl_smccc(SMCCC_VERSION_FID, 0, 0, 0);
	check(v == 0x10001, "SMCCC_VERSION is 1.1", v);
	v = gl_smccc(PSCI_FEATURES_FID, 0xc4000003u, 0, 0);
	check(v == 0, "PSCI_FEATURES: CPU_ON_64 supported", v);
	v = gl_smccc(PSCI_AFFINITY_INFO_FID, 0, 0, 0);
	check(v == 0, "AFFINITY_INFO: vCPU 0 is on", v);
	v = gl_smccc(PSCI_AFFINITY_INFO_FID, 0x55, 0, 0);
	check(v == 1, "AFFINITY_INFO: an MPIDR without a vCPU is off", v);
	v = gl_smccc(0xb2000000u, 0, 0, 0); /* a Trusted OS call: no such service here */
	check(v == -1, "unknown SMCCC service is NOT_SUPPORTED", v);
}

/* Linux's way: a page of its own RAM becomes the shared_info page. */
static void test_shared_info(void)
{
	uint64_t gva;
	uint8_t *area = gl_alloc(2 * 4096, &gva);
	uint64_t page = (gva + 4095) & ~4095ull;
	uint64_t *p64 = (uint64_t *)(area + (page - gva));

	for (unsigned i = 0; i < 512; i++)
		p64[i] = 0xaaaaaaaaaaaaaaaaull;
	uint64_t xg;
	struct xen_add_to_physmap *x = gl_alloc(sizeof(*x), &xg);
	*x = (struct xen_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = page >> 12 };
	long rc = hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, xg);
	/* Read through the guest's own translation: the page now is the (zeroed) shared_info. */
	check(rc == 0 && gl_read64(page + 1064) != 0xaaaaaaaaaaaaaaaaull,
	      "add_to_physmap: shared_info replaces a RAM page", rc);

	x->idx = 1;
	rc = hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, xg);
	check(rc == -XEN_EINVAL, "add_to_physmap: shared_info idx 1 is EINVAL", rc);
	x->idx = 0;
	x->space = 77;
	rc = hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, xg);
	check(rc == -XEN_ENOSYS, "add_to_physmap: unknown space is ENOSYS", rc);
	x->space = XENMAPSPACE_shared_info;
	x->domid = 0x7000;
	rc = hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, xg);
	check(rc == -XEN_ESRCH, "add_to_physmap: missing domain is ESRCH", rc);
	rc = hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, UNMAPPED);
	check(rc == -XEN_EFAULT, "add_to_physmap: unmapped argument is EFAULT", rc);
	rc = hc(__HYPERVISOR_memory_op, 35, xg);
	check(rc == -XEN_ENOSYS, "memory_op: unknown command is ENOSYS", rc);
}

static void test_vcpu_op(void)
{
	uint64_t rg, vg, area = 0;
	struct vcpu_register_vcpu_info *r = gl_alloc(sizeof(*r), &rg);
	gl_alloc(sizeof(struct vcpu_info), &vg); /* any 8-byte aligned slot of a RAM page will do */

	long rc = gl_hypercall(__HYPERVISOR_vcpu_op, 3 /* VCPUOP_is_up */, 0, 0, 0, 0);
	check(rc == -XEN_EINVAL, "vcpu_op: is_up is PSCI's on arm (EINVAL)", rc);
	rc = gl_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 99, rg, 0, 0);
	check(rc == -XEN_ENOENT, "vcpu_op: vCPU 99 is ENOENT", rc);
	rc = gl_hypercall(__HYPERVISOR_vcpu_op, 1 /* VCPUOP_up */, 0, 0, 0, 0);
	check(rc == -XEN_EINVAL, "vcpu_op: up is PSCI's on arm (EINVAL)", rc);

	*r = (struct vcpu_register_vcpu_info){ .mfn = vg >> 12, .offset = 4090 };
	rc = gl_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, rg, 0, 0);
	check(rc == -XEN_ENXIO, "register_vcpu_info: slot past the page is ENXIO", rc);
	r->offset = vg & 4095;
	rc = gl_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, rg, 0, 0);
	check(rc == 0, "register_vcpu_info: in a RAM page", rc);
	rc = gl_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, rg, 0, 0);
	check(rc == -XEN_EINVAL, "register_vcpu_info: twice is EINVAL", rc);

	struct vcpu_runstate_info *rs = gl_alloc(sizeof(*rs), &area);
	uint64_t ag2;
	uint64_t *arg = gl_alloc(sizeof(*arg), &ag2);
	*arg = area;
	rc = gl_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, ag2, 0, 0);
	check(rc == 0 && rs->state == RUNSTATE_running && rs->state_entry_time, "runstate: registered, running", rc);
	/* Xen updates the area when the vCPU is switched; a yield with nothing else to run may not be. */
	hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	check(rs->state == RUNSTATE_running && !(rs->state_entry_time & XEN_RUNSTATE_UPDATE),
	      "runstate: running, no update in flight after a yield", rs->state);
	*arg = UNMAPPED;
	rc = gl_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, ag2, 0, 0);
	check(rc == 0, "runstate: an unmapped area is accepted, as Xen does", rc);
}

void guest_main(const void *fdt)
{
	check(fdt && fdt_check_header(fdt) == 0 && fdt_path_offset(fdt, "/hypervisor") >= 0,
	      "device tree has the hypervisor node", 0);
	test_xen_version();
	test_unknown_ops();
	test_hvm_params();
	test_psci();
	test_shared_info();
	test_vcpu_op();
	gl_printf("hcalltest: %s\n", failures ? "FAILED" : "all passed");
	gl_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
