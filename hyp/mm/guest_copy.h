/* Guest buffers for hypercalls: guest virtual addresses translated as the vCPU would (its stage 1
 * through the HAL's AT, then the domain's p2m), refusing anything the domain may not touch. */
#pragma once

#include "hal/vcpu.h"
#include "mm/p2m.h"

/* All return 0 or -XEN_EFAULT (a hole, a permission the mapping lacks, MMIO, a frame the domain
 * neither owns nor was granted, or a range running into any of those). Nothing is copied past
 * the first bad page; earlier pages may have been copied. */
int copy_from_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, const void *src, size_t len);

/* Pins the page holding @gva for the hypervisor's own use (shared_info, vcpu_info, rings): *va and
 * *pa address @gva itself (page offset included), with a frame reference held until
 * guest_page_put(*pa). Only that page is pinned: the caller checks its object fits before the
 * page ends. Same checks and errors as the copies. */
int guest_page_get(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, bool write, void **va, paddr_t *pa);
void guest_page_put(paddr_t pa);
