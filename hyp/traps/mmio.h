/* Emulated MMIO: a domain's table of IPA ranges owned by an emulated device, and the decode of a
 * stage-2 data abort (ISV, SAS, SRT, SSE, SF, WnR) into one access to them. */
#pragma once

#include "dom/domain.h"

/*
 * An access of @size bytes (1, 2, 4 or 8) at @offset from the region's base. A write carries the
 * value in *@val (already truncated to @size); a read returns it there. 0 completes the access;
 * a negative value makes it a synchronous external abort injected into the guest.
 */
typedef int (*mmio_fn)(struct vcpu *v, uint64_t offset, unsigned size, bool write, uint64_t *val, void *priv);

/* Claims [@base, @base + @size) of @d's IPA space for @fn. Returns 0, -XEN_EINVAL (overlap, empty)
 * or -XEN_ENOSPC (table full). The range must not be mapped in the p2m. */
int mmio_register(struct domain *d, ipa_t base, uint64_t size, mmio_fn fn, void *priv);

/* A stage-2 data abort at @ipa: true if a region claimed it (emulated, or an abort injected for a
 * bad access); false if no region covers @ipa. */
bool mmio_handle(struct vcpu *v, ipa_t ipa, uint64_t esr, uint64_t far);
