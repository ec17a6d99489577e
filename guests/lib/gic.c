/* The guest library's GIC driver, shared by both worlds: it finds the GIC in the guest's device
 * tree and drives it as an OS does, through MMIO (gl_read32/gl_write32) and the ICC_* registers. */
#include <libfdt.h>

#include "lib/guest.h"

#define GICD_CTLR       0x0000
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_IGROUPR    0x0080
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR  0x0800
#define GICD_SGIR       0x0f00
#define GICD_TYPER      0x0004
#define GICD_IROUTER    0x6000
#define GICD_CTLR_RWP   (1u << 31)
/* Non-secure view: ARE_NS, EnableGrp1A, EnableGrp1 (bit 0 is Grp1NS, or Grp0 on a DS == 1 GIC). */
#define GICD_CTLR_V3 ((1u << 4) | (1u << 1) | (1u << 0))

#define GICR_TYPER        0x0008
#define GICR_WAKER        0x0014
#define GICR_SGI          0x10000
#define GICR_FRAME        0x20000
#define GICR_TYPER_LAST   (1u << 4)
#define GICR_TYPER_VLPIS  (1u << 1)
#define GICR_WAKER_SLEEP  (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)

#define GICC_CTLR         0x0000
#define GICC_PMR          0x0004
#define GICC_BPR          0x0008
#define GICC_IAR          0x000c
#define GICC_EOIR         0x0010
#define GICC_DIR          0x1000
#define GICC_CTLR_EOIMODE (1u << 9) /* EOImodeNS in the non-secure view, EOImode in GICV's */
#define ICC_CTLR_EOIMODE  (1u << 1)

#define PRIO_DEFAULT 0xa0u
#define NR_PRIV      32u
#define SPURIOUS     1023u
/* Bounded waits on RWP/ChildrenAsleep: a GIC that never clears them must not hang the test. */
#define POLL_LIMIT 1000000u

/* The driver's state is the domain's (gl_domain_local): in the sim every domain's program shares
 * this file's statics, and Dom0's GIC is not where a DomU's is. */
struct gic_state {
	int version;
	uint64_t dist, cpuif;        /* v2: GICC */
	uint64_t redist, redist_end; /* v3: the first redistributor region */
	unsigned nr_lines;
	uint64_t rd_base[GL_MAX_VCPUS];
	/* v2: the source CPU of the SGI each vCPU last acknowledged, which its EOI must name again. */
	uint32_t sgi_src[GL_MAX_VCPUS][16];
};

/* Before gl_gic_init (or when it failed): a state that names no GIC, written by nobody. */
static struct gic_state *gic(void)
{
	static struct gic_state none;
	struct gic_state *g = *gl_domain_local(GL_LOCAL_GIC);
	return g ? g : &none;
}

#define version    (gic()->version)
#define dist       (gic()->dist)
#define cpuif      (gic()->cpuif)
#define redist     (gic()->redist)
#define redist_end (gic()->redist_end)
#define nr_lines   (gic()->nr_lines)
#define rd_base    (gic()->rd_base)
#define sgi_src    (gic()->sgi_src)

static void poll_clear(uint64_t reg, uint32_t bits)
{
	for (unsigned i = 0; i < POLL_LIMIT && (gl_read32(reg) & bits); i++)
		;
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* The @index-th (address, size) pair of @node's reg, in its parent's cell sizes. */
static bool reg_of(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2, sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len < (index + 1) * (ac + sc) * 4)
		return false;
	reg += index * (ac + sc);
	*addr = cells(reg, ac);
	*size = cells(reg + ac, sc);
	return true;
}

static unsigned self(void) { return gl_vcpu_id() % GL_MAX_VCPUS; }

static uint64_t mpidr_aff(void)
{
	/* Aff3..Aff0 in GICR_TYPER's [63:32] layout. gl_vcpu_id is Aff0; Aff1 and up are 0 for the
	 * vCPUs this library runs (both hypervisors number vCPUs below 16 so). */
	return gl_vcpu_id();
}

static uint64_t find_rd(void)
{
	uint64_t aff = mpidr_aff();

	for (uint64_t base = redist; base + GICR_FRAME <= redist_end;) {
		uint64_t typer = gl_read64(base + GICR_TYPER);
		if (typer >> 32 == aff)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
		base += typer & GICR_TYPER_VLPIS ? 2 * GICR_FRAME : GICR_FRAME;
	}
	return 0;
}

static void set_prio(uint64_t base, uint32_t intid, uint8_t prio)
{
	uint64_t reg = base + GICD_IPRIORITYR + (intid & ~3u);
	unsigned shift = (intid & 3) * 8;

	gl_write32(reg, (gl_read32(reg) & ~(0xffu << shift)) | (uint32_t)prio << shift);
}

int gl_gic_cpu_init(void)
{
	unsigned me = self();

	if (version == 3) {
		uint64_t rd = find_rd();
		if (!rd)
			return -1;
		rd_base[me] = rd;
		gl_write32(rd + GICR_WAKER, gl_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
		poll_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP);
		gl_write32(rd + GICR_SGI + GICD_ICENABLER, ~0u);
		gl_write32(rd + GICR_SGI + GICD_IGROUPR, ~0u);
		for (unsigned i = 0; i < NR_PRIV; i += 4)
			gl_write32(rd + GICR_SGI + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
		gl_sysreg_write(GL_ICC_SRE_EL1, gl_sysreg_read(GL_ICC_SRE_EL1) | 1);
		gl_sysreg_write(GL_ICC_PMR_EL1, 0xff);
		gl_sysreg_write(GL_ICC_BPR1_EL1, 0);
		gl_sysreg_write(GL_ICC_CTLR_EL1, 0); /* EOImode 0: EOIR also deactivates */
		gl_sysreg_write(GL_ICC_IGRPEN1_EL1, 1);
		return 3;
	}
	if (version == 2) {
		/* Banked for each CPU: its SGIs and PPIs in GICD, and its own GICC. */
		gl_write32(dist + GICD_ICENABLER, ~0u);
		for (unsigned i = 0; i < NR_PRIV; i += 4)
			gl_write32(dist + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
		gl_write32(cpuif + GICC_PMR, 0xff);
		gl_write32(cpuif + GICC_BPR, 0);
		gl_write32(cpuif + GICC_CTLR, 1);
		return 2;
	}
	return -1;
}

int gl_gic_init(const void *fdt)
{
	static const char *const v2_compat[] = { "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic" };
	uint64_t size;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

	if (!*gl_domain_local(GL_LOCAL_GIC)) {
		uint64_t gva;
		*gl_domain_local(GL_LOCAL_GIC) = gl_alloc(sizeof(struct gic_state), &gva);
	}
	version = 0;
	if (node >= 0) {
		if (!reg_of(fdt, node, 0, &dist, &size) || !reg_of(fdt, node, 1, &redist, &size))
			return -1;
		redist_end = redist + size;
		version = 3;
	} else {
		for (unsigned i = 0; i < sizeof(v2_compat) / sizeof(v2_compat[0]) && node < 0; i++)
			node = fdt_node_offset_by_compatible(fdt, -1, v2_compat[i]);
		if (node < 0 || !reg_of(fdt, node, 0, &dist, &size) || !reg_of(fdt, node, 1, &cpuif, &size))
			return -1;
		version = 2;
	}

	/* The distributor: off while every SPI is disabled, made group 1 and given to this vCPU. */
	nr_lines = ((gl_read32(dist + GICD_TYPER) & 0x1f) + 1) * 32;
	if (nr_lines > 1020)
		nr_lines = 1020;
	gl_write32(dist + GICD_CTLR, 0);
	poll_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	for (unsigned i = NR_PRIV; i < nr_lines; i += 32) {
		gl_write32(dist + GICD_ICENABLER + i / 8, ~0u);
		if (version == 3)
			gl_write32(dist + GICD_IGROUPR + i / 8, ~0u);
	}
	for (unsigned i = NR_PRIV; i < nr_lines; i += 4)
		gl_write32(dist + GICD_IPRIORITYR + i, PRIO_DEFAULT * 0x01010101u);
	if (version == 3) {
		gl_write32(dist + GICD_CTLR, GICD_CTLR_V3);
		poll_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
	} else {
		gl_write32(dist + GICD_CTLR, 1);
	}
	return gl_gic_cpu_init();
}

uint32_t gl_gic_ack(void)
{
	if (version == 3)
		return (uint32_t)gl_sysreg_read(GL_ICC_IAR1_EL1) & 0xffffff;
	if (version != 2)
		return SPURIOUS;
	uint32_t iar = gl_read32(cpuif + GICC_IAR), id = iar & 0x3ff;
	if (id < 16)
		sgi_src[self()][id] = iar & 0x1c00;
	return id;
}

void gl_gic_eoi(uint32_t intid)
{
	if (version == 3)
		gl_sysreg_write(GL_ICC_EOIR1_EL1, intid);
	else if (version == 2)
		gl_write32(cpuif + GICC_EOIR, intid | (intid < 16 ? sgi_src[self()][intid] : 0));
}

void gl_gic_set_eoimode(bool split)
{
	if (version == 3) {
		uint64_t ctlr = gl_sysreg_read(GL_ICC_CTLR_EL1);
		gl_sysreg_write(GL_ICC_CTLR_EL1, split ? ctlr | ICC_CTLR_EOIMODE : ctlr & ~(uint64_t)ICC_CTLR_EOIMODE);
	} else if (version == 2) {
		uint32_t ctlr = gl_read32(cpuif + GICC_CTLR);
		gl_write32(cpuif + GICC_CTLR, split ? ctlr | GICC_CTLR_EOIMODE : ctlr & ~GICC_CTLR_EOIMODE);
	}
}

void gl_gic_deactivate(uint32_t intid)
{
	if (version == 3)
		gl_sysreg_write(GL_ICC_DIR_EL1, intid);
	else if (version == 2)
		gl_write32(cpuif + GICC_DIR, intid | (intid < 16 ? sgi_src[self()][intid] : 0));
}

/* SGIs and PPIs live in this vCPU's redistributor (v3) or its bank of GICD (v2). */
static uint64_t bank_of(uint32_t intid) { return intid < NR_PRIV && version == 3 ? rd_base[self()] + GICR_SGI : dist; }

void gl_gic_enable(uint32_t intid, uint8_t prio)
{
	if (!version || intid >= nr_lines)
		return;
	uint64_t base = bank_of(intid);
	set_prio(base, intid, prio);
	if (intid >= NR_PRIV) {
		if (version == 3) {
			gl_write64(dist + GICD_IROUTER + intid * 8, mpidr_aff());
		} else {
			/* GICD_ITARGETSR0-7 read as this CPU interface's own bit. */
			uint32_t mine = gl_read32(dist + GICD_ITARGETSR) & 0xff;
			uint64_t reg = dist + GICD_ITARGETSR + (intid & ~3u);
			unsigned shift = (intid & 3) * 8;
			gl_write32(reg, (gl_read32(reg) & ~(0xffu << shift)) | mine << shift);
		}
	}
	gl_write32(base + GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void gl_gic_disable(uint32_t intid)
{
	if (!version || intid >= nr_lines)
		return;
	gl_write32(bank_of(intid) + GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
	/* v3: the disable has taken effect once RWP (GICR_CTLR bit 3, GICD_CTLR bit 31) reads 0. */
	if (version == 3 && intid < NR_PRIV)
		poll_clear(rd_base[self()], 1u << 3);
	else if (version == 3)
		poll_clear(dist + GICD_CTLR, GICD_CTLR_RWP);
}

void gl_gic_send_sgi(unsigned vcpu, unsigned sgi)
{
	if (version == 3)
		gl_sysreg_write(GL_ICC_SGI1R_EL1,
				(uint64_t)(sgi & 15) << 24 | (1u << (vcpu % 16)) | (uint64_t)(vcpu / 16) << 16);
	else if (version == 2)
		gl_write32(dist + GICD_SGIR, (1u << (16 + vcpu % 8)) | (sgi & 15));
}

uint64_t gl_gic_dist_base(void) { return dist; }

uint64_t gl_gic_redist_base(void) { return version == 3 ? rd_base[self()] : cpuif; }

uint32_t gl_timer_vppi(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer"), len;
	const fdt32_t *irq = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;

	/* Three cells per interrupt (type, number, flags): secure, non-secure, virtual, hypervisor. */
	if (!irq || len < 9 * 4 || fdt32_to_cpu(irq[6]) != 1)
		return 27;
	return 16 + fdt32_to_cpu(irq[7]);
}
