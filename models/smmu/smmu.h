/* A register-level model of an Arm SMMUv3 (IHI 0070) with stage-2 translation only: the register file,
 * linear and 2-level stream tables, the command and event queues, and a TLB; walks go through models/mmu. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The programming interface: page 0 and page 1 (EVENTQ_PROD/CONS), 64 KiB each. */
#define SMMU_MMIO_SIZE 0x20000u

#define SMMU_IDR0            0x000u
#define SMMU_IDR1            0x004u
#define SMMU_IDR2            0x008u
#define SMMU_IDR3            0x00cu
#define SMMU_IDR4            0x010u
#define SMMU_IDR5            0x014u
#define SMMU_IIDR            0x018u
#define SMMU_AIDR            0x01cu
#define SMMU_CR0             0x020u
#define SMMU_CR0ACK          0x024u
#define SMMU_CR1             0x028u
#define SMMU_CR2             0x02cu
#define SMMU_STATUSR         0x040u
#define SMMU_GBPA            0x044u
#define SMMU_AGBPA           0x048u
#define SMMU_IRQ_CTRL        0x050u
#define SMMU_IRQ_CTRLACK     0x054u
#define SMMU_GERROR          0x060u
#define SMMU_GERRORN         0x064u
#define SMMU_STRTAB_BASE     0x080u /* 64-bit */
#define SMMU_STRTAB_BASE_CFG 0x088u
#define SMMU_CMDQ_BASE       0x090u /* 64-bit */
#define SMMU_CMDQ_PROD       0x098u
#define SMMU_CMDQ_CONS       0x09cu
#define SMMU_EVENTQ_BASE     0x0a0u   /* 64-bit */
#define SMMU_EVENTQ_PROD     0x100a8u /* page 1 */
#define SMMU_EVENTQ_CONS     0x100acu /* page 1 */

/* Register fields */
#define SMMU_IDR0_S2P         (1u << 0)
#define SMMU_IDR0_S1P         (1u << 1)
#define SMMU_IDR0_TTF_AA64    (2u << 2)
#define SMMU_IDR0_COHACC      (1u << 4)
#define SMMU_IDR0_SEV         (1u << 14)
#define SMMU_IDR0_VMID16      (1u << 18)
#define SMMU_IDR0_TTENDIAN_LE (2u << 21)
#define SMMU_IDR0_STALL_NONE  (1u << 24) /* STALL_MODEL 0b01: stall not supported */
#define SMMU_IDR0_TERM_MODEL  (1u << 26)
#define SMMU_IDR0_ST_2LVL     (1u << 27) /* ST_LEVEL 0b01: linear and 2-level */
#define SMMU_SIDSIZE          16u
#define SMMU_CMDQS            19u
#define SMMU_EVENTQS          19u
#define SMMU_IDR5_GRAN4K      (1u << 4)
#define SMMU_AIDR_V3_1        0x01u

#define SMMU_CR0_SMMUEN   (1u << 0)
#define SMMU_CR0_EVENTQEN (1u << 2)
#define SMMU_CR0_CMDQEN   (1u << 3)

#define SMMU_GBPA_UPDATE (1u << 31)
#define SMMU_GBPA_ABORT  (1u << 20)

#define SMMU_IRQ_CTRL_GERROR_IRQEN (1u << 0)
#define SMMU_IRQ_CTRL_EVENTQ_IRQEN (1u << 2)

#define SMMU_GERROR_CMDQ_ERR       (1u << 0)
#define SMMU_GERROR_EVENTQ_ABT_ERR (1u << 2)

#define SMMU_STRTAB_FMT_LINEAR                0u
#define SMMU_STRTAB_FMT_2LVL                  1u
#define SMMU_STRTAB_CFG(fmt, split, log2size) ((uint32_t)(fmt) << 16 | (uint32_t)(split) << 6 | (uint32_t)(log2size))

#define SMMU_Q_BASE(pa, log2size) (((uint64_t)(pa)&0x000fffffffffffe0ull) | (log2size))
#define SMMU_CONS_ERR_SHIFT       24         /* CMDQ_CONS.ERR [30:24] */
#define SMMU_EVTQ_OVFLG           (1u << 31) /* EVENTQ_PROD.OVFLG / EVENTQ_CONS.OVACKFLG */

enum smmu_cerror {
	SMMU_CERROR_NONE = 0,
	SMMU_CERROR_ILL = 1,
	SMMU_CERROR_ABT = 2,
};

/* Stream table entry (64 bytes, 8 little-endian dwords): the fields this model decodes. */
#define SMMU_STE_V           (1ull << 0)
#define SMMU_STE_CFG(c)      ((uint64_t)(c) << 1) /* dword 0 */
#define SMMU_STE_CFG_ABORT   0u
#define SMMU_STE_CFG_BYPASS  4u
#define SMMU_STE_CFG_S1      5u
#define SMMU_STE_CFG_S2      6u
#define SMMU_STE_CFG_NESTED  7u
#define SMMU_STE_S2VMID(v)   ((uint64_t)(v)) /* dword 2 from here */
#define SMMU_STE_S2T0SZ(t)   ((uint64_t)(t) << 32)
#define SMMU_STE_S2SL0(s)    ((uint64_t)(s) << 38)
#define SMMU_STE_S2IR0(c)    ((uint64_t)(c) << 40)
#define SMMU_STE_S2OR0(c)    ((uint64_t)(c) << 42)
#define SMMU_STE_S2SH0(s)    ((uint64_t)(s) << 44)
#define SMMU_STE_S2TG(g)     ((uint64_t)(g) << 46)
#define SMMU_STE_S2PS(p)     ((uint64_t)(p) << 48)
#define SMMU_STE_S2AA64      (1ull << 51)
#define SMMU_STE_S2ENDI      (1ull << 52)
#define SMMU_STE_S2AFFD      (1ull << 53)
#define SMMU_STE_S2S         (1ull << 57)
#define SMMU_STE_S2R         (1ull << 58)
#define SMMU_STE_S2TTB_MASK  0x000ffffffffffff0ull /* dword 3 */
#define SMMU_L1STD_SPAN_MASK 0x1full
#define SMMU_L1STD_L2PTR     0x000fffffffffffc0ull

/* Command opcodes (16-byte commands, opcode in bits [7:0]). */
enum smmu_cmd_op {
	SMMU_CMD_PREFETCH_CONFIG = 0x01,
	SMMU_CMD_PREFETCH_ADDR = 0x02,
	SMMU_CMD_CFGI_STE = 0x03,
	SMMU_CMD_CFGI_STE_RANGE = 0x04, /* CFGI_ALL: Range 31 */
	SMMU_CMD_CFGI_CD = 0x05,
	SMMU_CMD_CFGI_CD_ALL = 0x06,
	SMMU_CMD_TLBI_NH_ALL = 0x10,
	SMMU_CMD_TLBI_NH_ASID = 0x11,
	SMMU_CMD_TLBI_NH_VA = 0x12,
	SMMU_CMD_TLBI_NH_VAA = 0x13,
	SMMU_CMD_TLBI_EL2_ALL = 0x20,
	SMMU_CMD_TLBI_S12_VMALL = 0x28,
	SMMU_CMD_TLBI_S2_IPA = 0x2a,
	SMMU_CMD_TLBI_NSNH_ALL = 0x30,
	SMMU_CMD_ATC_INV = 0x40,
	SMMU_CMD_RESUME = 0x44,
	SMMU_CMD_STALL_TERM = 0x45,
	SMMU_CMD_SYNC = 0x46,
};

#define SMMU_SYNC_CS_NONE 0u
#define SMMU_SYNC_CS_IRQ  1u
#define SMMU_SYNC_CS_SEV  2u

/* Event record types (32-byte records, type in bits [7:0]). */
enum smmu_event {
	SMMU_EVT_NONE = 0,
	SMMU_EVT_C_BAD_STREAMID = 0x02,
	SMMU_EVT_F_STE_FETCH = 0x03,
	SMMU_EVT_C_BAD_STE = 0x04,
	SMMU_EVT_F_WALK_EABT = 0x0b,
	SMMU_EVT_F_TRANSLATION = 0x10,
	SMMU_EVT_F_ADDR_SIZE = 0x11,
	SMMU_EVT_F_ACCESS = 0x12,
	SMMU_EVT_F_PERMISSION = 0x13,
};

/* Event record dword 1 flags and CLASS values. */
#define SMMU_EVT_PNU       (1ull << 33)
#define SMMU_EVT_IND       (1ull << 34)
#define SMMU_EVT_RNW       (1ull << 35)
#define SMMU_EVT_S2        (1ull << 39)
#define SMMU_EVT_CLASS(c)  ((uint64_t)(c) << 40)
#define SMMU_EVT_CLASS_CD  0u
#define SMMU_EVT_CLASS_TT  1u
#define SMMU_EVT_CLASS_IN  2u
#define SMMU_EVT_ADDR51_12 0x000ffffffffff000ull
#define SMMU_EVT_ADDR51_3  0x000ffffffffffff8ull

/* Physical memory the SMMU reads (tables, queues) and writes (event records), little-endian. A false
 * return means nothing backs the address: the access takes an external abort. */
struct smmu_mem {
	bool (*read)(void *ctx, uint64_t pa, void *buf, unsigned len);
	bool (*write)(void *ctx, uint64_t pa, const void *buf, unsigned len);
	void *ctx;
};

/* Interrupt outputs. EVENTQ and GERROR are levels (the event queue is non-empty / a global error is
 * active, each with its IRQ_CTRL enable); CMD_SYNC is a pulse (level true then false) per CMD_SYNC
 * with CS=SIG_IRQ. The embedder wires each to an SPI. */
enum smmu_irq {
	SMMU_IRQ_EVENTQ,
	SMMU_IRQ_GERROR,
	SMMU_IRQ_CMD_SYNC,
	SMMU_NR_IRQS,
};

/* The embedder's hooks, all optional. irq is called on every change of a line; sev for CMD_SYNC with
 * CS=SIG_SEV. Neither may call back into the model. */
struct smmu_ops {
	void (*irq)(void *opaque, enum smmu_irq line, bool level);
	void (*sev)(void *opaque);
	void *opaque;
};

struct smmu_config {
	unsigned oas_bits; /* 44 or 48 (IDR5.OAS); anything else is refused */
	bool gbpa_abort;   /* GBPA.ABORT at reset: abort (true) or bypass incoming traffic while SMMUEN=0 */
};

enum smmu_status {
	SMMU_OK,         /* done; also for reserved (RAZ/WI) and ignored read-only writes */
	SMMU_BAD_SIZE,   /* a width the register does not take (32-bit registers: 4; 64-bit: 4 or 8) */
	SMMU_BAD_ALIGN,  /* not aligned to its own width */
	SMMU_BAD_OFFSET, /* past the two pages */
};

struct smmu;

/* An SMMU after reset, or NULL for a configuration it cannot model. */
struct smmu *smmu_create(const struct smmu_config *cfg, struct smmu_mem mem, const struct smmu_ops *ops);
void smmu_destroy(struct smmu *s);

/* Register accesses at offset @off of the 128 KiB frame. A write of CMDQ_PROD (or one enabling the
 * queue, or acknowledging CMDQ_ERR) runs the command queue to PROD, or to the first failing command. */
enum smmu_status smmu_mmio_read(struct smmu *s, uint64_t off, unsigned size, uint64_t *val);
enum smmu_status smmu_mmio_write(struct smmu *s, uint64_t off, unsigned size, uint64_t val);

/* One device access. addr is the input address (the IPA: stage 1 is not implemented). An access must
 * not cross a 4 KiB boundary (the device splits it, as a bus does). */
struct smmu_txn {
	uint64_t addr;
	uint32_t sid;
	uint16_t size;
	bool write;
	bool instr; /* instruction fetch (InD); needs stage-2 execute permission */
	bool priv;  /* privileged (PnU); reported in events only */
};

struct smmu_result {
	uint64_t pa;      /* valid when smmu_translate returns true */
	uint8_t event;    /* enum smmu_event behind an abort; NONE for a silent one (GBPA.ABORT, STE abort) */
	bool recorded;    /* the event reached the event queue */
	bool tlb_hit;     /* translated from the model's TLB */
	bool bad_request; /* the access was malformed (size 0, crosses 4 KiB): no architectural effect */
};

/* True: the access goes to r->pa. False: it is terminated (aborted) and r says why. */
bool smmu_translate(struct smmu *s, const struct smmu_txn *t, struct smmu_result *r);

bool smmu_irq_line(const struct smmu *s, enum smmu_irq line);

struct smmu_stats {
	uint64_t translations, tlb_hits, tlb_misses, walks, ste_hits, ste_fetches;
	uint64_t commands, events, events_lost; /* lost: queue disabled, full or its write aborted */
};

const struct smmu_stats *smmu_get_stats(const struct smmu *s);
