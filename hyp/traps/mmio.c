#include "traps/mmio.h"

#include "public/errno.h"
#include "traps/esr.h"
#include "traps/inject.h"

/* The data abort ISS (ARM DDI 0487, ISS encoding for an exception from a Data Abort). */
#define DABT_ISV      (1u << 24)
#define DABT_SAS(iss) (((iss) >> 22) & 3u)
#define DABT_SSE      (1u << 21)
#define DABT_SRT(iss) (((iss) >> 16) & 31u)
#define DABT_SF       (1u << 15)
#define DABT_CM       (1u << 8)
#define DABT_S1PTW    (1u << 7)
#define DABT_WNR      (1u << 6)

/* Regions are registered while the domain is built, before any of its vCPUs runs: the table is
 * read without a lock afterwards. */
int mmio_register(struct domain *d, ipa_t base, uint64_t size, mmio_fn fn, void *priv)
{
	uint64_t b = ipa_addr(base);

	if (!size || !fn || b + size < b)
		return -XEN_EINVAL;
	for (unsigned i = 0; i < d->nr_mmio; i++)
		if (b < d->mmio[i].base + d->mmio[i].size && d->mmio[i].base < b + size)
			return -XEN_EINVAL;
	if (d->nr_mmio == DOMAIN_MMIO_MAX)
		return -XEN_ENOSPC;
	d->mmio[d->nr_mmio].base = b;
	d->mmio[d->nr_mmio].size = size;
	d->mmio[d->nr_mmio].fn = fn;
	d->mmio[d->nr_mmio].priv = priv;
	d->nr_mmio++;
	return 0;
}

static void skip(struct vcpu *v, uint64_t esr) { v->ctx.pc += (esr & ESR_IL) ? 4 : 2; }

bool mmio_handle(struct vcpu *v, ipa_t ipa, uint64_t esr, uint64_t far)
{
	struct domain *d = v->dom;
	uint64_t a = ipa_addr(ipa);
	unsigned i = 0;

	while (i < d->nr_mmio && (a < d->mmio[i].base || a - d->mmio[i].base >= d->mmio[i].size))
		i++;
	if (i == d->nr_mmio)
		return false;

	uint32_t iss = esr_iss(esr);
	/* A cache maintenance instruction by VA on a device: no data moves, nothing to emulate. */
	if ((iss & DABT_CM) && !(iss & DABT_S1PTW)) {
		skip(v, esr);
		return true;
	}
	unsigned size = 1u << DABT_SAS(iss), rt = DABT_SRT(iss);
	uint64_t offset = a - d->mmio[i].base;
	/* Without a valid syndrome (load/store pair, writeback, SIMD...) or from the guest's own
	 * page-table walk, there is no single register access to emulate: the guest gets the abort a
	 * device that does not decode it would give, as Xen does. So does one that spills past the end. */
	if (!(iss & DABT_ISV) || (iss & DABT_S1PTW) || offset + size > d->mmio[i].size) {
		inject_dabt(v, far, esr & ESR_IL);
		return true;
	}
	uint64_t mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
	uint64_t val = 0;
	bool write = iss & DABT_WNR;
	if (write)
		val = rt == 31 ? 0 : v->ctx.x[rt] & mask; /* register 31 is XZR here */
	if (d->mmio[i].fn(v, offset, size, write, &val, d->mmio[i].priv) < 0) {
		inject_dabt(v, far, esr & ESR_IL);
		return true;
	}
	if (!write && rt != 31) {
		val &= mask;
		if ((iss & DABT_SSE) && size < 8 && (val >> (size * 8 - 1) & 1))
			val |= ~mask;
		/* A W register destination: the upper half is zeroed, sign extension included. */
		v->ctx.x[rt] = (iss & DABT_SF) ? val : val & 0xffffffffull;
	}
	skip(v, esr);
	return true;
}
