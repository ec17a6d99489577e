/* Guest buffers, one page at a time: the vCPU's stage 1, the domain's p2m, then the frame itself
 * must be the domain's own RAM or a grant, pinned by a reference while the hypervisor touches it. */
#include "mm/guest_copy.h"

#include "hal/mmu.h"
#include "mm/frame.h"
#include "public/errno.h"

static bool type_allows(enum p2m_type t, bool write)
{
	switch (t) {
	case P2M_RAM_RW:
	case P2M_GRANT_RW:
	case P2M_FOREIGN_RW: return true;
	case P2M_RAM_RO:
	case P2M_GRANT_RO:
	case P2M_FOREIGN_RO: return !write;
	default: return false; /* holes, and MMIO: a device register is no buffer */
	}
}

/* The page holding @gva, pinned: its hypervisor address and PA (of @gva itself, not the page). */
static int pin(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, bool write, void **va, paddr_t *pa)
{
	ipa_t ipa;

	if (!hal_vcpu_va_to_ipa(v, gva, write, &ipa))
		return -XEN_EFAULT;
	enum p2m_type t = p2m_lookup(p2m, ipa, pa, NULL);
	if (!type_allows(t, write) || frame_get(*pa))
		return -XEN_EFAULT;
	/* The reference holds the frame still, so the owner read now stays true while we copy.
	 * A grant's or a foreign mapping's frame belongs to another domain: the grant table or
	 * memory_op vetted it when mapping it. */
	bool own = t == P2M_RAM_RW || t == P2M_RAM_RO;
	*va = (own && frame_owner(*pa) != p2m->owner) ? NULL : hal_pa_to_va(*pa);
	if (!*va) {
		frame_put(*pa);
		return -XEN_EFAULT;
	}
	return 0;
}

/* Copies [gva, gva + len) to or from @buf a page at a time, each page checked and pinned anew:
 * the stage-1 and stage-2 mappings may differ from one page to the next. */
static int each_page(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, size_t len, bool write, uint8_t *buf)
{
	if (gva + len < gva)
		return -XEN_EFAULT;
	while (len) {
		size_t n = PAGE_SIZE - (gva & PAGE_MASK);
		void *va;
		paddr_t pa;
		n = n < len ? n : len;
		if (pin(v, p2m, gva, write, &va, &pa))
			return -XEN_EFAULT;
		if (write)
			__builtin_memcpy(va, buf, n);
		else
			__builtin_memcpy(buf, va, n);
		frame_put(pa);
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, void *dst, uint64_t gva, size_t len)
{
	return each_page(v, p2m, gva, len, false, dst);
}

int copy_to_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, const void *src, size_t len)
{
	return each_page(v, p2m, gva, len, true, (uint8_t *)(uintptr_t)src);
}

int guest_page_get(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, bool write, void **va, paddr_t *pa)
{
	return pin(v, p2m, gva, write, va, pa);
}

void guest_page_put(paddr_t pa) { frame_put(pa); }
