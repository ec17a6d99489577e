/* Test support for the SMMU model: RAM with a hole, an SMMU wired to it with its lines recorded, a
 * stage-2 table builder, and the STE, command and event-queue plumbing a driver would do. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "models/smmu/smmu.h"

#define T_RAM_BASE 0x40000000ull
#define T_RAM_SIZE (16u << 20)

struct t_env {
	struct smmu *s;
	uint8_t *ram;
	uint64_t next;             /* bump allocator */
	uint64_t hole_lo, hole_hi; /* unbacked range inside RAM (empty when equal) */
	uint64_t strtab, cmdq, evtq;
	unsigned cmdq_log2, evtq_log2;
	bool line[SMMU_NR_IRQS];
	unsigned rises[SMMU_NR_IRQS], sevs;
};

/* An SMMU (OAS 48, GBPA bypass at reset) on fresh RAM, not yet programmed. */
struct t_env *t_new(unsigned oas);
struct t_env *t_new_cfg(unsigned oas, bool gbpa_abort);
void t_free(struct t_env *e);
/* Programs a linear stream table of 2^log2size STEs, a 16-entry command queue and an 8-entry event
 * queue, enables both queues, their interrupts and the SMMU. */
void t_up(struct t_env *e, unsigned log2size);

uint64_t t_alloc(struct t_env *e, size_t bytes); /* zeroed, aligned to its own power-of-2 size */
void t_w64(struct t_env *e, uint64_t pa, uint64_t v);
uint64_t t_r64(const struct t_env *e, uint64_t pa);

uint64_t t_rd(struct t_env *e, uint64_t off); /* 32-bit register read, asserting SMMU_OK */
void t_wr(struct t_env *e, uint64_t off, uint64_t v);
void t_wr64(struct t_env *e, uint64_t off, uint64_t v);

/* STEs: dword 0..3 of @sid's entry in a linear table at e->strtab. */
void t_ste(struct t_env *e, uint32_t sid, uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3);
/* A valid stage-2 STE (4 KiB, AArch64, PS 48 bits, S2R) for a table tree. */
void t_ste_s2(struct t_env *e, uint32_t sid, uint16_t vmid, uint64_t ttb, unsigned t0sz, unsigned sl0,
	      uint64_t extra_d2);
uint64_t t_s2_d2(uint16_t vmid, unsigned t0sz, unsigned sl0, uint64_t extra_d2);

/* Commands: writes one at PROD and moves PROD (the SMMU runs it at once). */
void t_cmd(struct t_env *e, uint64_t d0, uint64_t d1);
void t_cmd_noprod(struct t_env *e, uint32_t prod, uint64_t d0, uint64_t d1); /* writes entry only */
/* Events: how many are queued, and the one at CONS (moving CONS past it). */
unsigned t_evt_count(struct t_env *e);
void t_evt_pop(struct t_env *e, uint64_t rec[4]);

/* A 4 KiB-granule stage-2 tree with @inbits IPA bits starting at @start (concatenated as needed). */
struct t_tt {
	struct t_env *e;
	uint64_t root;
	unsigned inbits, start;
};
void t_tt_init(struct t_tt *t, struct t_env *e, unsigned inbits, unsigned start);
/* Maps the block/page at @level holding @ipa to @pa with @attrs (S2AP, AF, ... the caller's). */
void t_tt_map(struct t_tt *t, uint64_t ipa, uint64_t pa, unsigned level, uint64_t attrs);
uint64_t t_tt_slot(struct t_tt *t, uint64_t ipa, unsigned level);

#define S2_AF     (1ull << 10)
#define S2_R      (1ull << 6)
#define S2_W      (1ull << 7)
#define S2_RW     (S2_R | S2_W)
#define S2_XN     (1ull << 54)
#define S2_NORMAL (0xfull << 2 | 3ull << 8) /* MemAttr Normal WB, inner shareable */
#define S2_PAGE   (S2_NORMAL | S2_AF | S2_RW)

/* A translation, asserting it succeeds, giving the PA. */
uint64_t t_xlate_ok(struct t_env *e, uint32_t sid, uint64_t addr, bool write);
/* A translation that must abort, giving the event type behind it. */
uint8_t t_xlate_fault(struct t_env *e, uint32_t sid, uint64_t addr, bool write);
