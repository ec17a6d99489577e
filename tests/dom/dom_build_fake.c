#include "dom_build_fake.h"

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
#include "iommu/iommu.h"
#include "dom/dom_build.h"
#include "dom/vcpu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "tests/core/fake_hal.h"
#include "vgic/vgic.h"

uint8_t ram[RAM_SIZE];
static uint8_t kernel[64] = { 0xd5, 0x03, 0x20, 0x1f }; /* a raw binary: no Image header */
static uint8_t heap_buf[64 << 10];
static struct domain dom;
struct vcpu vcpus[4];
struct vgic_config seen;
unsigned vgic_inits, destroyed, next_frame;
int vgic_rc;
struct fake_map maps[256];
unsigned nmaps;

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
int frame_alloc_ram(domid_t owner, unsigned order, paddr_t *pa) { return frame_alloc(owner, order, pa); }
struct fake_map frees[16];
unsigned nfrees;
int frame_free(domid_t owner, paddr_t pa, unsigned order)
{
	(void)owner;
	assert_true(nfrees < sizeof(frees) / sizeof(frees[0]));
	frees[nfrees++] = (struct fake_map){ .pa = pa_addr(pa), .size = 4096ull << order };
	return 0;
}
bool fake_iommu;
bool iommu_present(void) { return fake_iommu; }
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
struct plat_region reserved[2];
unsigned nreserved;
unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	for (unsigned i = 0; i < nreserved && i < max; i++)
		out[i] = reserved[i];
	return nreserved;
}
struct fake_assign assigned[64];
unsigned nassigned;
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

struct platform fake_host(unsigned version)
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

struct boot_domain boot_dom(bool dom0, unsigned vcpus)
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

int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(&seen, 0, sizeof(seen));
	vgic_inits = destroyed = next_frame = nmaps = nassigned = nfrees = 0;
	fake_iommu = false;
	vgic_rc = 0;
	pv_setups = 0;
	pv_backend = DOMID_INVALID;
	pv_rc = 0;
	reserved[0] = (struct plat_region){ pa_init(HYP_IMAGE), 0x200000 };
	nreserved = 1;
	fake_hal_reset();
	return 0;
}

const void *guest_tree(void)
{
	uint64_t at = vcpus[0].ctx.x[0];
	paddr_t pa;
	assert_int_equal(p2m_lookup(NULL, ipa_init(at), &pa, NULL), P2M_RAM_RW);
	const void *fdt = hal_pa_to_va(pa);
	assert_non_null(fdt);
	assert_int_equal(fdt_check_header(fdt), 0);
	return fdt;
}

unsigned pv_setups;
domid_t pv_backend = DOMID_INVALID;
int pv_rc;
int dom_pv_setup(struct domain *d, domid_t backend)
{
	assert_ptr_equal(d, &dom);
	pv_setups++;
	pv_backend = backend;
	return pv_rc;
}

/* Frames the fake allocator handed out: the domain's memory. */
uint64_t domain_tot_pages(const struct domain *d)
{
	assert_ptr_equal(d, &dom);
	return next_frame;
}

void *fake_qemu_host(const char *path, const char *claim, struct platform *plat, struct dt_devices *devs,
		     struct dom_host *h)
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
	assert_int_equal(dt_platform_parse(fdt, plat, &err), 0);
	assert_int_equal(dt_dev_scan(fdt, plat, devs, &err), 0);
	if (claim)
		assert_int_equal(dt_dev_claim(fdt, devs, claim, 1, &err), 0);
	*h = (struct dom_host){ .plat = plat, .fdt = fdt, .devs = devs };
	return fdt;
}
