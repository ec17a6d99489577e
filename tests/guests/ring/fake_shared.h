/* lib/guest.h's memory accessors over host memory for the guest library's unit tests: a guest
 * address is a host pointer, and every access must fall in a window the test declared. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Declares [@p, @p + @len) accessible; at most 8 windows. fake_shared_reset forgets them all, and
 * the library state the fakes of gl_alloc (a 16 KiB arena) and gl_domain_local hold. */
void fake_shared_window(void *p, size_t len);
void fake_shared_reset(void);

/* Accesses made through the accessors since the reset, and how many fell outside every window
 * (each also fails the running test). */
extern unsigned fake_shared_accesses, fake_shared_strays;

static inline uint64_t fake_gva(const void *p) { return (uint64_t)(uintptr_t)p; }
