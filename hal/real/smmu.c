/* include/hal/smmu.h for both worlds: an Arm SMMUv3 driver with a linear stream table of stage-2
 * STEs, a command queue waited on with CMD_SYNC and an event queue read back (registers: smmu_io.h). */
#include "hal/smmu.h"

#include "hal/cpu.h"
#include "public/errno.h"
#include "smmu_io.h"

/* Register offsets and fields (IHI 0070, 6.3). */
#define IDR0          0x000u
#define IDR1          0x004u
#define IDR5          0x014u
#define AIDR          0x01cu
#define CR0           0x020u
#define CR0ACK        0x024u
#define CR1           0x028u
#define CR2           0x02cu
#define GBPA          0x044u
#define IRQ_CTRL      0x050u
#define IRQ_CTRLACK   0x054u
#define GERROR        0x060u
#define GERRORN       0x064u
#define STRTAB_BASE   0x080u
#define STRTAB_CFG    0x088u
#define CMDQ_BASE     0x090u
#define CMDQ_PROD     0x098u
#define CMDQ_CONS     0x09cu
#define EVENTQ_BASE   0x0a0u
#define EVENTQ_PROD   0x100a8u
#define EVENTQ_CONS   0x100acu
#define CR0_SMMUEN    (1u << 0)
#define CR0_EVENTQEN  (1u << 2)
#define CR0_CMDQEN    (1u << 3)
#define GBPA_UPDATE   (1u << 31)
#define GBPA_ABORT    (1u << 20)
#define CR2_RECINVSID (1u << 1)
/* Tables and queues write-back cacheable, inner shareable (CR1 QUEUE_* and TABLE_*). */
#define CR1_WB_ISH 0xd75u
#define BASE_RA    (1ull << 62)
#define OVFLG      (1u << 31)

/* The memory block: stream table (HAL_SMMU_MAX_SIDS STEs of 64 bytes), then the queues. */
#define STRTAB_LOG2 8
#define CMDQ_LOG2   8 /* 256 commands of 16 bytes */
#define EVTQ_LOG2   7 /* 128 records of 32 bytes */
#define CMDQ_OFF    (HAL_SMMU_MAX_SIDS * 64u)
#define EVTQ_OFF    (CMDQ_OFF + (16u << CMDQ_LOG2))

#define STE_V        (1ull << 0)
#define STE_CFG_S2   (6ull << 1)
#define STE_S2AA64   (1ull << 51)
#define STE_S2R      (1ull << 58)
#define STE_VTCR_LO  0x7ffffull /* VTCR_EL2[18:0] is STE dword 2 [50:32] field for field */
#define STE_TTB_MASK 0x000ffffffffffff0ull

#define CMD_CFGI_STE       0x03u
#define CMD_CFGI_ALL       0x04u
#define CMD_TLBI_S12_VMALL 0x28u
#define CMD_TLBI_S2_IPA    0x2au
#define CMD_TLBI_NSNH_ALL  0x30u
#define CMD_SYNC           0x46u

#define POLL_LIMIT 100000u

static struct {
	bool up;
	paddr_t base;
	uint64_t *strtab, *cmdq, *evtq;
	uint32_t cmd_prod;
	uint16_t sid_vmid[HAL_SMMU_MAX_SIDS];
	bool sid_live[HAL_SMMU_MAX_SIDS];
	uint8_t vmid_streams[1u << 13]; /* a bit per VMID with at least one stream */
	unsigned lost;
	int lock;
	struct hal_smmu_id id;
	unsigned cmd_errors, sync_timeouts; /* for a debugger: hal/real has no formatted output */
} drv;

void hal_smmu_id(struct hal_smmu_id *id) { *id = drv.id; }

static uint32_t rd32(uint32_t off) { return smmu_io_read32(pa_add(drv.base, off)); }
static void wr32(uint32_t off, uint32_t v) { smmu_io_write32(pa_add(drv.base, off), v); }
static void wr64(uint32_t off, uint64_t v) { smmu_io_write64(pa_add(drv.base, off), v); }

/* hal_cpu_relax: a yield point in the sim, where the other pCPUs are coroutines. */
static void lock(void)
{
	while (__atomic_exchange_n(&drv.lock, 1, __ATOMIC_ACQUIRE))
		hal_cpu_relax();
}

static void unlock(void) { __atomic_store_n(&drv.lock, 0, __ATOMIC_RELEASE); }

static bool wait_eq(uint32_t off, uint32_t mask, uint32_t want)
{
	for (unsigned i = 0; i < POLL_LIMIT; i++)
		if ((rd32(off) & mask) == want)
			return true;
	return false;
}

static bool q_full(uint32_t prod, uint32_t cons, unsigned log2)
{
	uint32_t idx = (1u << log2) - 1, wrap = 1u << log2;

	return (prod & idx) == (cons & idx) && (prod & wrap) != (cons & wrap);
}

static uint32_t q_inc(uint32_t p, unsigned log2) { return (p + 1) & ((2u << log2) - 1); }

/* Queues one command; the caller's CMD_SYNC waits for it. */
static void cmd(uint64_t dw0, uint64_t dw1)
{
	while (q_full(drv.cmd_prod, rd32(CMDQ_CONS), CMDQ_LOG2))
		;
	uint64_t *c = &drv.cmdq[(drv.cmd_prod & ((1u << CMDQ_LOG2) - 1)) * 2];
	c[0] = dw0;
	c[1] = dw1;
	__atomic_thread_fence(__ATOMIC_RELEASE); /* the command before PROD moves past it */
	drv.cmd_prod = q_inc(drv.cmd_prod, CMDQ_LOG2);
	wr32(CMDQ_PROD, drv.cmd_prod);
}

/* CMD_SYNC, then CONS reaching it: every command before has completed. A command error (CONS.ERR,
 * GERROR.CMDQ_ERR) is reported, the bad command replaced by a CMD_SYNC and the error acknowledged,
 * so the queue runs on. */
static void sync_cmds(void)
{
	cmd(CMD_SYNC, 0);
	for (unsigned i = 0; i < POLL_LIMIT; i++) {
		uint32_t cons = rd32(CMDQ_CONS), ge = rd32(GERROR), gn = rd32(GERRORN);
		if ((ge ^ gn) & 1) {
			drv.cmd_errors++;
			uint64_t *c = &drv.cmdq[(cons & ((1u << CMDQ_LOG2) - 1)) * 2];
			c[0] = CMD_SYNC;
			c[1] = 0;
			wr32(GERRORN, gn ^ 1);
			continue;
		}
		if ((cons & ((2u << CMDQ_LOG2) - 1)) == drv.cmd_prod)
			return;
	}
	drv.sync_timeouts++;
}

int hal_smmu_probe(const struct hal_smmu_desc *d, paddr_t mem, void *mem_va)
{
	if (d->size < 0x20000 || smmu_io_map(d->base, 0x20000))
		return -XEN_ENODEV;
	drv.base = d->base;
	uint32_t idr0 = drv.id.idr0 = rd32(IDR0), idr1 = drv.id.idr1 = rd32(IDR1), idr5 = drv.id.idr5 = rd32(IDR5);
	drv.id.aidr = rd32(AIDR);
	unsigned sidsize = idr1 & 0x3f, cmdqs = (idr1 >> 21) & 0x1f, evtqs = (idr1 >> 16) & 0x1f;

	if (!(idr0 & 1) || !((idr0 >> 2) & 2) || !(idr5 & (1u << 4)) || sidsize < STRTAB_LOG2 || cmdqs < CMDQ_LOG2 ||
	    evtqs < EVTQ_LOG2)
		return -XEN_ENODEV;
	drv.strtab = mem_va;
	drv.cmdq = (uint64_t *)((uint8_t *)mem_va + CMDQ_OFF);
	drv.evtq = (uint64_t *)((uint8_t *)mem_va + EVTQ_OFF);
	uint64_t pa = pa_addr(mem);

	wr32(CR0, 0);
	if (!wait_eq(CR0ACK, CR0_SMMUEN | CR0_EVENTQEN | CR0_CMDQEN, 0))
		return -XEN_EIO;
	/* Until SMMUEN and after: what no STE describes is aborted, never bypassed. */
	wr32(GBPA, GBPA_UPDATE | GBPA_ABORT);
	if (!wait_eq(GBPA, GBPA_UPDATE, 0))
		return -XEN_EIO;
	wr32(CR1, CR1_WB_ISH);
	wr32(CR2, CR2_RECINVSID);
	wr64(STRTAB_BASE, BASE_RA | pa);
	wr32(STRTAB_CFG, STRTAB_LOG2); /* linear: FMT 0, LOG2SIZE */
	wr64(CMDQ_BASE, BASE_RA | (pa + CMDQ_OFF) | CMDQ_LOG2);
	wr32(CMDQ_PROD, 0);
	wr32(CMDQ_CONS, 0);
	wr64(EVENTQ_BASE, BASE_RA | (pa + EVTQ_OFF) | EVTQ_LOG2);
	wr32(EVENTQ_PROD, 0);
	wr32(EVENTQ_CONS, 0);
	drv.cmd_prod = 0;
	wr32(IRQ_CTRL, (d->gerror_intid ? 1u : 0) | (d->evtq_intid ? 4u : 0));
	if (!wait_eq(IRQ_CTRLACK, 5, (d->gerror_intid ? 1u : 0) | (d->evtq_intid ? 4u : 0)))
		return -XEN_EIO;
	wr32(CR0, CR0_CMDQEN);
	if (!wait_eq(CR0ACK, CR0_CMDQEN, CR0_CMDQEN))
		return -XEN_EIO;
	drv.up = true;
	cmd(CMD_CFGI_ALL, 31); /* Range 31: every STE the SMMU may have cached */
	cmd(CMD_TLBI_NSNH_ALL, 0);
	sync_cmds();
	wr32(CR0, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
	if (!wait_eq(CR0ACK, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN)) {
		drv.up = false;
		return -XEN_EIO;
	}
	return 0;
}

static void vmid_mark(uint16_t vmid, bool on)
{
	if (on)
		drv.vmid_streams[vmid >> 3] |= (uint8_t)(1u << (vmid & 7));
	else
		drv.vmid_streams[vmid >> 3] &= (uint8_t) ~(1u << (vmid & 7));
}

static bool vmid_used(uint16_t vmid) { return drv.vmid_streams[vmid >> 3] & (1u << (vmid & 7)); }

static void ste_invalidate(uint32_t sid)
{
	__atomic_store_n(&drv.strtab[sid * 8], 0, __ATOMIC_RELEASE);
	cmd(CMD_CFGI_STE | (uint64_t)sid << 32, 1); /* Leaf */
	sync_cmds();
}

int hal_smmu_attach(uint32_t sid, uint16_t vmid, paddr_t root, uint64_t vtcr)
{
	if (!drv.up)
		return -XEN_ENODEV;
	if (sid >= HAL_SMMU_MAX_SIDS || (pa_addr(root) & ~STE_TTB_MASK) || (vtcr & ~0xffffffffull & ~(1ull << 31)))
		return -XEN_EINVAL;
	lock();
	uint64_t *ste = &drv.strtab[sid * 8];
	if (ste[0] & STE_V) /* break before make: the SMMU never sees half of each configuration */
		ste_invalidate(sid);
	for (unsigned i = 1; i < 8; i++)
		ste[i] = 0;
	ste[2] = vmid | (vtcr & STE_VTCR_LO) << 32 | STE_S2AA64 | STE_S2R;
	ste[3] = pa_addr(root) & STE_TTB_MASK;
	__atomic_store_n(&ste[0], STE_V | STE_CFG_S2, __ATOMIC_RELEASE);
	cmd(CMD_CFGI_STE | (uint64_t)sid << 32, 1);
	sync_cmds();
	drv.sid_vmid[sid] = vmid;
	drv.sid_live[sid] = true;
	vmid_mark(vmid, true);
	unlock();
	return 0;
}

void hal_smmu_detach(uint32_t sid)
{
	if (!drv.up || sid >= HAL_SMMU_MAX_SIDS || !drv.sid_live[sid])
		return;
	lock();
	ste_invalidate(sid);
	drv.sid_live[sid] = false;
	bool still = false;
	for (unsigned i = 0; i < HAL_SMMU_MAX_SIDS; i++)
		still |= drv.sid_live[i] && drv.sid_vmid[i] == drv.sid_vmid[sid];
	if (!still) {
		/* Its last stream: from here on p2m flushes skip the SMMU, so nothing of the VMID may stay
		 * cached for the next domain that gets it. */
		cmd(CMD_TLBI_S12_VMALL | (uint64_t)drv.sid_vmid[sid] << 32, 0);
		sync_cmds();
		vmid_mark(drv.sid_vmid[sid], false);
	}
	unlock();
}

void hal_smmu_flush_vmid(uint16_t vmid)
{
	if (!drv.up || !vmid_used(vmid))
		return;
	lock();
	cmd(CMD_TLBI_S12_VMALL | (uint64_t)vmid << 32, 0);
	sync_cmds();
	unlock();
}

void hal_smmu_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	if (!drv.up || !vmid_used(vmid))
		return;
	lock();
	cmd(CMD_TLBI_S2_IPA | (uint64_t)vmid << 32, ipa_addr(ipa) & 0x000ffffffffff000ull);
	sync_cmds();
	unlock();
}

bool hal_smmu_fault_pop(struct hal_smmu_fault *f)
{
	const uint32_t mask = (2u << EVTQ_LOG2) - 1;

	if (!drv.up)
		return false;
	lock();
	uint32_t prod = rd32(EVENTQ_PROD), cons = rd32(EVENTQ_CONS);
	if ((prod ^ cons) & OVFLG) { /* records were dropped: count it, and acknowledge */
		drv.lost++;
		cons ^= OVFLG;
		wr32(EVENTQ_CONS, cons);
	}
	bool any = (prod & mask) != (cons & mask);
	if (any) {
		const uint64_t *e = &drv.evtq[(cons & ((1u << EVTQ_LOG2) - 1)) * 4];
		*f = (struct hal_smmu_fault){
			.type = (uint8_t)e[0],
			.sid = (uint32_t)(e[0] >> 32),
			.write = !(e[1] & (1ull << 35)),
			.stage2 = e[1] & (1ull << 39),
			.addr = e[2],
		};
		wr32(EVENTQ_CONS, (cons & OVFLG) | (((cons & mask) + 1) & mask));
	}
	unlock();
	return any;
}

unsigned hal_smmu_fault_lost(void)
{
	unsigned n = drv.lost;

	drv.lost = 0;
	return n;
}
