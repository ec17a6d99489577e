/* The toolstack library: the control domain (Dom0) builds, starts, watches and destroys domains with
 * Xen's domctls, memory ops and HVM params, as libxl/libxc do on arm (guests/lib/tools/). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/event_channel.h"
#include "public/xen.h"

/* Xen's DomU memory map, which the tree the library writes describes. */
#define GL_TOOLS_RAM_BASE     0x40000000ull
#define GL_TOOLS_MAGIC_GFN    0x39000ull /* GUEST_MAGIC_BASE: console page, then xenstore page */
#define GL_TOOLS_CONSOLE_GFN  (GL_TOOLS_MAGIC_GFN + 0)
#define GL_TOOLS_XENSTORE_GFN (GL_TOOLS_MAGIC_GFN + 1)

#define GL_TOOLS_MAX_IOMEM  4
#define GL_TOOLS_MAX_DTDEV  2
#define GL_TOOLS_DTDEV_PATH 128 /* bytes of a host tree path, with its NUL */

/* A host MMIO (or device-RAM) range given to the domain: iomem_permission + memory_mapping of
 * @pages pages from host frame @base (an address, page-aligned) at guest frame @gfn. With a
 * @compatible, the tree also gets /passthrough/<node name>@<addr> { compatible; reg } for it, as a
 * partial device tree gives libxl: the guest's driver finds its device there. */
struct gl_dom_iomem {
	uint64_t base;
	uint64_t pages;
	uint64_t gfn;
	const char *compatible; /* NULL: mapped, not described */
};

struct gl_dom_cfg {
	const char *name; /* for messages only */
	/* The kernel: in the sim, a SIM image naming this program (hal/sim/program.h); otherwise
	 * @image_size bytes at @image (a raw EL1 binary, or an arm64 Image at its text_offset). */
	const char *program;
	const void *image;
	size_t image_size;
	unsigned mem_mib;     /* RAM at GL_TOOLS_RAM_BASE */
	unsigned vcpus;       /* 1..8 */
	unsigned gic_version; /* 0: the host's, else 2 or 3 */
	const char *bootargs; /* /chosen/bootargs; NULL: none */
	struct gl_dom_iomem iomem[GL_TOOLS_MAX_IOMEM];
	unsigned nr_iomem;
	/* Host device tree nodes given to it (XEN_DOMCTL_assign_device, XEN_DOMCTL_DEV_DT) after its
	 * iomem: their DMA (SMMU streams) goes through its stage 2, as xl's dtdev = [ ... ]. */
	const char *dtdev[GL_TOOLS_MAX_DTDEV];
	unsigned nr_dtdev;
	bool paused; /* leave it paused (xl create -p): the caller introduces it first, then unpauses */
};

/* Once, before anything else, with the calling domain's own tree: the library takes a few pages
 * at the top of its first RAM bank out of its p2m (XENMEM_decrease_reservation, as Linux's balloon
 * does) to map other domains' frames there. 0 or a negative Xen errno. */
int gl_tools_init(const void *fdt);

/* Builds a domain from @cfg: createdomain (the hypervisor picks the domid), max_mem, RAM, the
 * console and xenstore pages at GL_TOOLS_*_GFN with their grant entries 0 and 1 seeded for Dom0
 * and unbound ports for Dom0, HVM params, the kernel and its device tree, vCPU 0's registers, the
 * iomem ranges, the DT devices; then unpauses it unless @cfg->paused. On failure nothing is left behind (the half
 * built domain is destroyed). 0 and *@out, or a negative Xen errno. */
int gl_tools_create(const struct gl_dom_cfg *cfg, domid_t *out);

int gl_tools_unpause(domid_t dom);

/* XEN_DOMCTL_destroydomain of a running, paused or shut down domain. */
int gl_tools_destroy(domid_t dom);

/* What XEN_DOMCTL_getdomaininfo says of one domain. -XEN_ESRCH when @dom does not exist. */
struct gl_dom_state {
	bool dying, shutdown, paused, running, blocked;
	unsigned shutdown_reason; /* SHUTDOWN_*, when shutdown */
	uint64_t tot_pages;
};
int gl_tools_state(domid_t dom, struct gl_dom_state *st);

/* The PV wiring gl_tools_create gave the domain, for xs_introduce and the console backend. */
struct gl_dom_pv {
	uint64_t console_gfn, store_gfn;
	evtchn_port_t console_port, store_port; /* the domain's unbound ports, remote domain 0 */
};
int gl_tools_pv(domid_t dom, struct gl_dom_pv *pv);

/* XEN_SYSCTL_physinfo: the machine's free and total pages (leak checks). */
int gl_tools_physinfo(uint64_t *free_pages, uint64_t *total_pages);

/* Maps frame @gfn of domain @dom into the caller (XENMEM_add_to_physmap_batch, gmfn_foreign) and
 * returns its address in *@va (VA == IPA); gl_tools_unmap_foreign gives the slot back. A handful of
 * slots exist; -XEN_ENOSPC when all are taken. */
int gl_tools_map_foreign(domid_t dom, uint64_t gfn, uint64_t *va);
int gl_tools_unmap_foreign(uint64_t va);
