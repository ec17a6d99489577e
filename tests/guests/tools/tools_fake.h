/* A fake hypervisor under the toolstack: lib/guest.h's calls on the host, and the domctls, memory
 * ops, HVM params and port allocations the library makes, served and recorded, with domains whose
 * memory is host buffers the library writes through its foreign-map window. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "public/domctl.h"
#include "public/hvm.h"

#define FAKE_DOMS    8
#define FAKE_EXTENTS 512
#define FAKE_CALLS   256
#define FAKE_SLOTS   16
#define FAKE_IOMEM   4

struct fake_extent {
	uint64_t gfn;
	unsigned order;
	uint8_t *data;
};

struct fake_dom {
	bool exists, paused;
	struct xen_domctl_createdomain cfg;
	uint64_t max_memkb, tot_pages;
	struct fake_extent ext[FAKE_EXTENTS];
	unsigned nr_ext;
	uint8_t gnttab[4096]; /* grant frame 0 */
	uint64_t gnttab_gfn;  /* where it is in the p2m, 0: nowhere */
	uint64_t hvm[HVM_NR_PARAMS];
	unsigned next_port;
	struct vcpu_guest_context ctx;
	bool ctx_set;
	struct xen_domctl_iomem_permission perm[FAKE_IOMEM];
	struct xen_domctl_memory_mapping map[FAKE_IOMEM];
	unsigned nr_perm, nr_map;
};

struct fake {
	struct fake_dom dom[FAKE_DOMS]; /* by domid; 0 is the caller */
	uint64_t ballooned[FAKE_SLOTS]; /* the caller's GFNs it gave back */
	unsigned nr_ballooned;
	struct {
		bool used;
		uint64_t gfn; /* the caller's */
		domid_t dom;
		uint64_t foreign_gfn;
	} slot[FAKE_SLOTS];
	char call[FAKE_CALLS][48]; /* "createdomain", "populate d1 o9 n1", ... in order */
	unsigned nr_calls;
	const char *fail_call; /* the first call whose record starts with this fails with fail_rc */
	long fail_rc;
	unsigned destroy_eagain; /* destroydomain answers -EAGAIN this many times first */
	uint64_t free_pages, total_pages;
};

extern struct fake fake;

void fake_reset(void);
/* The host buffer behind @dom's page at @gfn; NULL if it has none. */
uint8_t *fake_page(domid_t dom, uint64_t gfn);
/* The index of the first recorded call that starts with @prefix, or -1. */
int fake_call_index(const char *prefix);
