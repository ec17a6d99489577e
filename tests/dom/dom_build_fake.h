/* Fakes for dom_build's tests: guest RAM, frames, the p2m (every mapping recorded), the vGIC and
 * irq_assign (every forwarded SPI recorded); a host GIC and boot descriptions to build from. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "dom/dom_build.h"
#include "vgic/vgic.h"

#define RAM_BASE  0x40000000ull
#define RAM_SIZE  (16ull << 20)
#define KERNEL_PA 0x48000000ull /* the boot module, outside the guest's RAM */
#define HYP_IMAGE 0x4f000000ull /* hal_mem_reserved's first region: Dom0's grant-table region */
#define QEMU_GICD 0x08000000ull
#define QEMU_GICC 0x08010000ull
#define QEMU_GICV 0x08040000ull
#define QEMU_GICR 0x080a0000ull

struct fake_map {
	uint64_t ipa, pa, size;
	enum p2m_type type;
};

struct fake_assign {
	uint32_t pintid, vintid;
	struct domain *d;
	domid_t domid;
};

extern uint8_t ram[RAM_SIZE];
extern struct vcpu vcpus[4];
extern struct vgic_config seen;
extern unsigned vgic_inits, destroyed, next_frame, nmaps, nassigned;
extern int vgic_rc;
extern struct fake_map maps[256];
extern struct fake_assign assigned[64];
extern struct plat_region reserved[2]; /* hal_mem_reserved's answer: the image, 2 MiB, by default */
extern unsigned nreserved;
extern unsigned pv_setups; /* dom_pv_setup calls, the last one's backend, and what it returns */
extern domid_t pv_backend;
extern int pv_rc;
extern bool fake_iommu;           /* iommu_present()'s answer */
extern struct fake_map frees[16]; /* frame_free calls (pa, size) */
extern unsigned nfrees;

/* A QEMU-like host platform with a GIC of @version (no tree, no devices). */
struct platform fake_host(unsigned version);
/* Dom0 or a DomU of 4 MiB and @vcpus with the fake raw kernel. */
struct boot_domain boot_dom(bool dom0, unsigned vcpus);
/* Resets every fake (a cmocka setup). */
int setup(void **state);
/* The tree dom_build handed vCPU 0 in x0, read back from the guest's RAM. */
const void *guest_tree(void);
/* A QEMU host tree read from @path (runfiles) into a malloc'd, growable copy, scanned into @plat and
 * @devs; with @claim, that node marked xen,passthrough and claimed by DomU 1. @h describes it. */
void *fake_qemu_host(const char *path, const char *claim, struct platform *plat, struct dt_devices *devs,
		     struct dom_host *h);
