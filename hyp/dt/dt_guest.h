/* The device tree a DomU boots with, written with libfdt: its memory, vCPUs, command line, its
 * GIC and generic timer, and the hypervisor node that tells Linux it runs on Xen. */
#pragma once

#include "dt/dt_passthrough.h"

#define DT_GUEST_MAX_VCPUS   8
#define DT_GUEST_MAX_BANKS   8
#define DT_GUEST_GIC_PHANDLE 65000 /* Xen's: partial device trees name it (interrupt-parent) */

/* The timer PPIs every guest is told about (the binding's order: secure and non-secure physical,
 * virtual, hypervisor), as PPI numbers: INTIDs 29, 30, 27, 26. */
#define DT_GUEST_TIMER_PPI_SEC  13
#define DT_GUEST_TIMER_PPI_PHYS 14
#define DT_GUEST_TIMER_PPI_VIRT 11
#define DT_GUEST_TIMER_PPI_HYP  10

struct dt_guest_bank {
	ipa_t base;
	uint64_t size;
};

struct dt_guest {
	struct dt_guest_bank bank[DT_GUEST_MAX_BANKS];
	unsigned banks;
	unsigned vcpus;
	const char *bootargs; /* may be NULL */
	/* DomUs: the dom0less partial tree's /passthrough, copied in (NULL: none). */
	const struct dt_passthrough *pt;
	/* /hypervisor's reg: where the guest maps grant-table frames (size 0: no reg). */
	struct dt_guest_bank gnttab;
	ipa_t initrd; /* linux,initrd-start/-end when initrd_size is not 0 */
	uint64_t initrd_size;
	/* Version 0: no interrupt controller (and no timer) in the tree. */
	struct {
		unsigned version;            /* 2 or 3 */
		struct dt_guest_bank dist;   /* GICD */
		struct dt_guest_bank redist; /* v3: every vCPU's GICR frames */
		struct dt_guest_bank cpuif;  /* v2: GICC */
	} gic;
};

/* Writes the tree into @buf. Returns its size, -XEN_ENOSPC if @size is too small, or -XEN_EINVAL
 * for a description no guest could use (no vCPUs or banks, too many). */
int dt_guest_build(void *buf, size_t size, const struct dt_guest *g);

/* The event-channel upcall as /hypervisor's interrupts tells it: PPI 15 (INTID 31). */
#define DT_GUEST_EVTCHN_PPI 15

/* Parts written the same way into a DomU's tree and Dom0's (dt_dom0.c), with the root's address and
 * size cells @ac, @sc (1 or 2). Each returns 0 or a libfdt error. */
int dt_guest_cpus(void *fdt, unsigned n, const char *compat);
int dt_guest_memory(void *fdt, const struct dt_guest *g, int ac, int sc);
int dt_guest_chosen_props(void *fdt, const struct dt_guest *g);
int dt_guest_psci(void *fdt);
/* @gic_phandle 0: the interrupt parent is inherited from the root. */
int dt_guest_hypervisor(void *fdt, const struct dt_guest *g, int ac, int sc, uint32_t gic_phandle);
/* `reg` with @n (base, size) pairs in @ac + @sc cells. */
int dt_guest_reg(void *fdt, int ac, int sc, const struct dt_guest_bank *b, unsigned n);
