/* Checks on a p2m's stage-2 tables from outside: an independent decode of every descriptor as the
 * architecture defines it (counting tables, blocks and pages), and probes through models/mmu. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/mmu/mmu.h"
#include "mm/p2m.h"

struct s2_census {
	unsigned tables[4]; /* tables holding level-L entries (the root's pages count at its level) */
	uint64_t leaves[4]; /* blocks at levels 1 and 2, pages at level 3 */
};

/* Walks every table. False, with the reason in @why, on a descriptor that is malformed for its
 * level or type, an empty table, a table whose entries one block could replace, or one whose
 * count of entries in use (the p2m's, in the frame table) is not the number of non-zero entries. */
bool s2_census(const struct p2m *p2m, struct s2_census *c, char *why, size_t whylen);

/* The descriptor bits (MemAttr, S2AP, SH, XN) the architecture says @type needs. */
uint64_t s2_expected_attrs(enum p2m_type type);

/* One access of @type (MMU_LOAD, MMU_STORE, MMU_FETCH) at @ipa by the guest on model PE @cpu,
 * stage 1 off. The PE's registers must point at the p2m (fake_mmu_stage2). */
bool s2_probe(unsigned cpu, uint64_t ipa, unsigned type, struct mmu_result *res);

/* The p2m tests' fixture, as CMocka setup/teardown with the struct p2m as the prestate: 64 MiB
 * of fake RAM, the p2m for domain 1 (VMID 5) with the model's PEs pointing at it; teardown
 * destroys it and fails the test (non-zero) if a table frame is left. */
int s2_setup(void **state);
int s2_teardown(void **state);
