/* The device tree the toolstack gives a domain it builds: what libxl writes on arm (root, chosen,
 * cpus, psci, memory, GIC, timer, hypervisor) and the /passthrough a partial device tree adds. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Xen's guest memory map and numbers (arch-arm.h) that the tree names. */
#define TOOLS_DT_GICD_BASE    0x03001000ull
#define TOOLS_DT_GICD_V2_SIZE 0x00001000ull
#define TOOLS_DT_GICD_V3_SIZE 0x00010000ull
#define TOOLS_DT_GICC_BASE    0x03002000ull
#define TOOLS_DT_GICC_SIZE    0x00002000ull
#define TOOLS_DT_GICR_BASE    0x03020000ull
#define TOOLS_DT_GICR_SIZE    0x01000000ull /* room for 128 vCPUs' frames */
#define TOOLS_DT_GNTTAB_BASE  0x38000000ull
#define TOOLS_DT_GNTTAB_SIZE  0x01000000ull
#define TOOLS_DT_GIC_PHANDLE  65000u
#define TOOLS_DT_EVTCHN_INTID 31u
#define TOOLS_DT_MAX_VCPUS    8u
#define TOOLS_DT_MAX_DEVS     4u

/* A device the domain was given (its MMIO at @addr in the guest), written under /passthrough. */
struct tools_dt_dev {
	const char *compatible;
	uint64_t addr, size;
};

struct tools_dt {
	unsigned xen_major, xen_minor; /* "xen,xen-M.m" */
	unsigned vcpus;
	unsigned gic_version; /* 2 or 3 */
	uint64_t ram_base, ram_size;
	const char *bootargs; /* NULL: none */
	struct tools_dt_dev dev[TOOLS_DT_MAX_DEVS];
	unsigned nr_dev;
};

/* Writes the tree into @buf (libfdt sequential write). Returns its size, or a negative libfdt
 * error: -FDT_ERR_NOSPACE when @size is too small, -FDT_ERR_BADVALUE for a description no guest
 * could boot with (no vCPUs or RAM, too many, an unknown GIC version). */
int tools_dt_build(void *buf, size_t size, const struct tools_dt *t);
