/* The GIC and timer models as the machine's: built from the platform, their frames on the bus,
 * their lines waking CPUs. Virtual time reaches the timers once per scheduling step. */
#include "irq.h"

#include <stdio.h>

#include "bus.h"
#include "machine.h"

/* QEMU virt's timer PPIs (INTIDs), for a platform that names none. */
#define PPI_NS_PHYS 30u
#define PPI_VIRT    27u
#define PPI_HYP     26u

static struct {
	struct gic *gic;
	struct timer timer;
	unsigned ppi[TIMER_COUNT];
	char why[64];
} q;

struct gic *sim_gic(void) { return q.gic; }
struct timer *sim_timer(void) { return &q.timer; }

bool sim_irq_wakes(const struct sim_cpu *c)
{
	unsigned i = c->index;

	if (!q.gic)
		return false;
	if (gic_irq_line(q.gic, i) || gic_fiq_line(q.gic, i))
		return true;
	return c->vcpu && (gic_virq_line(q.gic, i) || gic_vfiq_line(q.gic, i));
}

/* The GIC's outputs moved: a CPU asleep in WFI that now has something to take wakes. */
static void lines_changed(void *opaque, unsigned cpu)
{
	struct sim_cpu *c = sim_cpu_at(cpu);

	(void)opaque;
	if (c && c->state == SIM_CPU_WFI && sim_irq_wakes(c))
		c->state = SIM_CPU_ON;
}

static void timer_irq(void *opaque, unsigned cpu, enum timer_id id, bool level)
{
	(void)opaque;
	gic_set_line(q.gic, cpu, q.ppi[id], level);
}

/* Every GIC region is a bus device whose opaque says which frame it is: a GICR region finds its
 * redistributor (and RD_base or SGI_base) from the offset, a banked frame the CPU making the access. */
struct frame {
	enum gic_frame frame;
	unsigned first_cpu; /* GICR: the redistributor at the region's base */
};

static struct frame frames[4 + PLAT_MAX_GICR_REGIONS];
static unsigned nframes;

static const char *status_str(enum gic_status s)
{
	switch (s) {
	case GIC_OK: return NULL;
	case GIC_BAD_SIZE: return "an access width the GIC register does not take";
	case GIC_BAD_ALIGN: return "unaligned GIC access";
	case GIC_BAD_OFFSET: return "past the GIC frame";
	case GIC_BAD_FRAME: return "no such GIC frame for this CPU";
	default: break;
	}
	snprintf(q.why, sizeof(q.why), "GIC status %d", (int)s);
	return q.why;
}

static void locate(const struct frame *f, uint64_t *off, enum gic_frame *fr, unsigned *cpu)
{
	struct sim_cpu *c = sim_current();

	*fr = f->frame;
	if (f->frame != GIC_FRAME_GICR_RD) {
		*cpu = c ? c->index : 0;
		return;
	}
	*cpu = f->first_cpu + (unsigned)(*off / SIM_GICR_STRIDE);
	*off %= SIM_GICR_STRIDE;
	if (*off >= GIC_V3_RD_SIZE) {
		*fr = GIC_FRAME_GICR_SGI;
		*off -= GIC_V3_RD_SIZE;
	}
}

static const char *frame_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	enum gic_frame fr;
	unsigned cpu;

	locate(opaque, &off, &fr, &cpu);
	if (fr == GIC_FRAME_GICV || fr == GIC_FRAME_GICH)
		sim_irq_vgic_touched(cpu);
	return status_str(gic_mmio_read(q.gic, fr, cpu, off, size, val));
}

static const char *frame_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	enum gic_frame fr;
	unsigned cpu;

	locate(opaque, &off, &fr, &cpu);
	if (fr == GIC_FRAME_GICV || fr == GIC_FRAME_GICH)
		sim_irq_vgic_touched(cpu);
	return status_str(gic_mmio_write(q.gic, fr, cpu, off, size, val));
}

static int add_frame(const char *name, struct plat_region r, enum gic_frame fr, unsigned first_cpu)
{
	struct frame *f = &frames[nframes++];
	*f = (struct frame){ fr, first_cpu };
	const struct sim_device d = {
		.name = name, .base = r.base, .size = r.size, .read = frame_read, .write = frame_write, .opaque = f
	};
	return sim_bus_add(&d);
}

static int add_frames(const struct platform *plat, char *err, size_t errlen)
{
	const struct plat_region *bad = NULL;

	nframes = 0;
	if (plat->gic.version == 2) {
		const struct {
			const char *name;
			const struct plat_region *r;
			enum gic_frame fr;
		} v2[] = { { "GICD", &plat->gic.dist, GIC_FRAME_GICD },
			   { "GICC", &plat->gic.cpuif, GIC_FRAME_GICC },
			   { "GICH", &plat->gic.hyp, GIC_FRAME_GICH },
			   { "GICV", &plat->gic.vcpu, GIC_FRAME_GICV } };
		for (unsigned i = 0; i < 4 && !bad; i++)
			if (add_frame(v2[i].name, *v2[i].r, v2[i].fr, 0))
				bad = v2[i].r;
	} else {
		unsigned cpu = 0;
		if (add_frame("GICD", plat->gic.dist, GIC_FRAME_GICD, 0))
			bad = &plat->gic.dist;
		for (unsigned i = 0; i < plat->gic.redist_count && !bad; i++) {
			if (add_frame("GICR", plat->gic.redist[i], GIC_FRAME_GICR_RD, cpu))
				bad = &plat->gic.redist[i];
			cpu += (unsigned)(plat->gic.redist[i].size / SIM_GICR_STRIDE);
		}
		if (!bad && cpu < plat->cpu_count) {
			snprintf(err, errlen, "the GICR regions hold %u redistributors for %u CPUs", cpu,
				 plat->cpu_count);
			return -1;
		}
	}
	if (!bad)
		return 0;
	snprintf(err, errlen, "the GIC frame at %#llx+%#llx is empty or overlaps RAM or another device",
		 (unsigned long long)pa_addr(bad->base), (unsigned long long)bad->size);
	return -1;
}

int sim_irq_create(const struct platform *plat, char *err, size_t errlen)
{
	struct gic_config cfg = { .ncpus = plat->cpu_count,
				  .nr_spis = SIM_GIC_SPIS,
				  .nr_lrs = SIM_GIC_LRS,
				  .vprio_bits = SIM_GIC_VPRIO_BITS };
	const struct gic_ops gops = { lines_changed, NULL };
	const struct timer_ops tops = { timer_irq, NULL };

	sim_irq_destroy();
	sim_irq_vgic_reset();
	if (plat->gic.version != 2 && plat->gic.version != 3) {
		snprintf(err, errlen, "the machine needs a GICv2 or GICv3, the tree has none");
		return -1;
	}
	cfg.version = plat->gic.version == 2 ? GIC_V2 : GIC_V3;
	for (unsigned i = 0; i < plat->cpu_count && i < GIC_MAX_CPUS; i++)
		cfg.mpidr[i] = plat->cpu_mpidr[i];
	q.gic = gic_create(&cfg, &gops);
	if (!q.gic) {
		snprintf(err, errlen, "the GIC model cannot be a GICv%u with %u CPUs", plat->gic.version,
			 plat->cpu_count);
		return -1;
	}
	if (add_frames(plat, err, errlen)) {
		sim_irq_destroy();
		return -1;
	}
	q.ppi[TIMER_PHYS] = plat->timer.ns_phys ? plat->timer.ns_phys : PPI_NS_PHYS;
	q.ppi[TIMER_VIRT] = plat->timer.virt ? plat->timer.virt : PPI_VIRT;
	q.ppi[TIMER_HYP] = plat->timer.hyp ? plat->timer.hyp : PPI_HYP;
	timer_init(&q.timer, plat->cpu_count, SIM_COUNTER_HZ, &tops);
	return 0;
}

void sim_irq_destroy(void)
{
	if (q.gic)
		gic_destroy(q.gic);
	q.gic = NULL;
}

void sim_irq_advance(uint64_t now) { timer_advance(&q.timer, now); }

uint64_t sim_irq_next_deadline(void) { return timer_next_deadline(&q.timer); }

struct sim_cpu *sim_irq_cpu_logical(unsigned cpu)
{
	for (unsigned i = 0; i < sim_cpu_count(); i++) {
		struct sim_cpu *c = sim_cpu_at(i);
		if (c->ran && c->logical == cpu)
			return c;
	}
	return NULL;
}
