/* Grant tables from inside a guest, in either world: the domain's own table mapped in the
 * /hypervisor node's region, its pages granted and ended by the GTF_* rules, peers' grants mapped
 * into free frames of that region or copied with GNTTABOP_copy. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/grant_table.h"
#include "public/xen.h"

/* Refs below this are the toolstack's (0 console, 1 xenstore, as Xen reserves 0-7): gnttab_grant
 * never hands them out, gnttab_end may end them. */
#define GNTTAB_FIRST_FREE 8u

/* How many peer grants one domain may hold mapped at once through gnttab_map. */
#define GNTTAB_MAX_MAPS 64u

/* Maps frame 0 of this domain's table (add_to_physmap XENMAPSPACE_grant_table) at the start of the
 * /hypervisor node's region (else Xen's DomU GUEST_GNTTAB_BASE) and keeps the region's upper half
 * for mappings. Idempotent; the state is the domain's (gl_domain_local). 0 or -errno. */
int gnttab_init(const void *fdt);

/* Grants domain @to access to this domain's frame @gfn (read-only when @readonly): writes the frame,
 * then {flags, domid} in one store, so the hypervisor never sees a half-made entry. Returns the ref
 * (>= GNTTAB_FIRST_FREE), -XEN_ENOSPC when the table's frame is full, -XEN_EINVAL before init. */
int gnttab_grant(domid_t to, uint64_t gfn, bool readonly);

/* Ends a grant of ours: the entry is cleared only if the grantee has it neither mapped nor being
 * copied (GTF_reading / GTF_writing clear), with compare-and-swap against the hypervisor setting
 * them. 0; -XEN_EBUSY while in use (the page must not be reused yet); -XEN_EINVAL for a ref
 * outside the table. */
int gnttab_end(grant_ref_t ref);

/* The entry's flags as the hypervisor last left them (GTF_*), 0 for a ref outside the table. */
uint16_t gnttab_flags(grant_ref_t ref);

/* A peer's grant mapped into this domain. */
struct gnttab_mapping {
	uint64_t gva;          /* where its page now is: read it with gl_read* / gl_copy_from */
	grant_handle_t handle; /* for gnttab_unmap */
};

/* Maps ref @ref of domain @dom (its real id, not DOMID_SELF) at a free frame of the mapping area.
 * 0 and *@m, or -errno: the GNTST status turned into Xen's errno by gnttab_status_errno; -XEN_ENOSPC
 * when GNTTAB_MAX_MAPS are mapped. */
int gnttab_map(domid_t dom, grant_ref_t ref, bool readonly, struct gnttab_mapping *m);

/* Unmaps it and frees its frame; the grantee's GTF_reading/writing bits drop. 0 or -errno. */
int gnttab_unmap(const struct gnttab_mapping *m);

/* GNTTABOP_copy between ref @ref of domain @dom (bytes @off..@off+@len of its page) and this
 * domain's own memory at @gva, split where either side crosses a page. @to_peer: into the grant.
 * 0 or -errno (the first failing piece's status). */
int gnttab_copy(domid_t dom, grant_ref_t ref, unsigned off, uint64_t gva, size_t len, bool to_peer);

/* A GNTST_* status as Xen's errno: bad_domain -XEN_ESRCH, bad_gntref/bad_handle/general_error
 * -XEN_EINVAL, permission_denied -XEN_EPERM, no_space/no_device_space -XEN_ENOMEM, eagain
 * -XEN_EAGAIN, bad_page/bad_copy_arg -XEN_EFAULT; okay 0. */
int gnttab_status_errno(int16_t status);
