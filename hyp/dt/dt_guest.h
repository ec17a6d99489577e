/* The device tree a DomU boots with, written with libfdt: its memory, vCPUs, command line and
 * the hypervisor node that tells Linux it runs on Xen. The devices issue grows it. */
#pragma once

#include "dt/dt.h"

#define DT_GUEST_MAX_VCPUS 8

struct dt_guest {
	ipa_t ram_base;
	uint64_t ram_size;
	unsigned vcpus;
	const char *bootargs; /* may be NULL */
};

/* Writes the tree into @buf. Returns its size, or -XEN_ENOSPC if @size is too small. */
int dt_guest_build(void *buf, size_t size, const struct dt_guest *g);
