/* Invariants of the fuzzed three-domain machine (hcall_world.h) that every harness on it checks
 * after each step: results are Xen errnos, RAM windows hold only their own frames, ports pair up. */
#pragma once

#include <stdbool.h>
#include <stdlib.h>

#include "mm/p2m.h"

#define CHECK(c) ((c) ? (void)0 : abort())

/* What @p2m maps at @ipa and where (*@pa, set unless P2M_INVALID), read from its tables as the MMU
 * would walk them; what frame_owner says of @pa, from the frame table. The checks' own readers:
 * no lock, no tracing, and no trust in the core's lookups they check. */
enum p2m_type world_p2m_lookup(const struct p2m *p2m, uint64_t ipa, paddr_t *pa);
domid_t world_frame_owner(paddr_t pa);

/* @granter's grant table holds a writable pin for @who on frame @pa: a mapping the hypervisor made
 * while the grant allowed it, which stays writable whatever the granter writes in the entry
 * afterwards (as in Xen). Takes the table's lock: for the rare path only. */
bool world_grant_pinned_rw(domid_t granter, domid_t who, paddr_t pa);

/* @rc is non-negative or one of Xen's errno values, negated. */
bool world_xen_errno(long rc);

/* RAM mapped in a domain's RAM window is a frame the domain owns, or a hypervisor frame it was
 * given (its grant-table frames) that no other domain has as RAM. */
void world_check_ownership(void);

/* Every interdomain port's peer port points back at it. */
void world_check_ports(void);
