#include "dom/dom_build.h"

#include "core/console.h"
#include "dom/vcpu.h"
#include "dt/dt_guest.h"
#include "hal/mmu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"

#define SZ_2M          (2ull << 20)
#define IMAGE_MAGIC    0x644d5241u /* "ARM\x64" at offset 56 */
#define IMAGE_HDR_SIZE 64
#define GUEST_DT_SIZE  4096

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

/* Gives the domain @bytes of RAM at GUEST_RAM0_BASE in the largest runs the allocator has, so the
 * p2m can use 1 GiB and 2 MiB blocks. */
static int populate(struct domain *d, uint64_t bytes)
{
	uint64_t ipa = GUEST_RAM0_BASE, end = GUEST_RAM0_BASE + bytes;

	while (ipa < end) {
		unsigned order = FRAME_MAX_ORDER;
		while (order &&
		       ((ipa >> PAGE_SHIFT) & ((1ull << order) - 1) || (end - ipa) >> PAGE_SHIFT < (1ull << order)))
			order--;
		paddr_t pa;
		while (frame_alloc(d->id, order, &pa))
			if (order-- == 0)
				return -XEN_ENOMEM;
		int rc = p2m_map(&d->p2m, ipa_init(ipa), pa, PAGE_SIZE << order, P2M_RAM_RW);
		if (rc)
			return rc;
		ipa += PAGE_SIZE << order;
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

static int load(struct domain *d, const struct boot_domain *bd, uint64_t ram, uint64_t *entry, uint64_t *dtb)
{
	const uint8_t *k = hal_pa_to_va(bd->kernel.base);
	struct image img;

	if (!k || !hal_pa_to_va(pa_add(bd->kernel.base, bd->kernel.size - 1)))
		return -XEN_EFAULT;
	parse_image(k, bd->kernel.size, &img);
	uint64_t dt_off = align_up(img.load_offset + img.span, SZ_2M);
	if (img.load_offset >= ram || dt_off + GUEST_DT_SIZE > ram)
		return -XEN_ENOMEM;
	int rc = copy_to_ipa(d, GUEST_RAM0_BASE + img.load_offset, k, bd->kernel.size);
	if (rc)
		return rc;

	void *tree = heap_alloc(GUEST_DT_SIZE);
	if (!tree)
		return -XEN_ENOMEM;
	struct dt_guest g = { ipa_init(GUEST_RAM0_BASE), ram, d->nr_vcpus, bd->bootargs };
	int size = dt_guest_build(tree, GUEST_DT_SIZE, &g);
	rc = size < 0 ? size : copy_to_ipa(d, GUEST_RAM0_BASE + dt_off, tree, (uint64_t)size);
	heap_free(tree);
	*entry = GUEST_RAM0_BASE + img.load_offset;
	*dtb = GUEST_RAM0_BASE + dt_off;
	return rc;
}

int dom_build(const struct boot_domain *bd, domid_t id, struct domain **out)
{
	uint64_t ram = align_up(bd->mem_kib << 10, PAGE_SIZE), entry = 0, dtb = 0;
	struct domain *d;
	int rc;

	if (bd->dom0) {
		con_printf("%s: Dom0 kernels are not supported yet (use a dom0less xen,domain node)\n", bd->name);
		return -XEN_ENOSYS;
	}
	if (ram > GUEST_RAM0_SIZE) {
		con_printf("%s: %llu MiB is more than the %llu MiB of guest RAM0\n", bd->name,
			   (unsigned long long)(ram >> 20), (unsigned long long)(GUEST_RAM0_SIZE >> 20));
		return -XEN_EINVAL;
	}
	rc = domain_create(id, bd->name, bd->vcpus, &d);
	if (rc) {
		con_printf("%s: cannot create domain %u (%d)\n", bd->name, id, rc);
		return rc;
	}
	rc = populate(d, ram);
	if (!rc)
		rc = load(d, bd, ram, &entry, &dtb);
	if (rc) {
		con_printf("%s: cannot build domain %u (%d)\n", bd->name, id, rc);
		domain_destroy(d);
		return rc;
	}
	if (bd->ramdisk.size)
		con_printf("%s: ramdisk module ignored: boot ramdisks arrive with the domains issue\n", bd->name);
	vcpu_reset(d->vcpu[0], entry, dtb);
	con_printf("Domain d%u (%s): %llu MiB at %#llx, %u vCPU%s, entry %#llx, tree %#llx\n", d->id, d->name,
		   (unsigned long long)(ram >> 20), GUEST_RAM0_BASE, d->nr_vcpus, d->nr_vcpus > 1 ? "s" : "",
		   (unsigned long long)entry, (unsigned long long)dtb);
	*out = d;
	return 0;
}
