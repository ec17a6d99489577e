/* The accessors' fakes: plain host loads and stores, each checked against the declared windows so
 * that a library bug or a hostile index followed out of the page fails the test instead of
 * scribbling on the host. */
#include "tests/guests/ring/fake_shared.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lib/guest.h"

#define WINDOWS 8

static struct {
	uint8_t *p;
	size_t len;
} win[WINDOWS];
static unsigned nwin;
unsigned fake_shared_accesses, fake_shared_strays;

/* gl_alloc's arena and gl_domain_local's words: one domain's, forgotten by the reset. */
static _Alignas(16) uint8_t arena[16384]; /* lib/real's size: a domain's clients fit as they do there */
static size_t arena_used;
static void *locals[GL_LOCAL_COUNT];

void fake_shared_reset(void)
{
	nwin = 0;
	fake_shared_accesses = fake_shared_strays = 0;
	arena_used = 0;
	memset(locals, 0, sizeof(locals));
}

void **gl_domain_local(enum gl_local slot) { return &locals[slot]; }

void *gl_alloc(size_t size, uint64_t *gva)
{
	size_t n = (size + 15) & ~(size_t)15;
	assert_true(n <= sizeof(arena) - arena_used);
	void *p = arena + arena_used;
	arena_used += n;
	memset(p, 0, n);
	*gva = (uint64_t)(uintptr_t)p;
	return p;
}

void fake_shared_window(void *p, size_t len)
{
	assert_true(nwin < WINDOWS);
	win[nwin].p = p;
	win[nwin++].len = len;
}

static void *at(uint64_t gva, size_t len)
{
	uint8_t *p = (uint8_t *)(uintptr_t)gva;

	fake_shared_accesses++;
	for (unsigned i = 0; i < nwin; i++)
		if (p >= win[i].p && len <= win[i].len && (size_t)(p - win[i].p) <= win[i].len - len)
			return p;
	fake_shared_strays++;
	fail_msg("access of %zu bytes at %#llx outside the shared windows", len, (unsigned long long)gva);
	return NULL;
}

uint32_t gl_read32(uint64_t addr)
{
	uint32_t v;
	memcpy(&v, at(addr, 4), 4);
	return v;
}

void gl_write32(uint64_t addr, uint32_t val) { memcpy(at(addr, 4), &val, 4); }

uint64_t gl_read64(uint64_t addr)
{
	uint64_t v;
	memcpy(&v, at(addr, 8), 8);
	return v;
}

void gl_write64(uint64_t addr, uint64_t val) { memcpy(at(addr, 8), &val, 8); }

void gl_copy_from(uint64_t gva, void *buf, size_t len)
{
	if (len)
		memcpy(buf, at(gva, len), len);
}

void gl_copy_to(uint64_t gva, const void *buf, size_t len)
{
	if (len)
		memcpy(at(gva, len), buf, len);
}

uint32_t gl_cmpxchg32(uint64_t addr, uint32_t old, uint32_t new)
{
	uint32_t cur = gl_read32(addr);
	if (cur == old)
		gl_write32(addr, new);
	return cur;
}

void gl_mb(void) {}
