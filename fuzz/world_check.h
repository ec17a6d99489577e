/* Invariants of the fuzzed three-domain machine (hcall_world.h) that every harness on it checks
 * after each step: results are Xen errnos, RAM windows hold only their own frames, ports pair up. */
#pragma once

#include <stdbool.h>
#include <stdlib.h>

#define CHECK(c) ((c) ? (void)0 : abort())

/* @rc is non-negative or one of Xen's errno values, negated. */
bool world_xen_errno(long rc);

/* RAM mapped in a domain's RAM window is a frame the domain owns, or a hypervisor frame it was
 * given (its grant-table frames) that no other domain has as RAM. */
void world_check_ownership(void);

/* Every interdomain port's peer port points back at it. */
void world_check_ports(void);
