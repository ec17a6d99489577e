/* lib/guest.h's bulk copies, compare-and-swap and barrier on a hal/sim vCPU: pages translated by
 * the MMU model when the copy runs, so a grant unmapped since is a fault, never stale host memory. */
#include <string.h>

#include "guests/lib/sim/runtime.h"
#include "sim/insn.h"

#define PAGE 4096u

/* The bytes of [gva, gva + len) that lie in gva's page. */
static size_t in_page(uint64_t gva, size_t len)
{
	size_t n = PAGE - (size_t)(gva & (PAGE - 1));
	return n < len ? n : len;
}

/* A host pointer is taken per page and used before any other guest instruction runs (the sim
 * interleaves vCPUs only at instructions), so no peer can unmap the page under the copy. */
void gl_copy_from(uint64_t gva, void *buf, size_t len)
{
	uint8_t *out = buf;

	for (size_t off = 0, n; off < len; off += n) {
		n = in_page(gva + off, len - off);
		const void *host = sim_insn_host_ptr(gva + off, n, false);
		if (host) {
			memcpy(out + off, host, n);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			sim_insn_set_reg(0, 0);
			out[off + i] = (uint8_t)sim_insn_load(gva + off + i, 1, 0, false);
		}
	}
}

void gl_copy_to(uint64_t gva, const void *buf, size_t len)
{
	const uint8_t *in = buf;

	for (size_t off = 0, n; off < len; off += n) {
		n = in_page(gva + off, len - off);
		void *host = sim_insn_host_ptr(gva + off, n, true);
		if (host) {
			memcpy(host, in + off, n);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			sim_insn_store(gva + off + i, in[off + i], 1, 1, false);
	}
}

/* The read and the write happen with no guest instruction between them: atomic for every other
 * vCPU and for the hypervisor. A word that is not RAM (MMIO) gets a plain load and store. */
uint32_t gl_cmpxchg32(uint64_t addr, uint32_t old, uint32_t new)
{
	uint32_t *p = sim_insn_host_ptr(addr, 4, true), cur;

	if (p) {
		cur = *p;
		if (cur == old)
			*p = new;
		return cur;
	}
	cur = gl_read32(addr);
	if (cur == old)
		gl_write32(addr, new);
	return cur;
}

/* The sim's memory is sequentially consistent: only the compiler must keep the order. */
void gl_mb(void) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }
