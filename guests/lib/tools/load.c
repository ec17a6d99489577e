/* A domain's kernel and device tree in its RAM, and vCPU 0 started at the kernel: what libxc's
 * arm domain builder does with a raw binary, an arm64 Image or (in the sim) a SIM image. */
#include "guests/lib/tools/dt.h"
#include "guests/lib/tools/int.h"

#include "lib/guest.h"
#include "public/errno.h"
#include "sim/program.h"

#define MIB               (1ull << 20)
#define DT_MAX            4096u
#define DT_AT             (128ull * MIB) /* libxc puts modules at 128 MiB if RAM reaches past it */
#define PSR_GUEST64_INIT  0x1c5u         /* EL1h, SError, IRQ and FIQ masked */
#define SCTLR_GUEST_INIT  0x00c50078ull
#define ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 56 of an arm64 Image */

/* Where the kernel goes (offset in RAM) and how much of RAM it then spans. */
struct kernel {
	const uint8_t *bytes;
	size_t size;
	uint64_t offset, span;
	uint8_t blob[SIM_IMAGE_BLOB_MAX];
};

static bool kernel_of(const struct gl_dom_cfg *cfg, struct kernel *k)
{
	k->offset = 0;
	if (cfg->program) {
		static const char magic[] = SIM_IMAGE_MAGIC;
		size_t n = 0;
		while (cfg->program[n] && n <= SIM_IMAGE_NAME_MAX)
			n++;
		if (!n || n > SIM_IMAGE_NAME_MAX)
			return false;
		for (size_t i = 0; i < sizeof(k->blob); i++)
			k->blob[i] = i < SIM_IMAGE_MAGIC_LEN       ? (uint8_t)magic[i]
				     : i < SIM_IMAGE_MAGIC_LEN + n ? (uint8_t)cfg->program[i - SIM_IMAGE_MAGIC_LEN]
								   : 0;
		k->bytes = k->blob;
		k->size = sizeof(k->blob);
		k->span = SIM_IMAGE_SIZE; /* the program's runtime pages follow its name */
		return true;
	}
	if (!cfg->image || !cfg->image_size)
		return false;
	k->bytes = cfg->image;
	k->size = k->span = cfg->image_size;
	uint32_t magic = 0;
	uint64_t text_offset = 0, image_size = 0;
	if (k->size >= 64) {
		for (unsigned i = 0; i < 8; i++) {
			text_offset |= (uint64_t)k->bytes[8 + i] << (8 * i);
			image_size |= (uint64_t)k->bytes[16 + i] << (8 * i);
		}
		for (unsigned i = 0; i < 4; i++)
			magic |= (uint32_t)k->bytes[56 + i] << (8 * i);
	}
	if (magic == ARM64_IMAGE_MAGIC) {
		/* image_size 0: a kernel older than 3.17, which assumes text_offset 0x80000. */
		k->offset = image_size ? text_offset : 0x80000;
		k->span = image_size > k->size ? image_size : k->size;
	}
	return true;
}

/* The kernel at RAM + its offset; the tree where libxc puts modules (128 MiB in, or the top of
 * RAM), never over the kernel. vCPU 0 then starts at the kernel with x0 = the tree. */
int tools_load(struct tools_state *s, const struct gl_dom_cfg *cfg, domid_t dom, unsigned gic, uint64_t *dtb,
	       uint64_t *entry)
{
	const uint64_t ram = (uint64_t)cfg->mem_mib * MIB, base = GL_TOOLS_RAM_BASE;
	struct kernel k;
	struct tools_dt t = { .xen_major = s->xen_major,
			      .xen_minor = s->xen_minor,
			      .vcpus = cfg->vcpus,
			      .gic_version = gic,
			      .ram_base = base,
			      .ram_size = ram,
			      .bootargs = cfg->bootargs };
	uint8_t tree[DT_MAX];

	for (unsigned i = 0; i < cfg->nr_iomem; i++) {
		const struct gl_dom_iomem *m = &cfg->iomem[i];
		if (m->compatible)
			t.dev[t.nr_dev++] = (struct tools_dt_dev){ m->compatible, m->gfn << TOOLS_PAGE_SHIFT,
								   m->pages << TOOLS_PAGE_SHIFT };
	}
	if (!kernel_of(cfg, &k))
		return -XEN_EINVAL;
	int size = tools_dt_build(tree, sizeof(tree), &t);
	if (size < 0)
		return -XEN_EINVAL;
	uint64_t dt_span = ((uint64_t)size + TOOLS_PAGE_SIZE - 1) & ~(TOOLS_PAGE_SIZE - 1);
	uint64_t kernel_end = k.offset + k.span;
	uint64_t dt = ram >= DT_AT + dt_span && kernel_end <= DT_AT ? DT_AT : ram - dt_span;
	if (kernel_end > ram || dt < kernel_end)
		return -XEN_ENOMEM;
	*entry = base + k.offset;
	*dtb = base + dt;
	int rc = tools_copy_to_domain(dom, *entry >> TOOLS_PAGE_SHIFT, k.bytes, k.size);
	return rc ?: tools_copy_to_domain(dom, *dtb >> TOOLS_PAGE_SHIFT, tree, (size_t)size);
}

/* Linux's boot protocol on vCPU 0 (x0 = tree, x1-x3 = 0), at EL1h with exceptions masked and the
 * MMU off, as libxc starts an arm64 guest. */
int tools_start_regs(struct tools_state *s, domid_t dom, uint64_t entry, uint64_t dtb)
{
	struct vcpu_guest_context *c = &s->a.ctx;
	for (size_t i = 0; i < sizeof(*c) / 8; i++)
		((volatile uint64_t *)c)[i] = 0;
	c->flags = VGCF_online;
	c->user_regs.x[0] = dtb;
	c->user_regs.pc64 = entry;
	c->user_regs.cpsr = PSR_GUEST64_INIT;
	c->sctlr = SCTLR_GUEST_INIT;
	struct xen_domctl *d = tools_domctl_init(s, XEN_DOMCTL_setvcpucontext, dom);
	d->u.vcpucontext.vcpu = 0;
	d->u.vcpucontext.ctxt = tools_gva(s, c);
	return (int)tools_domctl(s);
}
