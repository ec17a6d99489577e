/* The sim's SMMU: the model of models/smmu at the tree's address, reading its tables and queues
 * from the machine's RAM, its event/gerror/sync outputs driving the SPIs the tree names. */
#include "smmu.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "dma.h"
#include "hal/mmu.h"
#include "irq.h"
#include "models/smmu/smmu.h"

#define FIRST_SPI 32u

static struct {
	struct smmu *smmu;
	int node;
	uint32_t spi[SMMU_NR_IRQS];
} st = { .node = -1 };

/* RAM only: a table pointer or queue aimed at MMIO or at nothing takes an external abort. */
static bool ram_read(void *ctx, uint64_t pa, void *buf, unsigned len)
{
	const void *p = hal_pa_to_va(pa_init(pa)), *q = hal_pa_to_va(pa_init(pa + len - 1));

	(void)ctx;
	if (!p || !q || (const uint8_t *)q - (const uint8_t *)p != (long)len - 1)
		return false;
	memcpy(buf, p, len);
	return true;
}

static bool ram_write(void *ctx, uint64_t pa, const void *buf, unsigned len)
{
	void *p = hal_pa_to_va(pa_init(pa)), *q = hal_pa_to_va(pa_init(pa + len - 1));

	(void)ctx;
	if (!p || !q || (uint8_t *)q - (uint8_t *)p != (long)len - 1)
		return false;
	memcpy(p, buf, len);
	return true;
}

static void irq_out(void *opaque, enum smmu_irq line, bool level)
{
	(void)opaque;
	if (st.spi[line])
		gic_set_line(sim_gic(), 0, st.spi[line], level);
}

static const char *mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	static const char *const why[] = { NULL, "a width the register does not take", "unaligned",
					   "past the SMMU's two pages" };

	return why[smmu_mmio_read(opaque, off, size, val)];
}

static const char *mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	static const char *const why[] = { NULL, "a width the register does not take", "unaligned",
					   "past the SMMU's two pages" };

	return why[smmu_mmio_write(opaque, off, size, val)];
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* reg's first entry, in the root's cells (the scenario puts both devices at the root). */
static int reg0(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0), len;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);

	if (!p || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < (ac + sc) * 4)
		return -1;
	*base = cells(p, ac);
	*size = cells(p + ac, sc);
	return 0;
}

/* The @idx-th GIC SPI of "interrupts" (3 cells), 0 if there is none. */
static uint32_t spi_at(const void *fdt, int node, int idx)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	if (idx < 0 || !p || len < (idx + 1) * 12 || fdt32_to_cpu(p[idx * 3]) != 0)
		return 0;
	return fdt32_to_cpu(p[idx * 3 + 1]) + FIRST_SPI;
}

static int add_smmu(const void *fdt, int node, char *err, size_t errlen)
{
	static const char *const names[SMMU_NR_IRQS] = { "eventq", "gerror", "cmdq-sync" };
	uint64_t base, size;
	struct smmu_config cfg = { .oas_bits = 48, .gbpa_abort = true };
	static const struct smmu_ops ops = { .irq = irq_out };

	if (reg0(fdt, node, &base, &size) || size < SMMU_MMIO_SIZE) {
		snprintf(err, errlen, "%s: reg is not a 128 KiB SMMUv3 frame", fdt_get_name(fdt, node, NULL));
		return -1;
	}
	st.smmu = smmu_create(&cfg, (struct smmu_mem){ .read = ram_read, .write = ram_write }, &ops);
	if (!st.smmu) {
		snprintf(err, errlen, "cannot create the SMMU model");
		return -1;
	}
	for (unsigned i = 0; i < SMMU_NR_IRQS; i++)
		st.spi[i] = spi_at(fdt, node, fdt_stringlist_search(fdt, node, "interrupt-names", names[i]));
	st.node = node;
	struct sim_device dev = { .name = "smmuv3",
				  .base = pa_init(base),
				  .size = SMMU_MMIO_SIZE,
				  .read = mmio_read,
				  .write = mmio_write,
				  .opaque = st.smmu };
	if (sim_bus_add(&dev)) {
		snprintf(err, errlen, "%s overlaps another device", fdt_get_name(fdt, node, NULL));
		return -1;
	}
	return 0;
}

static int add_dma(const void *fdt, int node, char *err, size_t errlen)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	uint64_t base, size;
	int len;
	const fdt32_t *iommus = fdt_getprop(fdt, node, "iommus", &len);

	if (reg0(fdt, node, &base, &size) || size < SIM_DMA_SIZE) {
		snprintf(err, errlen, "%s: reg is not a 4 KiB frame", name);
		return -1;
	}
	/* Behind the SMMU: its stream ID. Without iommus the engine's addresses are physical. */
	uint32_t sid = 0;
	if (iommus) {
		if (len != 8 || fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(iommus[0])) != st.node) {
			snprintf(err, errlen, "%s: iommus must be <&smmu sid> naming the machine's SMMU", name);
			return -1;
		}
		sid = fdt32_to_cpu(iommus[1]);
	}
	return sim_dma_add(pa_init(base), iommus ? sid : UINT32_MAX, spi_at(fdt, node, 0), err, errlen);
}

int sim_smmu_create(const void *fdt, char *err, size_t errlen)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3");

	sim_smmu_destroy();
	if (node >= 0 && add_smmu(fdt, node, err, errlen))
		return -1;
	for (node = fdt_node_offset_by_compatible(fdt, -1, "halcyon,sim-dma"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "halcyon,sim-dma"))
		if (add_dma(fdt, node, err, errlen))
			return -1;
	return sim_dma_write_partials(fdt, err, errlen);
}

void sim_smmu_destroy(void)
{
	if (st.smmu)
		smmu_destroy(st.smmu);
	memset(&st, 0, sizeof(st));
	st.node = -1;
	sim_dma_reset();
}

bool sim_smmu_access(uint32_t sid, uint64_t addr, unsigned len, bool write, uint64_t *pa)
{
	struct smmu_txn t = { .addr = addr, .sid = sid, .size = (uint16_t)len, .write = write };
	struct smmu_result r;

	if (!st.smmu || sid == UINT32_MAX) {
		*pa = addr;
		return true;
	}
	if (!smmu_translate(st.smmu, &t, &r))
		return false;
	*pa = r.pa;
	return true;
}

const struct smmu_stats *sim_smmu_stats(void) { return st.smmu ? smmu_get_stats(st.smmu) : NULL; }
