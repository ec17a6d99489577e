/* A boot DomU's paravirtual channels, set up as Xen's toolstack does for a guest: console and
 * xenstore pages in the magic region, their unbound ports, the HVM params and the seeded grants. */
#pragma once

#include "dom/domain.h"
#include "public/memory.h"

#define DOM_PV_CONSOLE_GFN  ((GUEST_MAGIC_BASE >> 12) + GUEST_CONSOLE_PFN_OFFSET)
#define DOM_PV_XENSTORE_GFN ((GUEST_MAGIC_BASE >> 12) + GUEST_XENSTORE_PFN_OFFSET)

/* Gives @d (not yet running) a zeroed console page at DOM_PV_CONSOLE_GFN and xenstore page at
 * DOM_PV_XENSTORE_GFN (frames it owns, RAM in its p2m), a port for each left unbound for @backend,
 * HVM_PARAM_CONSOLE_PFN/EVTCHN and STORE_PFN/EVTCHN, and grant entries GNTTAB_RESERVED_CONSOLE and
 * GNTTAB_RESERVED_XENSTORE for @backend. 0 or a negative Xen errno; what was made goes with @d. */
int dom_pv_setup(struct domain *d, domid_t backend);
