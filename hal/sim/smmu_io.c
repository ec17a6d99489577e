/* The SMMUv3 driver's register accesses in the sim: through the machine's bus to models/smmu, as
 * the console's PL011 driver does; an access the model refuses stops the run (a driver bug). */
#include "bus.h"
#include "machine.h"
#include "public/errno.h"
#include "hal/real/smmu_io.h"

int smmu_io_map(paddr_t base, uint64_t size)
{
	const struct sim_device *d = sim_bus_find(base);

	return d && pa_addr(d->base) == pa_addr(base) && d->size >= size ? 0 : -XEN_ENODEV;
}

uint32_t smmu_io_read32(paddr_t pa)
{
	uint64_t v = 0;
	const char *err = sim_mmio_read(pa, 4, &v);

	if (err)
		sim_stop(SIM_STOP_ERROR, 1, "smmu driver: %s", err);
	return (uint32_t)v;
}

void smmu_io_write32(paddr_t pa, uint32_t val)
{
	const char *err = sim_mmio_write(pa, 4, val);

	if (err)
		sim_stop(SIM_STOP_ERROR, 1, "smmu driver: %s", err);
}

void smmu_io_write64(paddr_t pa, uint64_t val)
{
	const char *err = sim_mmio_write(pa, 8, val);

	if (err)
		sim_stop(SIM_STOP_ERROR, 1, "smmu driver: %s", err);
}
