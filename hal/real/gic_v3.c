/* GICv3 driver (IHI 0069): affinity routing, group 1 only, the physical CPU interface through the
 * ICC_* system registers at EL2 and the virtual one through ICH_*. Works with and without the GIC's
 * security support: the enables written set both layouts' group 1 bits. */
#include "gic.h"
#include "gic_enc.h"

#include "hal/cpu.h"
#include "hal/gic.h"
#include "arch.h"

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IGROUPR    0x0080
#define GICD_ICENABLER  0x0180
#define GICD_ISENABLER  0x0100
#define GICD_ICPENDR    0x0280
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define GICD_IROUTER    0x6000
#define GICD_CTLR_RWP   (1u << 31)
#define GICD_CTLR_ARE   (1u << 4)
#define GICD_CTLR_GRP1  3u /* EnableGrp1NS and EnableGrp1A (security on), EnableGrp0/1 (DS == 1) */

#define GICR_CTLR         0x0000
#define GICR_TYPER        0x0008
#define GICR_WAKER        0x0014
#define GICR_SGI          0x10000 /* SGI_base after RD_base */
#define GICR_CTLR_RWP     (1u << 3)
#define GICR_WAKER_SLEEP  (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)

#define ICC_SRE_SRE      1u
#define ICC_SRE_ENABLE   (1u << 3)
#define ICC_CTLR_EOIMODE (1u << 1)
#define IRQ_PRIO_DEFAULT 0xa0u

static uint64_t dist;
static uint64_t rd_base[REAL_MAX_CPUS];

static void wait_clear(uint64_t reg, uint32_t bit)
{
	while (mmio_read32(reg) & bit)
		hal_cpu_relax();
}

unsigned gicv3_init(const struct platform *plat)
{
	dist = pa_addr(plat->gic.dist.base);
	unsigned lines = ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1) * 32;

	/* Everything off while it is set up: SPIs disabled, inactive, group 1, routed to the boot CPU. */
	mmio_write32(dist + GICD_CTLR, 0);
	wait_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE);
	wait_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	for (unsigned i = 32; i < lines && i < 1020; i += 32) {
		mmio_write32(dist + GICD_ICENABLER + i / 8, ~0u);
		mmio_write32(dist + GICD_ICPENDR + i / 8, ~0u);
		mmio_write32(dist + GICD_ICACTIVER + i / 8, ~0u);
		mmio_write32(dist + GICD_IGROUPR + i / 8, ~0u);
	}
	for (unsigned i = 32; i < lines && i < 1020; i += 4)
		mmio_write32(dist + GICD_IPRIORITYR + i, IRQ_PRIO_DEFAULT * 0x01010101u);
	for (unsigned i = 32; i < lines && i < 1020; i++)
		mmio_write64(dist + GICD_IROUTER + i * 8, hal_cpu_mpidr());
	wait_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	return gic_spis(lines);
}

static uint64_t rd_typer(uint64_t rd) { return mmio_read64(rd + GICR_TYPER); }

static uint64_t find_rd(const struct platform *plat, uint64_t mpidr)
{
	for (unsigned r = 0; r < plat->gic.redist_count && r < PLAT_MAX_GICR_REGIONS; r++) {
		uint64_t rd = gic_find_rd(pa_addr(plat->gic.redist[r].base), plat->gic.redist[r].size, mpidr, rd_typer);
		if (rd)
			return rd;
	}
	return 0;
}

bool gicv3_cpu_init(unsigned cpu, const struct platform *plat)
{
	uint64_t rd = find_rd(plat, hal_cpu_mpidr());

	if (!rd)
		return false;
	rd_base[cpu] = rd;
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP);

	uint64_t sgi = rd + GICR_SGI;
	mmio_write32(sgi + GICD_ICENABLER, ~0u);
	wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP);
	mmio_write32(sgi + GICD_ICPENDR, ~0u);
	mmio_write32(sgi + GICD_ICACTIVER, ~0u);
	mmio_write32(sgi + GICD_IGROUPR, ~0u);
	for (unsigned i = 0; i < HAL_IRQ_NR_PRIV; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i, IRQ_PRIO_DEFAULT * 0x01010101u);

	/* System registers for EL2, and for guests: their ICC_* accesses go to the ICH_* virtual
	 * interface (HCR_EL2.IMO/FMO), never to the memory-mapped GICV. */
	sysreg_write(icc_sre_el2, ICC_SRE_SRE | ICC_SRE_ENABLE);
	__asm__ volatile("isb" ::: "memory");
	sysreg_write(icc_sre_el1, ICC_SRE_SRE);
	sysreg_write(icc_pmr_el1, 0xff);
	sysreg_write(icc_bpr1_el1, 0);
	sysreg_write(icc_ctlr_el1, ICC_CTLR_EOIMODE);
	sysreg_write(icc_igrpen1_el1, 1);
	sysreg_write(ich_hcr_el2, 0);
	__asm__ volatile("isb" ::: "memory");
	return true;
}

void gicv3_enable(uint32_t intid, bool on)
{
	unsigned reg = on ? GICD_ISENABLER : GICD_ICENABLER;

	if (intid < HAL_IRQ_NR_PRIV) {
		uint64_t rd = rd_base[hal_cpu_id()];
		if (!rd)
			return;
		mmio_write32(rd + GICR_SGI + reg, 1u << intid);
		if (!on)
			wait_clear(rd + GICR_CTLR, GICR_CTLR_RWP);
	} else if (intid < 1020) {
		mmio_write32(dist + reg + (intid / 32) * 4, 1u << (intid % 32));
		if (!on)
			wait_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	}
}

void gicv3_config_spi(uint32_t intid, bool edge, uint64_t mpidr)
{
	if (intid < HAL_IRQ_NR_PRIV || intid >= 1020)
		return;
	uint64_t cfg = dist + GICD_ICFGR + (intid / 16) * 4;
	unsigned shift = (intid % 16) * 2 + 1;
	uint32_t v = mmio_read32(cfg) & ~(1u << shift);

	mmio_write32(cfg, v | (uint32_t)edge << shift);
	mmio_write64(dist + GICD_IROUTER + intid * 8, mpidr & UL(0xff00ffffff));
}

void gicv3_send_sgi(uint64_t mpidr, unsigned sgi)
{
	/* The target must see every write made before the kick (hal_cpu_kick's promise). */
	__asm__ volatile("dsb ishst" ::: "memory");
	sysreg_write(icc_sgi1r_el1, gic_sgi1r(mpidr, sgi));
	__asm__ volatile("isb" ::: "memory");
}

uint32_t gicv3_vtr(void) { return (uint32_t)sysreg_read(ich_vtr_el2); }

/* entry.S empties the list registers at every exit; the interface goes off with the vCPU. */
void gicv3_vcpu_off(void) { sysreg_write(ich_hcr_el2, 0); }
