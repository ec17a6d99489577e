/* Address types shared by the core and every HAL.
 * PA, IPA and hypervisor VA are distinct structs so the compiler rejects passing one as another. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t pa;
} paddr_t;

typedef struct {
	uint64_t ipa;
} ipa_t;

typedef struct {
	uintptr_t va;
} vaddr_t;

static inline paddr_t pa_init(uint64_t pa) { return (paddr_t){ pa }; }
static inline uint64_t pa_addr(paddr_t p) { return p.pa; }
static inline paddr_t pa_add(paddr_t p, uint64_t off) { return (paddr_t){ p.pa + off }; }

static inline ipa_t ipa_init(uint64_t ipa) { return (ipa_t){ ipa }; }
static inline uint64_t ipa_addr(ipa_t i) { return i.ipa; }
static inline ipa_t ipa_add(ipa_t i, uint64_t off) { return (ipa_t){ i.ipa + off }; }

static inline vaddr_t va_from_ptr(const void *p) { return (vaddr_t){ (uintptr_t)p }; }
static inline void *va_ptr(vaddr_t v) { return (void *)v.va; }

#define HAL_NORETURN __attribute__((noreturn))
