/* dom_build's interrupt controller and devices: each domain gets a vGIC of the host's version (Dom0
 * where the host's is, DomUs at Xen's guest addresses), GICv2 guests the host's GICV frame as their
 * GICC; Dom0 every device the hypervisor does not keep (MMIO 1:1 as device memory, SPIs HW-linked),
 * a DomU its passthrough devices, never both; and the tree the guest boots with says so. Memory,
 * frames, the p2m and irq_assign are faked; the host trees are QEMU's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "core/irq.h"
#include "dom/dom_build.h"
#include "dt/dt_dev.h"
#include "dt/dt_passthrough.h"
#include "dom/vcpu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "tests/core/fake_hal.h"
#include "vgic/vgic.h"

#define RAM_BASE  0x40000000ull
#define RAM_SIZE  (8ull << 20)
#define KERNEL_PA 0x48000000ull /* the boot module, outside the guest's RAM */
#define QEMU_GICD 0x08000000ull
#define QEMU_GICC 0x08010000ull
#define QEMU_GICV 0x08040000ull
#define QEMU_GICR 0x080a0000ull

static uint8_t ram[RAM_SIZE];
static uint8_t kernel[64] = { 0xd5, 0x03, 0x20, 0x1f }; /* a raw binary: no Image header */
static uint8_t heap_buf[64 << 10];
static struct domain dom;
static struct vcpu vcpus[4];
static struct vgic_config seen;
static unsigned vgic_inits, destroyed, next_frame;
static int vgic_rc;
static struct {
	uint64_t ipa, pa, size;
	enum p2m_type type;
} maps[256];
static unsigned nmaps;

int domain_create(domid_t id, const char *name, unsigned nr_vcpus, struct domain **out)
{
	(void)name;
	memset(&dom, 0, sizeof(dom));
	dom.id = id;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		vcpus[i].dom = &dom;
		vcpus[i].id = i;
		dom.vcpu[dom.nr_vcpus++] = &vcpus[i];
	}
	*out = &dom;
	return 0;
}
void domain_destroy(struct domain *d)
{
	assert_ptr_equal(d, &dom);
	destroyed++;
}
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	v->ctx.pc = entry;
	v->ctx.x[0] = x0;
}
int vgic_domain_init(struct domain *d, const struct vgic_config *cfg)
{
	assert_ptr_equal(d, &dom);
	seen = *cfg;
	vgic_inits++;
	return vgic_rc;
}
/* DomU RAM and Dom0's 1:1 RAM alike come from [RAM_BASE, RAM_BASE + RAM_SIZE). */
int frame_alloc(domid_t owner, unsigned order, paddr_t *pa)
{
	(void)owner;
	uint64_t size = 4096ull << order;
	if (next_frame * 4096ull + size > RAM_SIZE)
		return -XEN_ENOMEM;
	*pa = pa_init(RAM_BASE + next_frame * 4096ull);
	next_frame += (unsigned)(size / 4096);
	return 0;
}
int p2m_map(struct p2m *p2m, ipa_t ipa, paddr_t pa, uint64_t size, enum p2m_type type)
{
	(void)p2m;
	assert_true(nmaps < sizeof(maps) / sizeof(maps[0]));
	maps[nmaps].ipa = ipa_addr(ipa);
	maps[nmaps].pa = pa_addr(pa);
	maps[nmaps].size = size;
	maps[nmaps].type = type;
	nmaps++;
	return 0;
}
enum p2m_type p2m_lookup(struct p2m *p2m, ipa_t ipa, paddr_t *pa, uint64_t *span)
{
	(void)p2m;
	(void)span;
	for (unsigned i = 0; i < nmaps; i++)
		if (ipa_addr(ipa) >= maps[i].ipa && ipa_addr(ipa) - maps[i].ipa < maps[i].size) {
			*pa = pa_init(maps[i].pa + ipa_addr(ipa) - maps[i].ipa);
			return maps[i].type;
		}
	return P2M_INVALID;
}
void *hal_pa_to_va(paddr_t pa)
{
	uint64_t a = pa_addr(pa);
	if (a >= RAM_BASE && a < RAM_BASE + RAM_SIZE)
		return ram + (a - RAM_BASE);
	if (a >= KERNEL_PA && a < KERNEL_PA + sizeof(kernel))
		return kernel + (a - KERNEL_PA);
	return NULL;
}
void hal_dcache_clean(const void *va, size_t len)
{
	(void)va;
	(void)len;
}
void *heap_alloc(size_t size)
{
	assert_true(size <= sizeof(heap_buf));
	memset(heap_buf, 0, sizeof(heap_buf));
	return heap_buf;
}
void heap_free(void *p) { (void)p; }
/* The hypervisor's image, where Dom0's grant-table region goes. */
#define HYP_IMAGE 0x4f000000ull
unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	if (max)
		out[0] = (struct plat_region){ pa_init(HYP_IMAGE), 0x200000 };
	return 1;
}
static struct {
	uint32_t pintid, vintid;
	struct domain *d;
	domid_t domid;
} assigned[64];
static unsigned nassigned;
int irq_assign(uint32_t pintid, struct domain *d, uint32_t vintid)
{
	for (unsigned i = 0; i < nassigned; i++)
		if (assigned[i].pintid == pintid)
			return -XEN_EBUSY;
	assert_true(nassigned < sizeof(assigned) / sizeof(assigned[0]));
	assigned[nassigned].pintid = pintid;
	assigned[nassigned].vintid = vintid;
	assigned[nassigned].domid = d->id;
	assigned[nassigned++].d = d;
	return 0;
}

static struct platform host(unsigned version)
{
	struct platform p;
	memset(&p, 0, sizeof(p));
	p.gic.version = version;
	p.gic.dist = (struct plat_region){ pa_init(QEMU_GICD), 0x10000 };
	p.gic.cpuif = (struct plat_region){ pa_init(QEMU_GICC), 0x10000 };
	p.gic.vcpu = (struct plat_region){ pa_init(QEMU_GICV), 0x10000 };
	p.gic.redist[0] = (struct plat_region){ pa_init(QEMU_GICR), 0xf60000 };
	p.gic.redist_count = 1;
	return p;
}

static struct boot_domain boot_dom(bool dom0, unsigned vcpus)
{
	struct boot_domain bd;
	memset(&bd, 0, sizeof(bd));
	strcpy(bd.name, dom0 ? "dom0" : "domU1");
	bd.dom0 = dom0;
	bd.mem_kib = 4096;
	bd.vcpus = vcpus;
	bd.kernel = (struct plat_region){ pa_init(KERNEL_PA), sizeof(kernel) };
	return bd;
}

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(&seen, 0, sizeof(seen));
	vgic_inits = destroyed = next_frame = nmaps = nassigned = 0;
	vgic_rc = 0;
	fake_hal_reset();
	return 0;
}

/* The tree dom_build handed vCPU 0 in x0, read back from the guest's RAM. */
static const void *guest_tree(void)
{
	uint64_t at = vcpus[0].ctx.x[0];
	paddr_t pa;
	assert_int_equal(p2m_lookup(NULL, ipa_init(at), &pa, NULL), P2M_RAM_RW);
	const void *fdt = hal_pa_to_va(pa);
	assert_non_null(fdt);
	assert_int_equal(fdt_check_header(fdt), 0);
	return fdt;
}

static void assert_gic_node(const void *fdt, const char *compat, uint64_t dist, uint64_t second)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compat);
	assert_true(node >= 0);
	int len;
	const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(fdt64_ld(&reg[0]), dist);
	assert_int_equal(fdt64_ld(&reg[2]), second);
	assert_non_null(fdt_getprop(fdt, 0, "interrupt-parent", NULL));
	assert_true(fdt_path_offset(fdt, "/timer") >= 0);
}

static void test_dom_build_domu_gicv3_gets_xens_map_and_32_spis(void **state)
{
	(void)state;
	struct platform p = host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 2);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_int_equal(vgic_inits, 1);
	assert_int_equal(seen.version, 3);
	assert_int_equal(seen.nr_spis, 32);
	assert_int_equal(ipa_addr(seen.dist), GUEST_GICD_BASE);
	assert_int_equal(ipa_addr(seen.redist), GUEST_GICR_BASE);
	assert_gic_node(guest_tree(), "arm,gic-v3", GUEST_GICD_BASE, GUEST_GICR_BASE);
}

static void test_dom_build_dom0_gicv3_sees_the_hosts_gic_where_it_is(void **state)
{
	(void)state;
	struct platform p = host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(true, 4);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_int_equal(seen.version, 3);
	assert_int_equal(seen.nr_spis, DOM0_NR_SPIS);
	assert_int_equal(ipa_addr(seen.dist), QEMU_GICD);
	assert_int_equal(ipa_addr(seen.redist), QEMU_GICR);
	assert_gic_node(guest_tree(), "arm,gic-v3", QEMU_GICD, QEMU_GICR);
}

static void test_dom_build_gicv2_guest_gets_the_hosts_gicv_as_its_gicc(void **state)
{
	(void)state;
	struct platform p = host(2);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_int_equal(seen.version, 2);
	assert_int_equal(ipa_addr(seen.cpuif), GUEST_GICC_BASE);
	bool mapped = false;
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].ipa == GUEST_GICC_BASE) {
			assert_int_equal(maps[i].pa, QEMU_GICV);
			assert_int_equal(maps[i].size, GUEST_GICC_SIZE);
			assert_int_equal(maps[i].type, P2M_MMIO);
			mapped = true;
		}
	assert_true(mapped);
	assert_gic_node(guest_tree(), "arm,cortex-a15-gic", GUEST_GICD_BASE, GUEST_GICC_BASE);
}

static void test_dom_build_dom0_gicv2_maps_gicv_at_the_hosts_gicc(void **state)
{
	(void)state;
	struct platform p = host(2);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(true, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_int_equal(ipa_addr(seen.cpuif), QEMU_GICC);
	bool mapped = false;
	for (unsigned i = 0; i < nmaps; i++)
		mapped |= maps[i].ipa == QEMU_GICC && maps[i].pa == QEMU_GICV && maps[i].type == P2M_MMIO;
	assert_true(mapped);
	assert_gic_node(guest_tree(), "arm,cortex-a15-gic", QEMU_GICD, QEMU_GICC);
}

static void test_dom_build_dom0_with_more_vcpus_than_redistributors_fails_cleanly(void **state)
{
	(void)state;
	struct platform p = host(3);
	struct dom_host h = { .plat = &p };
	p.gic.redist[0].size = 0x20000; /* one CPU's frames */
	struct boot_domain bd = boot_dom(true, 2);
	struct domain *d = NULL;
	assert_int_equal(dom_build(&bd, 0, &h, &d), -XEN_EINVAL);
	assert_int_equal(vgic_inits, 0);
	assert_int_equal(destroyed, 1);
	assert_null(d);
}

static void test_dom_build_vgic_failure_destroys_the_domain(void **state)
{
	(void)state;
	struct platform p = host(3);
	struct dom_host h = { .plat = &p };
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d = NULL;
	vgic_rc = -XEN_ENOMEM;
	assert_int_equal(dom_build(&bd, 1, &h, &d), -XEN_ENOMEM);
	assert_int_equal(destroyed, 1);
	assert_null(d);
}

/* QEMU's GICv3+SMMUv3 machine as boot sees it: its tree, platform and devices. */
#define QEMU_SMMU_DTB "tests/dt/data/qemu-virt-gicv3-smmuv3-smp2.dtb"
static struct platform qemu;
static struct dt_devices devs;
static const void *qemu_fdt; /* the host tree devs was scanned from */

#define QEMU_V2_DTB "tests/dt/data/qemu-virt-gicv2-smp2.dtb"

static void *qemu_host_from(const char *path, struct dom_host *h, const char *claim)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char raw[1 << 20];
	size_t n = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	assert_true(n > 0);
	void *fdt = malloc(n + 4096);
	assert_non_null(fdt);
	assert_int_equal(fdt_open_into(raw, fdt, (int)n + 4096), 0);
	struct dt_error err;
	if (claim)
		assert_int_equal(fdt_setprop(fdt, fdt_path_offset(fdt, claim), "xen,passthrough", NULL, 0), 0);
	assert_int_equal(dt_platform_parse(fdt, &qemu, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &err), 0);
	if (claim)
		assert_int_equal(dt_dev_claim(fdt, &devs, claim, 1, &err), 0);
	*h = (struct dom_host){ .plat = &qemu, .fdt = fdt, .devs = &devs };
	return fdt;
}

static void *qemu_host(struct dom_host *h, const char *claim) { return qemu_host_from(QEMU_SMMU_DTB, h, claim); }

/* True if @pa is mapped as a device, 1:1 (the vGIC's GICV-as-GICC frame is the vGIC's, not a device's). */
static bool mapped_mmio(uint64_t pa)
{
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_MMIO && pa >= maps[i].pa && pa - maps[i].pa < maps[i].size &&
		    (qemu.gic.version != 2 || maps[i].pa != pa_addr(qemu.gic.vcpu.base))) {
			assert_int_equal(maps[i].ipa, maps[i].pa); /* device MMIO is 1:1 */
			return true;
		}
	return false;
}

static bool forwarded(uint32_t intid, const struct domain *d)
{
	for (unsigned i = 0; i < nassigned; i++)
		if (assigned[i].pintid == intid) {
			assert_int_equal(assigned[i].vintid, intid);
			return assigned[i].d == d;
		}
	return false;
}

static void dom0_gets_every_dom0_device_and_no_hypervisor_region(const char *path)
{
	struct dom_host h;
	void *fdt = qemu_host_from(path, &h, NULL);
	struct boot_domain bd = boot_dom(true, 2);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	unsigned spis = 0;
	for (unsigned i = 0; i < devs.count; i++) {
		const struct dt_dev *dev = &devs.dev[i];
		for (unsigned j = 0; j < dev->nreg; j++)
			if (mapped_mmio(pa_addr(dev->reg[j].base)) != (dev->owner == DT_OWN_DOM0))
				fail_msg("%s reg %u: owner %d", fdt_get_name(fdt, dev->node, NULL), j, dev->owner);
		for (unsigned j = 0; j < dev->nirq; j++) {
			if (dev->irq[j] < 32)
				continue;
			assert_int_equal(forwarded(dev->irq[j], d), dev->owner == DT_OWN_DOM0);
			spis += dev->owner == DT_OWN_DOM0;
		}
	}
	assert_int_equal(nassigned, spis);
	assert_int_equal(spis, 32 + 4 + 2); /* virtio-mmio, PCI INTx, RTC and GPIO; fw-cfg has none */
	assert_false(forwarded(33, d));     /* the console's */
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_MMIO && (qemu.gic.version != 2 || maps[i].pa != pa_addr(qemu.gic.vcpu.base)))
			assert_false(dt_dev_hits_hyp(&devs, maps[i].pa, maps[i].size));
	free(fdt);
}

/* Every Dom0 device's every region is mapped 1:1 as device memory and its every SPI forwarded at its
 * own INTID; no mapping reaches a hypervisor region (UART, GICD/GICH/GICR, ITS, SMMU) but the GICV
 * frame behind Dom0's GICC. */
static void test_dom_build_dom0_gets_every_dom0_device_and_no_hypervisor_region(void **state)
{
	(void)state;
	dom0_gets_every_dom0_device_and_no_hypervisor_region(QEMU_SMMU_DTB);
	assert_false(mapped_mmio(0x9050000)); /* the SMMU */
	setup(NULL);
	dom0_gets_every_dom0_device_and_no_hypervisor_region(QEMU_V2_DTB);
	assert_false(mapped_mmio(0x8030000)); /* GICH */
	assert_false(mapped_mmio(0x8000000)); /* GICD: emulated */
}

/* Dom0's tree is made from the host's: the console and SMMU gone, the grant region where the
 * hypervisor's image is, Dom0's GIC with the host's phandle. */
static void test_dom_build_dom0_boots_with_the_hosts_tree_minus_the_hypervisors(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, NULL);
	struct boot_domain bd = boot_dom(true, 2);
	bd.bootargs = "console=hvc0";
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	const void *tree = guest_tree();
	assert_int_equal(fdt_check_full(tree, fdt_totalsize(tree)), 0);
	assert_true(fdt_path_offset(tree, "/virtio_mmio@a000000") >= 0);
	assert_true(fdt_path_offset(tree, "/pcie@10000000") >= 0);
	assert_true(fdt_path_offset(tree, "/pl011@9000000") < 0);
	assert_true(fdt_path_offset(tree, "/smmuv3@9050000") < 0);
	int len;
	const fdt64_t *reg = fdt_getprop(tree, fdt_path_offset(tree, "/hypervisor"), "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_ld(&reg[0]), HYP_IMAGE);
	assert_int_equal(fdt64_ld(&reg[1]), 64 * 4096);
	assert_string_equal(fdt_getprop(tree, fdt_path_offset(tree, "/chosen"), "bootargs", NULL), "console=hvc0");
	assert_int_equal(fdt_get_phandle(tree, fdt_path_offset(tree, "/intc@8000000")),
			 fdt_get_phandle(fdt, fdt_path_offset(fdt, "/intc@8000000")));
	free(fdt);
}

/* The DomU's dom0less partial tree: QEMU's PL061 at guest address 0x22000000 (tests/dt/data). */
#define PARTIAL_DTB "tests/dt/domu-passthrough.dtb"
static char partial[4096];
static struct dt_passthrough pt;

static void with_partial(struct dom_host *h, void *fdt, uint32_t guest_addr)
{
	FILE *f = fopen(PARTIAL_DTB, "rb");
	assert_non_null(f);
	assert_true(fread(partial, 1, sizeof(partial), f) > 0);
	fclose(f);
	int node = fdt_path_offset(partial, "/passthrough/gpio@22000000");
	fdt32_t reg[6] = { 0, cpu_to_fdt32(0x9030000), 0, cpu_to_fdt32(0x1000), 0, cpu_to_fdt32(guest_addr) };
	assert_int_equal(fdt_setprop_inplace(partial, node, "xen,reg", reg, sizeof(reg)), 0);
	struct dt_error err;
	assert_int_equal(dt_pt_parse(partial, sizeof(partial), fdt, &devs, 1, &pt, &err), 0);
	h->pt = &pt;
}

static bool mapped_at(uint64_t ipa, uint64_t pa)
{
	for (unsigned i = 0; i < nmaps; i++)
		if (maps[i].type == P2M_MMIO && maps[i].ipa == ipa && maps[i].pa == pa)
			return true;
	return false;
}

/* A device the DomU's partial tree claims is mapped where xen,reg says and forwarded to it alone;
 * the DomU's vGIC has the host's lines so the SPI keeps its INTID, and its tree describes it. */
static void test_dom_build_passthrough_device_goes_to_its_domu_not_dom0(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, NULL);
	assert_int_equal(fdt_setprop(fdt, fdt_path_offset(fdt, "/pl061@9030000"), "xen,passthrough", NULL, 0), 0);
	assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &(struct dt_error){ { 0 } }), 0);
	with_partial(&h, fdt, 0x22000000);
	struct boot_domain bd = boot_dom(true, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_false(mapped_mmio(0x9030000));
	assert_false(forwarded(32 + 7, d));
	assert_true(mapped_mmio(0x9010000)); /* the RTC stays Dom0's */
	assert_true(fdt_path_offset(guest_tree(), "/pl061@9030000") < 0);

	setup(NULL);
	bd = boot_dom(false, 1);
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_true(mapped_at(0x22000000, 0x9030000));
	assert_true(forwarded(32 + 7, d));
	assert_int_equal(nassigned, 1);
	assert_int_equal(seen.nr_spis, DOM0_NR_SPIS);
	for (unsigned i = 0; i < nmaps; i++)
		assert_true(maps[i].type != P2M_MMIO || maps[i].pa == 0x9030000 || maps[i].pa == QEMU_GICV);
	assert_true(fdt_path_offset(guest_tree(), "/passthrough/gpio@22000000") >= 0);
	free(fdt);
}

/* xen,reg may not put the device over the guest's RAM (or GIC, or grant region). */
static void test_dom_build_passthrough_over_guest_ram_fails_cleanly(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, NULL);
	assert_int_equal(fdt_setprop(fdt, fdt_path_offset(fdt, "/pl061@9030000"), "xen,passthrough", NULL, 0), 0);
	assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &(struct dt_error){ { 0 } }), 0);
	with_partial(&h, fdt, GUEST_RAM0_BASE);
	struct boot_domain bd = boot_dom(false, 1);
	struct domain *d = NULL;
	assert_int_equal(dom_build(&bd, 1, &h, &d), -XEN_EINVAL);
	assert_int_equal(destroyed, 1);
	assert_null(d);
	free(fdt);
}

/* virtio-mmio transports sit eight to a page: one given to a DomU makes its page nobody's, since
 * either owner could otherwise reach the other's registers. */
static void test_dom_build_page_shared_by_two_owners_is_mapped_to_neither(void **state)
{
	(void)state;
	struct dom_host h;
	void *fdt = qemu_host(&h, "/virtio_mmio@a000000");
	struct boot_domain bd = boot_dom(true, 1);
	struct domain *d;
	assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
	assert_false(mapped_mmio(0xa000200));
	assert_true(mapped_mmio(0xa001000));
	assert_true(forwarded(32 + 0x11, d)); /* its interrupt is its own: still Dom0's */

	setup(NULL);
	bd = boot_dom(false, 1);
	assert_int_equal(dom_build(&bd, 1, &h, &d), 0);
	assert_false(mapped_mmio(0xa000000)); /* no partial tree maps it, and it could not */
	assert_true(forwarded(32 + 0x10, d));
	free(fdt);
}

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* The domain that should have @dev: -1 for the hypervisor or nobody. */
static int owner_domid(const struct dt_dev *dev)
{
	return dev->owner == DT_OWN_DOM0 ? 0 : dev->owner == DT_OWN_DOMU ? (int)dev->domu : -1;
}

/* Dom0's stage 2 after a build: every device a mapping touches is Dom0's (or disabled), 1:1. */
static void check_dom0_maps(void)
{
	for (unsigned i = 0; i < nmaps; i++) {
		if (maps[i].type != P2M_MMIO || (qemu.gic.version == 2 && maps[i].pa == pa_addr(qemu.gic.vcpu.base)))
			continue;
		assert_int_equal(maps[i].ipa, maps[i].pa);
		for (unsigned j = 0; j < devs.count; j++) {
			const struct dt_dev *dev = &devs.dev[j];
			for (unsigned k = 0; k < dev->nreg; k++) {
				uint64_t b = pa_addr(dev->reg[k].base);
				bool touches = maps[i].pa < b + dev->reg[k].size && b < maps[i].pa + maps[i].size;
				bool inert = dev->owner == DT_OWN_NONE && !dev->passthrough;
				if (touches && dev->owner != DT_OWN_DOM0 && !inert)
					fail_msg("Dom0 maps %#llx: %s is not Dom0's", (unsigned long long)maps[i].pa,
						 fdt_get_name(qemu_fdt, dev->node, NULL));
			}
		}
	}
}

/* Random owners: each Dom0 device of QEMU's machines marked xen,passthrough (then claimed by DomU 1,
 * DomU 2 or nobody), disabled, or left alone. After Dom0 and both DomUs are built: Dom0's stage 2
 * reaches only Dom0's devices, every SPI went to its device's owner and only there (irq_assign
 * refuses a second owner), every Dom0 SPI was forwarded, and Dom0's tree lists no other's device. */
static void test_dom_build_random_owners_keep_each_device_with_one_domain(void **state)
{
	(void)state;
	static const char *const trees[] = { QEMU_SMMU_DTB, QEMU_V2_DTB };
	static char paths[DT_DEV_MAX][128];
	struct dt_error err;

	for (uint32_t seed = 1; seed <= 40; seed++) {
		uint32_t s = seed;
		struct dom_host h;
		setup(NULL);
		void *fdt = qemu_host_from(trees[seed % 2], &h, NULL);
		unsigned n = devs.count;
		bool dom0[DT_DEV_MAX];
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(fdt_get_path(fdt, devs.dev[i].node, paths[i], sizeof(paths[i])), 0);
			dom0[i] = devs.dev[i].owner == DT_OWN_DOM0;
		}
		for (unsigned i = 0; i < n; i++) {
			uint32_t r = rnd(&s) % 4;
			int node = fdt_path_offset(fdt, paths[i]);
			if (dom0[i] && r == 0)
				assert_int_equal(fdt_setprop(fdt, node, "xen,passthrough", NULL, 0), 0);
			else if (dom0[i] && r == 1)
				assert_int_equal(fdt_setprop_string(fdt, node, "status", "disabled"), 0);
		}
		assert_int_equal(dt_platform_parse(fdt, &qemu, &err), 0);
		assert_int_equal(dt_dev_scan(fdt, &qemu, &devs, &err), 0);
		for (unsigned i = 0; i < n; i++) {
			uint32_t r = rnd(&s) % 3;
			if (fdt_getprop(fdt, fdt_path_offset(fdt, paths[i]), "xen,passthrough", NULL) && r < 2)
				assert_int_equal(dt_dev_claim(fdt, &devs, paths[i], 1 + r, &err), 0);
		}
		qemu_fdt = fdt;

		struct boot_domain bd = boot_dom(true, 1);
		struct domain *d;
		assert_int_equal(dom_build(&bd, 0, &h, &d), 0);
		check_dom0_maps();
		const void *tree = guest_tree();
		for (unsigned i = 0; i < devs.count; i++) {
			char path[128];
			assert_int_equal(fdt_get_path(fdt, devs.dev[i].node, path, sizeof(path)), 0);
			bool foreign = devs.dev[i].owner == DT_OWN_DOMU || devs.dev[i].passthrough;
			assert_int_equal(fdt_path_offset(tree, path) >= 0 && foreign, false);
			if (devs.dev[i].owner == DT_OWN_DOM0)
				assert_true(fdt_path_offset(tree, path) >= 0);
		}
		unsigned dom0_spis = nassigned;
		for (domid_t id = 1; id <= 2; id++) {
			nmaps = next_frame = 0; /* a new domain's RAM and stage 2; the SPIs stay assigned */
			bd = boot_dom(false, 1);
			assert_int_equal(dom_build(&bd, id, &h, &d), 0);
		}
		unsigned want_dom0 = 0;
		for (unsigned i = 0; i < devs.count; i++)
			for (unsigned j = 0; j < devs.dev[i].nirq; j++) {
				uint32_t intid = devs.dev[i].irq[j];
				want_dom0 += intid >= 32 && devs.dev[i].owner == DT_OWN_DOM0;
				for (unsigned k = 0; k < nassigned; k++)
					if (assigned[k].pintid == intid)
						assert_int_equal(assigned[k].domid, owner_domid(&devs.dev[i]));
			}
		assert_int_equal(dom0_spis, want_dom0);
		free(fdt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dom_build_domu_gicv3_gets_xens_map_and_32_spis, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_gicv3_sees_the_hosts_gic_where_it_is, setup),
		cmocka_unit_test_setup(test_dom_build_gicv2_guest_gets_the_hosts_gicv_as_its_gicc, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_gicv2_maps_gicv_at_the_hosts_gicc, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_with_more_vcpus_than_redistributors_fails_cleanly, setup),
		cmocka_unit_test_setup(test_dom_build_vgic_failure_destroys_the_domain, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_gets_every_dom0_device_and_no_hypervisor_region, setup),
		cmocka_unit_test_setup(test_dom_build_dom0_boots_with_the_hosts_tree_minus_the_hypervisors, setup),
		cmocka_unit_test_setup(test_dom_build_passthrough_device_goes_to_its_domu_not_dom0, setup),
		cmocka_unit_test_setup(test_dom_build_passthrough_over_guest_ram_fails_cleanly, setup),
		cmocka_unit_test_setup(test_dom_build_page_shared_by_two_owners_is_mapped_to_neither, setup),
		cmocka_unit_test_setup(test_dom_build_random_owners_keep_each_device_with_one_domain, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
