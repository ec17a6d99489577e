/* GICv2 driver (IHI 0048): GICD and GICC for the hypervisor's own interrupts, GICH for the virtual
 * CPU interface, whose list registers and VMCR it converts to and from the HAL's ICH_*_EL2 layout.
 * Everything stays in group 0, which a GIC without the Security Extensions signals as IRQ. */
#include "gic.h"
#include "gic_enc.h"

#include "hal/cpu.h"
#include "hal/gic.h"
#include "arch.h"
#include "pcpu.h"

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define GICD_SGIR       0xf00

#define GICC_CTLR 0x0000
#define GICC_PMR  0x0004
#define GICC_BPR  0x0008
#define GICC_IAR  0x000c
#define GICC_EOIR 0x0010
#define GICC_DIR  0x1000
/* EnableGrp0 | EnableGrp1 | EOImode (bit 9: EOImodeNS in the Non-secure view, EOImodeS otherwise). */
#define GICC_CTLR_VALUE ((1u << 0) | (1u << 1) | (1u << 9))

/* GICH_HCR, GICH_VMCR and GICH_APR are in arch.h, for entry.S. */
#define GICH_VTR   0x004
#define GICH_MISR  0x010
#define GICH_EISR0 0x020
#define GICH_ELRSR 0x030
#define GICH_LR    0x100

#define IRQ_PRIO_DEFAULT 0xa0u

static uint64_t dist, cpuif, hyp;
/* The GIC's CPU interface number of each pCPU (GICD_ITARGETSR0 read on it), for SGIs and routing. */
static uint8_t cpu_mask[REAL_MAX_CPUS];
/* The source CPU of the SGI each pCPU last acknowledged, per SGI: its EOI must name it again. */
static uint8_t sgi_src[REAL_MAX_CPUS][HAL_IRQ_NR_SGI];

unsigned gicv2_init(const struct platform *plat)
{
	dist = pa_addr(plat->gic.dist.base);
	cpuif = pa_addr(plat->gic.cpuif.base);
	hyp = pa_addr(plat->gic.hyp.base);
	gic_gich = hyp;
	unsigned lines = ((mmio_read32(dist + GICD_TYPER) & 0x1f) + 1) * 32;

	mmio_write32(dist + GICD_CTLR, 0);
	for (unsigned i = 32; i < lines && i < 1020; i += 32) {
		mmio_write32(dist + GICD_ICENABLER + i / 8, ~0u);
		mmio_write32(dist + GICD_ICPENDR + i / 8, ~0u);
		mmio_write32(dist + GICD_ICACTIVER + i / 8, ~0u);
	}
	for (unsigned i = 32; i < lines && i < 1020; i += 4)
		mmio_write32(dist + GICD_IPRIORITYR + i, IRQ_PRIO_DEFAULT * 0x01010101u);
	mmio_write32(dist + GICD_CTLR, 3);
	return gic_spis(lines);
}

void gicv2_cpu_init(unsigned cpu)
{
	/* Banked: the first byte that reads non-zero is this CPU interface's own bit. */
	uint32_t t = 0;
	for (unsigned i = 0; i < HAL_IRQ_NR_PRIV && !t; i += 4)
		t = mmio_read32(dist + GICD_ITARGETSR + i);
	cpu_mask[cpu] = (uint8_t)(t | t >> 8 | t >> 16 | t >> 24);

	mmio_write32(dist + GICD_ICENABLER, ~0u);
	mmio_write32(dist + GICD_ICPENDR, ~0u);
	mmio_write32(dist + GICD_ICACTIVER, ~0u);
	for (unsigned i = 0; i < HAL_IRQ_NR_PRIV; i += 4)
		mmio_write32(dist + GICD_IPRIORITYR + i, IRQ_PRIO_DEFAULT * 0x01010101u);
	mmio_write32(cpuif + GICC_PMR, 0xff);
	mmio_write32(cpuif + GICC_BPR, 0);
	mmio_write32(cpuif + GICC_CTLR, GICC_CTLR_VALUE);
	mmio_write32(hyp + GICH_HCR, 0);
}

uint32_t gicv2_ack(void)
{
	uint32_t iar = mmio_read32(cpuif + GICC_IAR), id = iar & 0x3ff;

	if (id < HAL_IRQ_NR_SGI)
		sgi_src[pcpu_index()][id] = (uint8_t)(iar >> 10 & 7);
	return id;
}

static uint32_t with_src(uint32_t intid)
{
	return intid < HAL_IRQ_NR_SGI ? intid | (uint32_t)sgi_src[pcpu_index()][intid] << 10 : intid;
}

void gicv2_eoi(uint32_t intid) { mmio_write32(cpuif + GICC_EOIR, with_src(intid)); }

void gicv2_deactivate(uint32_t intid) { mmio_write32(cpuif + GICC_DIR, with_src(intid)); }

void gicv2_enable(uint32_t intid, bool on)
{
	if (intid < 1020)
		mmio_write32(dist + (on ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4, 1u << (intid % 32));
}

void gicv2_config_spi(uint32_t intid, bool edge, unsigned cpu)
{
	if (intid < HAL_IRQ_NR_PRIV || intid >= 1020 || cpu >= REAL_MAX_CPUS)
		return;
	uint64_t cfg = dist + GICD_ICFGR + (intid / 16) * 4;
	unsigned shift = (intid % 16) * 2 + 1;

	mmio_write32(cfg, (mmio_read32(cfg) & ~(1u << shift)) | (uint32_t)edge << shift);
	mmio_write8(dist + GICD_ITARGETSR + intid, cpu_mask[cpu]);
}

void gicv2_send_sgi(unsigned cpu, unsigned sgi)
{
	if (cpu >= REAL_MAX_CPUS)
		return;
	__asm__ volatile("dsb ishst" ::: "memory");
	mmio_write32(dist + GICD_SGIR, (uint32_t)cpu_mask[cpu] << 16 | (sgi & 15));
}

uint32_t gicv2_vtr(void) { return mmio_read32(hyp + GICH_VTR); }

/* GICH is banked per CPU at one address. List registers past nr_lr are already empty: the save
 * emptied every one it read. */
void gicv2_vcpu_load(const struct hal_vcpu_ctx *ctx)
{
	const struct hal_vgic_cpu *g = &ctx->vgic;
	unsigned n = g->nr_lr < gic_nr_lrs ? g->nr_lr : gic_nr_lrs;

	for (unsigned i = 0; i < n; i++)
		mmio_write32(hyp + GICH_LR + 4 * i, gic_lr_to_v2(g->lr[i]));
	mmio_write32(hyp + GICH_HCR, g->hcr);
}

void gicv2_vcpu_load_lazy(const struct hal_vcpu_ctx *ctx)
{
	if (!ctx->vgic.nr_lr)
		mmio_write32(hyp + GICH_HCR, ctx->vgic.hcr); /* else entry.S writes it after the LRs */
	mmio_write32(hyp + GICH_VMCR, gic_vmcr_to_v2(ctx->vgic.vmcr));
	mmio_write32(hyp + GICH_APR, ctx->vgic.apr[0]);
}

/* entry.S saved VMCR and APR already. */
void gicv2_vcpu_save(struct hal_vcpu_ctx *ctx)
{
	struct hal_vgic_cpu *g = &ctx->vgic;
	unsigned n = g->nr_lr < gic_nr_lrs ? g->nr_lr : gic_nr_lrs;

	g->hcr = mmio_read32(hyp + GICH_HCR);
	g->misr = mmio_read32(hyp + GICH_MISR);
	g->eisr = mmio_read32(hyp + GICH_EISR0);
	g->elrsr = mmio_read32(hyp + GICH_ELRSR);
	mmio_write32(hyp + GICH_HCR, HAL_VGIC_HCR_EN); /* as an entry without LRs expects (entry.S) */
	for (unsigned i = 0; i < n; i++) {
		g->lr[i] = gic_lr_from_v2(mmio_read32(hyp + GICH_LR + 4 * i));
		mmio_write32(hyp + GICH_LR + 4 * i, 0);
	}
}

void gicv2_vcpu_off(void) { mmio_write32(hyp + GICH_HCR, 0); }
