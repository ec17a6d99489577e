/* The sim's DMA engine: a transfer runs when GO is written, in accesses that never cross a 4 KiB
 * boundary on either side (as a bus splits bursts), each one translated by the SMMU, and stops at
 * the first one the SMMU terminates, so nothing past a fault is written. */
#include "dma.h"

#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "hal/mmu.h"
#include "irq.h"
#include "smmu.h"

#define MAX_DMAS 4
#define CHUNK    64u /* bytes per bus access: a cache line */

struct dma {
	uint64_t src, dst, fault;
	uint32_t len, status, sid, intid;
};

static struct dma dmas[MAX_DMAS];
static unsigned ndmas;

void sim_dma_reset(void) { ndmas = 0; }

static unsigned chunk_of(uint64_t src, uint64_t dst, uint64_t left)
{
	uint64_t n = CHUNK - (src & (CHUNK - 1));
	uint64_t to_dst_page = 4096 - (dst & 4095);

	n = n < to_dst_page ? n : to_dst_page;
	return (unsigned)(n < left ? n : left);
}

/* One access's bytes in RAM; the SMMU has passed it, but RAM need not be there. */
static uint8_t *ram_at(uint64_t pa, unsigned n)
{
	uint8_t *p = hal_pa_to_va(pa_init(pa)), *q = hal_pa_to_va(pa_init(pa + n - 1));

	return p && q == p + n - 1 ? p : NULL;
}

static uint32_t run(struct dma *d)
{
	uint64_t src = d->src, dst = d->dst, left = d->len;

	if (d->len == 0 || d->len > SIM_DMA_MAX_LEN)
		return SIM_DMA_BAD_LEN;
	while (left) {
		unsigned n = chunk_of(src, dst, left);
		uint64_t spa, dpa;
		uint8_t buf[CHUNK], *s, *t;
		if (!sim_smmu_access(d->sid, src, n, false, &spa) || !(s = ram_at(spa, n))) {
			d->fault = src;
			return SIM_DMA_READ_FAULT;
		}
		memcpy(buf, s, n);
		if (!sim_smmu_access(d->sid, dst, n, true, &dpa) || !(t = ram_at(dpa, n))) {
			d->fault = dst;
			return SIM_DMA_WRITE_FAULT;
		}
		memcpy(t, buf, n);
		src += n, dst += n, left -= n;
	}
	return SIM_DMA_DONE;
}

static void set_status(struct dma *d, uint32_t status)
{
	d->status = status;
	if (d->intid)
		gic_set_line(sim_gic(), 0, d->intid, status != SIM_DMA_IDLE);
}

static const char *dma_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct dma *d = opaque;
	bool wide = off == SIM_DMA_SRC || off == SIM_DMA_DST || off == SIM_DMA_FAULT;

	if (size != 4 && !(size == 8 && wide))
		return "a width the register does not take";
	if (off & (size - 1))
		return "unaligned";
	switch (off & ~7ull) {
	case SIM_DMA_SRC: *val = d->src; break;
	case SIM_DMA_DST: *val = d->dst; break;
	case SIM_DMA_FAULT: *val = d->fault; break;
	case SIM_DMA_LEN: *val = off == SIM_DMA_LEN ? d->len : 0; break; /* GO reads as 0 */
	case SIM_DMA_STATUS: *val = off == SIM_DMA_STATUS ? d->status : 0; break;
	default: *val = 0; return NULL; /* reserved: RAZ */
	}
	if (size == 4 && wide)
		*val = off & 4 ? *val >> 32 : (uint32_t)*val;
	return NULL;
}

static void set_half(uint64_t *reg, uint64_t off, unsigned size, uint64_t val)
{
	if (size == 8)
		*reg = val;
	else if (off & 4)
		*reg = (*reg & 0xffffffffull) | val << 32;
	else
		*reg = (*reg & ~0xffffffffull) | (uint32_t)val;
}

static const char *dma_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct dma *d = opaque;
	bool wide = (off & ~7ull) == SIM_DMA_SRC || (off & ~7ull) == SIM_DMA_DST;

	if (size != 4 && !(size == 8 && wide && !(off & 4)))
		return "a width the register does not take";
	if (off & (size - 1))
		return "unaligned";
	if (wide)
		set_half((off & ~7ull) == SIM_DMA_SRC ? &d->src : &d->dst, off, size, val);
	else if (off == SIM_DMA_LEN)
		d->len = (uint32_t)val;
	else if (off == SIM_DMA_GO && (val & 1) && d->status == SIM_DMA_IDLE)
		set_status(d, run(d));
	else if (off == SIM_DMA_STATUS)
		set_status(d, SIM_DMA_IDLE);
	return NULL; /* anything else: WI */
}

int sim_dma_add(paddr_t base, uint32_t sid, uint32_t intid, char *err, size_t errlen)
{
	if (ndmas == MAX_DMAS) {
		snprintf(err, errlen, "more than %d DMA engines", MAX_DMAS);
		return -1;
	}
	struct dma *d = &dmas[ndmas];
	*d = (struct dma){ .sid = sid, .intid = intid };
	struct sim_device dev = {
		.name = "dma", .base = base, .size = SIM_DMA_SIZE, .read = dma_read, .write = dma_write, .opaque = d
	};
	if (sim_bus_add(&dev)) {
		snprintf(err, errlen, "the DMA engine at %#llx overlaps another device",
			 (unsigned long long)pa_addr(base));
		return -1;
	}
	ndmas++;
	return 0;
}
