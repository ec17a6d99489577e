/* The fake HAL: host-memory RAM banks, TLB maintenance as model TLBIs, AT through the model. */
#include "fake_hal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/panic.h"
#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/mmu.h"
#include "hal/s2.h"
#include "hal/vcpu.h"
#include "mm/frame.h"

/* VTCR_EL2: T0SZ, SL0 = 1 (start at level 1), inner/outer WBWA walks, inner shareable, 4 KiB
 * granule, PS = 40 bits, 16-bit VMIDs. */
#define FAKE_VTCR ((uint64_t)(64 - FAKE_IPA_BITS) | 1u << 6 | 1u << 8 | 1u << 10 | 3u << 12 | 2u << 16 | 1u << 19)

struct bank {
	uint64_t base, size;
	uint8_t *host;
};

struct mmu_cpu fake_mmu[FAKE_CPUS];
struct hal_s2_geometry fake_geometry;
unsigned fake_flush_ipa_calls, fake_flush_vmid_calls, fake_publish_calls;
bool fake_drop_flushes;
void (*fake_s2_hook)(enum fake_s2_call call, uint16_t vmid, uint64_t ipa);
char fake_console[4096];

static struct bank banks[PLAT_MAX_MEM_BANKS];
static unsigned nbanks;
static struct plat_region reserved[8];
static unsigned nreserved;
static size_t console_len;
static bool in_child;
static int child_pipe = -1;

void *fake_ram(uint64_t pa)
{
	for (unsigned i = 0; i < nbanks; i++)
		if (pa >= banks[i].base && pa - banks[i].base < banks[i].size)
			return banks[i].host + (pa - banks[i].base);
	return NULL;
}

static bool bus_read(void *ctx, uint64_t pa, uint64_t *val)
{
	(void)ctx;
	void *p = fake_ram(pa);
	if (!p || !fake_ram(pa + 7))
		return false;
	memcpy(val, p, 8);
	return true;
}

uint64_t fake_read64(uint64_t pa)
{
	uint64_t v = 0;
	assert_true(bus_read(NULL, pa, &v));
	return v;
}

void fake_reset(void)
{
	for (unsigned i = 0; i < nbanks; i++)
		munmap(banks[i].host, banks[i].size);
	nbanks = nreserved = 0;
	for (unsigned i = 0; i < FAKE_CPUS; i++)
		mmu_cpu_init(&fake_mmu[i], (struct mmu_bus){ bus_read, NULL }, FAKE_PA_BITS);
	fake_geometry = (struct hal_s2_geometry){ FAKE_IPA_BITS, FAKE_PA_BITS, 1, 2, FAKE_VTCR };
	fake_flush_ipa_calls = fake_flush_vmid_calls = fake_publish_calls = 0;
	fake_drop_flushes = false;
	fake_cleaned_bytes = 0;
	fake_s2_hook = NULL;
	console_len = 0;
	fake_console[0] = 0;
}

void fake_ram_add(uint64_t base, uint64_t size, struct platform *plat)
{
	void *host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(host != MAP_FAILED && nbanks < PLAT_MAX_MEM_BANKS);
	madvise(host, size, MADV_HUGEPAGE); /* zeroing a 1 GiB run: 512 faults, not 262144 */
	banks[nbanks++] = (struct bank){ base, size, host };
	if (plat)
		plat->mem[plat->mem_count++] = (struct plat_region){ pa_init(base), size };
}

void fake_reserve(uint64_t base, uint64_t size)
{
	assert_true(nreserved < 8);
	reserved[nreserved++] = (struct plat_region){ pa_init(base), size };
}

void fake_frames(uint64_t size)
{
	struct platform plat = { 0 };

	fake_reset();
	fake_ram_add(FAKE_RAM_BASE, size, &plat);
	assert_int_equal(frame_init(&plat, NULL, 0), 0);
}

void fake_mmu_stage2(uint64_t vttbr, uint64_t vtcr)
{
	for (unsigned i = 0; i < FAKE_CPUS; i++) {
		struct mmu_regs *r = &fake_mmu[i].regs;
		*r = (struct mmu_regs){ 0 };
		r->hcr_el2 = 1; /* VM */
		r->vtcr_el2 = vtcr;
		r->vttbr_el2 = vttbr;
	}
}

/* ---- include/hal/mmu.h ---- */

void *hal_pa_to_va(paddr_t pa) { return fake_ram(pa_addr(pa)); }

uint64_t fake_cleaned_bytes;

void hal_dcache_clean(const void *va, size_t len)
{
	(void)va;
	fake_cleaned_bytes += len;
}

paddr_t hal_va_to_pa(const void *va)
{
	for (unsigned i = 0; i < nbanks; i++)
		if ((const uint8_t *)va >= banks[i].host && (const uint8_t *)va < banks[i].host + banks[i].size)
			return pa_init(banks[i].base + (uint64_t)((const uint8_t *)va - banks[i].host));
	return pa_init(UINT64_C(0xdead000000000000)); /* no RAM: the caller's checks must catch it */
}

unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	for (unsigned i = 0; i < nreserved && i < max; i++)
		out[i] = reserved[i];
	return nreserved;
}

/* ---- include/hal/s2.h ---- */

void hal_s2_geometry(struct hal_s2_geometry *g) { *g = fake_geometry; }

void hal_s2_publish(void)
{
	if (fake_s2_hook)
		fake_s2_hook(FAKE_S2_PUBLISH, 0, 0);
	fake_publish_calls++;
}

static void tlbi_all(enum mmu_tlbi_op op, uint64_t xt, uint16_t vmid)
{
	assert_true(mmu_tlbi_broadcast(op));
	for (unsigned i = 0; i < FAKE_CPUS; i++)
		mmu_tlbi(&fake_mmu[i], op, xt, vmid);
}

void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	if (fake_s2_hook)
		fake_s2_hook(FAKE_S2_FLUSH_IPA, vmid, ipa_addr(ipa));
	fake_flush_ipa_calls++;
	if (fake_drop_flushes)
		return;
	tlbi_all(MMU_TLBI_IPAS2E1IS, ipa_addr(ipa) >> 12, vmid);
	tlbi_all(MMU_TLBI_VMALLE1IS, 0, vmid);
}

void hal_s2_flush_vmid(uint16_t vmid)
{
	if (fake_s2_hook)
		fake_s2_hook(FAKE_S2_FLUSH_VMID, vmid, 0);
	fake_flush_vmid_calls++;
	if (!fake_drop_flushes)
		tlbi_all(MMU_TLBI_VMALLS12E1IS, 0, vmid);
}

/* ---- include/hal/vcpu.h: AT S1E1R/W on PE 0 with the vCPU's registers ---- */

bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, bool write, ipa_t *ipa)
{
	struct mmu_cpu *c = &fake_mmu[0];
	struct mmu_fault exc;
	uint64_t par;

	c->regs.sctlr_el1 = ctx->el1.sctlr;
	c->regs.tcr_el1 = ctx->el1.tcr;
	c->regs.ttbr0_el1 = ctx->el1.ttbr0;
	c->regs.ttbr1_el1 = ctx->el1.ttbr1;
	c->regs.mair_el1 = ctx->el1.mair;
	c->regs.hcr_el2 = ctx->hcr;
	c->regs.vtcr_el2 = ctx->vtcr;
	c->regs.vttbr_el2 = ctx->vttbr;
	if (!mmu_at(c, write ? MMU_AT_S1E1W : MMU_AT_S1E1R, va, &par, &exc) || (par & 1))
		return false;
	*ipa = ipa_init((par & UINT64_C(0xfffffffff000)) | (va & 0xfff));
	return true;
}

/* ---- cpu, console, exit ---- */

unsigned hal_cpu_id(void) { return 0; }

void hal_cpu_relax(void)
{
	/* One thread: a spin can only be a lock this thread already holds. */
	if (in_child)
		_exit(99);
	fail_msg("spinning on a lock: deadlock");
}

void hal_console_write(const char *s, size_t len)
{
	size_t n = len < sizeof(fake_console) - 1 - console_len ? len : sizeof(fake_console) - 1 - console_len;
	memcpy(fake_console + console_len, s, n);
	console_len += n;
	fake_console[console_len] = 0;
}

HAL_NORETURN void hal_panic_stop(int status)
{
	if (in_child) {
		ssize_t w = write(child_pipe, fake_console, console_len);
		(void)w;
		_exit(status);
	}
	fail_msg("unexpected panic (status %d): %s", status, fake_console);
	abort();
}

HAL_NORETURN void hal_exit(int status)
{
	fail_msg("hal_exit(%d) from hyp/mm", status);
	abort();
}

void fake_expect_panic(void (*fn)(void *), void *arg, const char *needle)
{
	int fds[2];
	char out[sizeof(fake_console)] = { 0 };
	int status = 0;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		in_child = true;
		child_pipe = fds[1];
		console_len = 0;
		fn(arg);
		_exit(0); /* no panic: the parent reports it */
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	while ((n = read(fds[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != PANIC_STATUS)
		fail_msg("expected a panic, child ended with status 0x%x, console: %s", status, out);
	if (!strstr(out, needle))
		fail_msg("panic message lacks \"%s\": %s", needle, out);
}
