#include "dom/dom_build.h"

#include <libfdt.h>

#include "core/console.h"
#include "dom/dom_create.h"
#include "dom/dom_direct.h"
#include "dom/dom_pv.h"
#include "dom/vcpu.h"
#include "core/irq.h"
#include "dt/dt_dom0.h"
#include "dt/dt_guest.h"
#include "gnttab/gnttab.h"
#include "hal/mmu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "vgic/vgic.h"

#define SZ_2M             (2ull << 20)
#define IMAGE_MAGIC       0x644d5241u /* "ARM\x64" at offset 56 */
#define IMAGE_HDR_SIZE    64
#define GUEST_DT_SIZE     4096
#define DOM0_DT_SIZE      (64u << 10) /* the host's tree without its padding, and what Dom0's adds */
#define FIRST_SPI         32u
#define MAX_RESERVED_SEEN 8

/* The tree names the upcall PPI the event channels raise. */
_Static_assert(16 + DT_GUEST_EVTCHN_PPI == DOMAIN_EVTCHN_PPI, "/hypervisor's interrupts is not the upcall");

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

/* The largest power-of-two run of pages that fits @left and keeps @ipa's alignment. */
static unsigned chunk_order(uint64_t ipa, uint64_t left)
{
	unsigned order = FRAME_MAX_ORDER;

	while (order && (((ipa >> PAGE_SHIFT) & ((1ull << order) - 1)) || (left >> PAGE_SHIFT) < (1ull << order)))
		order--;
	return order;
}

static int alloc_run(domid_t id, unsigned *order, paddr_t *pa)
{
	/* The guest initialises its own RAM: boot RAM nobody has had may come as it is (bootscrub=0). */
	while (frame_alloc_ram(id, *order, pa))
		if ((*order)-- == 0)
			return -XEN_ENOMEM;
	return 0;
}

/* A DomU's RAM: one bank at GUEST_RAM0_BASE, in the largest runs the allocator has, so the p2m
 * can use 1 GiB and 2 MiB blocks. */
static int populate_domu(struct domain *d, uint64_t bytes, struct dt_guest *g)
{
	uint64_t ipa = GUEST_RAM0_BASE, end = GUEST_RAM0_BASE + bytes;

	while (ipa < end) {
		unsigned order = chunk_order(ipa, end - ipa);
		paddr_t pa;
		int rc = alloc_run(d->id, &order, &pa);
		rc = rc ?: p2m_map(&d->p2m, ipa_init(ipa), pa, PAGE_SIZE << order, P2M_RAM_RW);
		if (rc)
			return rc;
		ipa += PAGE_SIZE << order;
	}
	g->bank[0] = (struct dt_guest_bank){ ipa_init(GUEST_RAM0_BASE), bytes };
	g->banks = 1;
	return 0;
}

/* Dom0's RAM is mapped 1:1 (it programs DMA with these addresses): each run becomes a bank,
 * merged with its neighbours, kept sorted so the kernel goes into the lowest that fits. */
static int populate_dom0(struct domain *d, uint64_t bytes, struct dt_guest *g)
{
	while (bytes) {
		unsigned order = chunk_order(0, bytes);
		paddr_t pa;
		int rc = alloc_run(d->id, &order, &pa);
		uint64_t size = PAGE_SIZE << order, base = pa_addr(pa);
		rc = rc ?: p2m_map(&d->p2m, ipa_init(base), pa, size, P2M_RAM_RW);
		if (rc)
			return rc;
		bytes -= size;
		unsigned i = 0;
		while (i < g->banks && ipa_addr(g->bank[i].base) + g->bank[i].size != base &&
		       base + size != ipa_addr(g->bank[i].base))
			i++;
		if (i < g->banks) {
			if (base < ipa_addr(g->bank[i].base))
				g->bank[i].base = ipa_init(base);
			g->bank[i].size += size;
			continue;
		}
		if (g->banks == DT_GUEST_MAX_BANKS)
			return -XEN_E2BIG;
		for (i = g->banks; i > 0 && ipa_addr(g->bank[i - 1].base) > base; i--)
			g->bank[i] = g->bank[i - 1];
		g->bank[i] = (struct dt_guest_bank){ ipa_init(base), size };
		g->banks++;
	}
	return 0;
}

/* The hypervisor writing into its guest's RAM, by IPA: only the domain's own RAM mappings. */
static int copy_to_ipa(struct domain *d, uint64_t ipa, const void *src, uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		paddr_t pa;
		uint64_t n = PAGE_SIZE - (ipa & PAGE_MASK);
		if (p2m_lookup(&d->p2m, ipa_init(ipa), &pa, NULL) != P2M_RAM_RW)
			return -XEN_EFAULT;
		uint8_t *dst = hal_pa_to_va(pa);
		if (!dst)
			return -XEN_EFAULT;
		n = n < len ? n : len;
		__builtin_memcpy(dst, s, n);
		hal_dcache_clean(dst, n); /* the guest reads its image with its MMU, and caches, off */
		ipa += n;
		s += n;
		len -= n;
	}
	return 0;
}

struct image {
	uint64_t load_offset; /* from the start of RAM */
	uint64_t span;        /* bytes the kernel occupies once loaded (.bss included) */
};

/* The arm64 Linux boot protocol's header, if there is one; otherwise a raw binary at offset 0. */
static void parse_image(const uint8_t *k, uint64_t size, struct image *img)
{
	uint32_t magic;
	uint64_t text_offset, image_size;

	img->load_offset = 0;
	img->span = size;
	if (size < IMAGE_HDR_SIZE)
		return;
	__builtin_memcpy(&magic, k + 56, 4);
	if (magic != IMAGE_MAGIC)
		return;
	__builtin_memcpy(&text_offset, k + 8, 8);
	__builtin_memcpy(&image_size, k + 16, 8);
	/* image_size 0 marks kernels older than 3.17, which assume a text_offset of 0x80000. */
	img->load_offset = image_size ? text_offset : 0x80000;
	img->span = image_size > size ? image_size : size;
}

static const void *module(struct plat_region r)
{
	const void *p = hal_pa_to_va(r.base);
	return p && hal_pa_to_va(pa_add(r.base, r.size - 1)) ? p : NULL;
}

/* Kernel at its bank's (2 MiB-aligned) start + text_offset, then the tree, then the ramdisk, each
 * 2 MiB-aligned, in the lowest bank that holds them all (the arm64 boot protocol's rules). */
static int load(struct domain *d, const struct boot_domain *bd, const struct dom_host *host, struct dt_guest *g,
		uint64_t *entry, uint64_t *dtb)
{
	bool dom0_tree = bd->dom0 && host->fdt && host->devs;
	/* A DomU's tree grows by its partial tree's /passthrough. */
	uint64_t dt_max =
	    dom0_tree ? DOM0_DT_SIZE : GUEST_DT_SIZE + (g->pt ? align_up(fdt_totalsize(g->pt->fdt), PAGE_SIZE) : 0);
	const uint8_t *k = module(bd->kernel);
	const uint8_t *rd = bd->ramdisk.size ? module(bd->ramdisk) : NULL;
	struct image img;

	if (!k || (bd->ramdisk.size && !rd))
		return -XEN_EFAULT;
	parse_image(k, bd->kernel.size, &img);
	for (unsigned i = 0; i < g->banks; i++) {
		uint64_t base = align_up(ipa_addr(g->bank[i].base), SZ_2M);
		uint64_t end = ipa_addr(g->bank[i].base) + g->bank[i].size;
		uint64_t dt = align_up(base + img.load_offset + img.span, SZ_2M);
		uint64_t initrd = align_up(dt + dt_max, SZ_2M);
		if (base >= end || initrd + bd->ramdisk.size > end)
			continue;
		*entry = base + img.load_offset;
		*dtb = dt;
		g->initrd = ipa_init(initrd);
		g->initrd_size = bd->ramdisk.size;
		int rc = copy_to_ipa(d, *entry, k, bd->kernel.size);
		if (!rc && rd)
			rc = copy_to_ipa(d, initrd, rd, bd->ramdisk.size);
		if (rc)
			return rc;
		void *tree = heap_alloc(dt_max);
		if (!tree)
			return -XEN_ENOMEM;
		int size =
		    dom0_tree ? dt_dom0_build(tree, dt_max, host->fdt, host->devs, g) : dt_guest_build(tree, dt_max, g);
		rc = size < 0 ? size : copy_to_ipa(d, dt, tree, (uint64_t)size);
		heap_free(tree);
		return rc;
	}
	return -XEN_ENOMEM;
}

static bool owns(const struct dt_dev *dev, const struct domain *d, bool dom0)
{
	return dom0 ? dev->owner == DT_OWN_DOM0 : dev->owner == DT_OWN_DOMU && dev->domu == d->id;
}

/* A device's MMIO 1:1 as device memory, in whole pages: a page it shares with another owner's
 * device is refused, so no guest reaches the hypervisor's UART, GIC or SMMU, or another's device. */
static int map_mmio(struct domain *d, const struct dom_host *host, const struct dt_dev *dev, const char *name,
		    struct plat_region r)
{
	uint64_t base = pa_addr(r.base) & ~(uint64_t)PAGE_MASK;
	uint64_t size = align_up(pa_addr(r.base) + r.size, PAGE_SIZE) - base;

	if (dt_dev_hits_other(host->devs, base, size, dev->owner, dev->domu)) {
		con_printf("d%u: %s at %#llx shares a page with another owner's device; not mapped\n", d->id, name,
			   (unsigned long long)pa_addr(r.base));
		return 0;
	}
	int rc = p2m_map(&d->p2m, ipa_init(base), pa_init(base), size, P2M_MMIO);
	if (rc == -XEN_EINVAL) /* beyond the IPA size (a 64-bit PCI window): the rest still works */
		con_printf("d%u: %s at %#llx+%#llx is beyond the domain's address space; not mapped\n", d->id, name,
			   (unsigned long long)base, (unsigned long long)size);
	return rc == -XEN_EINVAL ? 0 : rc;
}

/* The addresses Xen's DomU memory map already uses: passthrough MMIO must not hide them. */
static bool guest_map_clash(uint64_t ipa, uint64_t size)
{
	return dom_guest_map_hit(ipa, size) ||
	       (ipa < GUEST_RAM0_BASE + GUEST_RAM0_SIZE && GUEST_RAM0_BASE < ipa + size);
}

/* A DomU's passthrough MMIO where its partial tree's xen,reg puts it (dt_pt_parse checked that each
 * region is its device's); pages a device shares with another owner's stay unmapped. */
static int map_passthrough(struct domain *d, const struct dom_host *host)
{
	for (unsigned i = 0; host->pt && i < host->pt->nreg; i++) {
		const struct dt_pt_reg *r = &host->pt->reg[i];
		if (guest_map_clash(ipa_addr(r->ipa), r->size) ||
		    dt_dev_hits_other(host->devs, pa_addr(r->pa), r->size, DT_OWN_DOMU, d->id)) {
			con_printf("d%u: passthrough %#llx+%#llx overlaps the guest's map or another owner's device\n",
				   d->id, (unsigned long long)pa_addr(r->pa), (unsigned long long)r->size);
			return -XEN_EINVAL;
		}
		int rc = p2m_map(&d->p2m, r->ipa, r->pa, r->size, P2M_MMIO);
		if (rc)
			return rc;
	}
	return 0;
}

/* Every device @d owns: Dom0's MMIO 1:1 (a DomU's comes from xen,reg), SPIs forwarded HW-linked at
 * their own INTIDs (the guest's EOI deactivates the physical one). PPIs are per-CPU: never forwarded. */
static int devices(struct domain *d, const struct dom_host *host, bool dom0, unsigned nr_spis)
{
	int rc = dom0 || !host->devs ? 0 : map_passthrough(d, host);

	for (unsigned i = 0; !rc && host->fdt && host->devs && i < host->devs->count; i++) {
		const struct dt_dev *dev = &host->devs->dev[i];
		const char *name = fdt_get_name(host->fdt, dev->node, NULL);
		if (!owns(dev, d, dom0))
			continue;
		for (unsigned j = 0; dom0 && j < dev->nreg && !rc; j++)
			rc = map_mmio(d, host, dev, name, dev->reg[j]);
		for (unsigned j = 0; j < dev->nirq; j++) {
			uint32_t intid = dev->irq[j];
			int irc = intid < FIRST_SPI              ? 0
				  : intid >= FIRST_SPI + nr_spis ? -XEN_ERANGE
								 : irq_assign(intid, d, intid);
			if (irc)
				con_printf("d%u: %s: SPI %u not forwarded (%d)\n", d->id, name, intid, irc);
		}
	}
	return rc;
}

/* Where Dom0 maps grant-table frames (/hypervisor's reg): as Xen, RAM the hypervisor keeps (its
 * image first), which is never Dom0's, so a frame mapped there hides nothing of Dom0's 1:1 map.
 * Linux maps the whole table's worth (GNTTABOP_query_size's maximum) from reg's start, so the
 * region must hold all of it. */
static struct dt_guest_bank dom0_gnttab(void)
{
	struct plat_region r[MAX_RESERVED_SEEN];
	uint64_t want = (uint64_t)GNTTAB_MAX_FRAMES * PAGE_SIZE;
	unsigned n = hal_mem_reserved(r, MAX_RESERVED_SEEN);

	for (unsigned i = 0; i < n && i < MAX_RESERVED_SEEN; i++)
		if (r[i].size >= want)
			return (struct dt_guest_bank){ ipa_init(pa_addr(r[i].base)), want };
	con_printf("dom0: no reserved region holds %llu grant frames; /hypervisor has no reg\n",
		   (unsigned long long)GNTTAB_MAX_FRAMES);
	return (struct dt_guest_bank){ ipa_init(0), 0 };
}

/* As many SPIs as the host's GIC has (Linux sizes its tables by GICD_TYPER), in whole 32s. */
static unsigned dom0_spis(const struct platform *plat)
{
	unsigned n = plat->gic.nr_spis < VGIC_MAX_SPIS ? plat->gic.nr_spis : VGIC_MAX_SPIS;
	return n >= 32 ? n / 32 * 32 : DOM0_NR_SPIS;
}

int dom_build(const struct boot_domain *bd, domid_t id, const struct dom_host *host, struct domain **out)
{
	const struct platform *plat = host->plat;
	uint64_t ram = align_up(bd->mem_kib << 10, PAGE_SIZE), entry = 0, dtb = 0;
	/* A DomU with passthrough devices sees their SPIs at the host's INTIDs, as Dom0 does. */
	bool pt = !bd->dom0 && host->pt && host->pt->fdt;
	unsigned nr_spis = bd->dom0 || pt ? dom0_spis(plat) : GUEST_NR_SPIS;
	struct dt_guest g = { .vcpus = bd->vcpus, .bootargs = bd->bootargs, .pt = pt ? host->pt : NULL };
	struct domain *d;
	int rc;

	g.gnttab = bd->dom0 ? dom0_gnttab() : (struct dt_guest_bank){ ipa_init(GUEST_GNTTAB_BASE), GUEST_GNTTAB_SIZE };
	if (ram == 0) {
		con_printf("%s: no memory to give\n", bd->name);
		return -XEN_EINVAL;
	}
	if (!bd->dom0 && ram > GUEST_RAM0_SIZE) {
		con_printf("%s: %llu MiB is more than the %llu MiB of guest RAM0\n", bd->name,
			   (unsigned long long)(ram >> 20), (unsigned long long)(GUEST_RAM0_SIZE >> 20));
		return -XEN_EINVAL;
	}
	rc = domain_create(id, bd->name, bd->vcpus, &d);
	if (rc) {
		con_printf("%s: cannot create domain %u (%d)\n", bd->name, id, rc);
		return rc;
	}
	d->direct_map = !bd->dom0 && bd->direct_map;
	rc = bd->dom0        ? populate_dom0(d, ram, &g)
	     : d->direct_map ? dom_direct_populate(d, ram, &g)
			     : populate_domu(d, ram, &g);
	if (!rc)
		rc = dom_gic(d, plat, bd->dom0, nr_spis, &g);
	if (!rc && pt)
		rc = dom_direct_check_dma(d, host);
	if (!rc)
		rc = devices(d, host, bd->dom0, nr_spis);
	/* A DomU's console and xenstore for Dom0 to serve, as Xen's toolstack would give it. */
	if (!rc && !bd->dom0)
		rc = dom_pv_setup(d, 0);
	if (!rc)
		rc = load(d, bd, host, &g, &entry, &dtb);
	if (rc) {
		con_printf("%s: cannot build domain %u (%d)\n", bd->name, id, rc);
		domain_destroy(d);
		return rc;
	}
	/* A DomU may balloon within what it was built with, never beyond (Xen's dom0less max_pages). A
	 * 1:1 Dom0 can only take back frames it holds. */
	if (!bd->dom0)
		d->max_pages = domain_tot_pages(d);
	vcpu_reset(d->vcpu[0], entry, dtb);
	con_printf("Domain d%u (%s): %llu MiB in %u bank%s from %#llx%s, %u vCPU%s, entry %#llx, tree %#llx\n", d->id,
		   d->name, (unsigned long long)(ram >> 20), g.banks, g.banks > 1 ? "s" : "",
		   (unsigned long long)ipa_addr(g.bank[0].base),
		   bd->dom0        ? " (1:1)"
		   : d->direct_map ? " (direct-map)"
				   : "",
		   d->nr_vcpus, d->nr_vcpus > 1 ? "s" : "", (unsigned long long)entry, (unsigned long long)dtb);
	*out = d;
	return 0;
}
