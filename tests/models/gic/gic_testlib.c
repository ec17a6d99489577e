/* The GIC tests' shared helpers. */
#include "gic_testlib.h"

#include <string.h>

unsigned t_changes[T_NCPUS];

uint64_t t_mpidr(unsigned cpu) { return 0x80000000ull | (uint64_t)(cpu / 2) << 8 | (cpu % 2); }

static void on_change(void *opaque, unsigned cpu)
{
	(void)opaque;
	assert_true(cpu < T_NCPUS);
	t_changes[cpu]++;
}

struct gic *t_gic(enum gic_version v)
{
	struct gic_config cfg = { .version = v, .ncpus = T_NCPUS, .nr_spis = T_NSPIS };
	static const struct gic_ops ops = { on_change, NULL };
	struct gic *g;

	for (unsigned c = 0; c < T_NCPUS; c++)
		cfg.mpidr[c] = t_mpidr(c);
	memset(t_changes, 0, sizeof(t_changes));
	g = gic_create(&cfg, &ops);
	assert_non_null(g);
	return g;
}

int t_teardown(void **state)
{
	gic_destroy(*state);
	return 0;
}

uint32_t t_rd(struct gic *g, enum gic_frame f, unsigned cpu, uint64_t off)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(gic_mmio_read(g, f, cpu, off, 4, &v), GIC_OK);
	assert_true(v <= 0xffffffffull);
	return (uint32_t)v;
}

void t_wr(struct gic *g, enum gic_frame f, unsigned cpu, uint64_t off, uint32_t val)
{
	assert_int_equal(gic_mmio_write(g, f, cpu, off, 4, val), GIC_OK);
}

uint64_t t_rd64(struct gic *g, enum gic_frame f, unsigned cpu, uint64_t off)
{
	uint64_t v = 0;

	assert_int_equal(gic_mmio_read(g, f, cpu, off, 8, &v), GIC_OK);
	return v;
}

uint64_t t_sr(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg r)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(gic_sysreg_read(g, cpu, el, r, &v), GIC_OK);
	return v;
}

void t_sw(struct gic *g, unsigned cpu, unsigned el, enum gic_sysreg r, uint64_t val)
{
	assert_int_equal(gic_sysreg_write(g, cpu, el, r, val), GIC_OK);
}

void t_v3_up(struct gic *g, unsigned cpu)
{
	t_wr(g, GIC_FRAME_GICD, 0, 0x0, 3);
	t_wr(g, GIC_FRAME_GICR_RD, cpu, 0x14, 0);
	t_sw(g, cpu, 2, GIC_ICC_PMR_EL1, 0xff);
	t_sw(g, cpu, 2, GIC_ICC_IGRPEN0_EL1, 1);
	t_sw(g, cpu, 2, GIC_ICC_IGRPEN1_EL1, 1);
}

void t_v3_irq(struct gic *g, unsigned cpu, unsigned intid, unsigned group, uint8_t prio)
{
	enum gic_frame f = intid < 32 ? GIC_FRAME_GICR_SGI : GIC_FRAME_GICD;
	unsigned c = intid < 32 ? cpu : 0;
	uint64_t reg = (intid / 32) * 4;
	uint32_t bit = 1u << (intid % 32);
	uint32_t grp = t_rd(g, f, c, 0x80 + reg);
	uint64_t v = 0;

	t_wr(g, f, c, 0x80 + reg, group ? grp | bit : grp & ~bit);
	assert_int_equal(gic_mmio_write(g, f, c, 0x400 + intid, 1, prio), GIC_OK);
	if (intid >= 32) {
		uint64_t m = t_mpidr(cpu);

		assert_int_equal(gic_mmio_write(g, GIC_FRAME_GICD, 0, 0x6000 + 8 * intid, 8,
						(m & 0xffffff) | ((m >> 32) & 0xff) << 32),
				 GIC_OK);
		assert_int_equal(gic_mmio_read(g, GIC_FRAME_GICD, 0, 0x6000 + 8 * intid, 8, &v), GIC_OK);
	}
	t_wr(g, f, c, 0x100 + reg, bit);
}
