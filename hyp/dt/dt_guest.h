/* The device tree a DomU boots with, written with libfdt: its memory, vCPUs, command line and
 * the hypervisor node that tells Linux it runs on Xen. The devices issue grows it. */
#pragma once

#include "dt/dt.h"

#define DT_GUEST_MAX_VCPUS 8
#define DT_GUEST_MAX_BANKS 8

struct dt_guest_bank {
	ipa_t base;
	uint64_t size;
};

struct dt_guest {
	struct dt_guest_bank bank[DT_GUEST_MAX_BANKS];
	unsigned banks;
	unsigned vcpus;
	const char *bootargs; /* may be NULL */
	ipa_t initrd;         /* linux,initrd-start/-end when initrd_size is not 0 */
	uint64_t initrd_size;
};

/* Writes the tree into @buf. Returns its size, -XEN_ENOSPC if @size is too small, or -XEN_EINVAL
 * for a description no guest could use (no vCPUs or banks, too many). */
int dt_guest_build(void *buf, size_t size, const struct dt_guest *g);
