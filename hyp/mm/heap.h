/* The hypervisor's own heap: small objects from frames the hypervisor owns (DOMID_XEN).
 * Zeroed on allocation; freeing NULL is a no-op. */
#pragma once

#include "hal/types.h"

void *heap_alloc(size_t size); /* NULL on exhaustion; never for size 0 */
void heap_free(void *p);
uint64_t heap_bytes_in_use(void);
