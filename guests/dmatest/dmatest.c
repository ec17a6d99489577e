/* DMA isolation from inside guests. "dmatest.role=attacker": a driver domain given the DMA engine
 * copies within its own RAM (must work), then aims it at every 4 MiB of the machine's RAM outside
 * its own, writing and reading (each must be blocked by the SMMU). "dmatest.role=victim": fills its
 * RAM with a pattern and prints its checksum before and after the attack (must not change).
 * Afterwards, with "dmatest.grant_to=D" a victim grants a page to D, and with "dmatest.map_from=D"
 * the attacker maps D's grant (ref 8, D's first), DMAs into it (must land), unmaps it and DMAs
 * again (must be blocked: the SMMU walks the same stage 2 the unmap changed). */
#include <libfdt.h>

#include "lib/gnttab.h"
#include "lib/guest.h"
#include "public/xen.h"

/* The sim DMA engine's registers (hal/sim/dma.h). */
#define DMA_SRC    0x00u
#define DMA_DST    0x08u
#define DMA_LEN    0x10u
#define DMA_GO     0x14u
#define DMA_STATUS 0x18u
#define DMA_FAULT  0x20u
#define ST_DONE    1u
#define ST_RFAULT  2u
#define ST_WFAULT  3u

#define SZ_1M      (1ull << 20)
#define STRIDE     (4ull << 20)
#define PAGE       4096u
#define VICTIM_MS  120u /* how long a victim waits for the attack to be over */
#define ATTACK_MS  50u  /* how long the attacker lets the victims fill and checksum their RAM */
#define GRANT_MS   5u   /* how long the granter watches its page after the mapping went, and */
#define GRANT_WAIT 20u  /* at most for each of the grantee's steps (ms) */
#define MAP_TRIES  200u /* 100 us apart: the granter grants as it starts */
#define SWEEPS                                                                                                         \
	2u /* back to back, more faults than the SMMU's 128-record event queue holds:                                  \
	    * none is lost only if the hypervisor drains it as they happen */

static int failures;

static void check(bool ok, const char *what)
{
	gl_printf("dmatest: %s: %s\n", ok ? "PASS" : "FAIL", what);
	if (!ok)
		failures++;
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* The word after @key in the bootargs, copied into @out. */
static bool arg(const void *fdt, const char *key, char *out, size_t len)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;

	for (const char *p = args; p && *p; p++) {
		if (p != args && p[-1] != ' ')
			continue;
		size_t i = 0;
		while (key[i] && p[i] == key[i])
			i++;
		if (key[i])
			continue;
		size_t n = 0;
		for (p += i; *p && *p != ' ' && n + 1 < len; p++)
			out[n++] = *p;
		out[n] = '\0';
		return true;
	}
	return false;
}

static uint64_t hex(const char *s)
{
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++)
		v = v << 4 | (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return v;
}

static void spin_us(uint64_t us)
{
	uint64_t f = gl_sysreg_read(GL_CNTFRQ_EL0), end = gl_sysreg_read(GL_CNTVCT_EL0) + f / 1000000 * us;

	while (gl_sysreg_read(GL_CNTVCT_EL0) < end)
		;
}

static uint64_t pattern_of(uint64_t addr) { return addr * 0x9e3779b97f4a7c15ull ^ 0xc3c3c3c3c3c3c3c3ull; }

/* What the grantee's DMA writes at offset @off of the granted page, and the granter expects. */
static uint64_t grant_word(unsigned off) { return pattern_of(0x6772616e74ull + off); }

/* FNV-1a over every 64-bit word: any changed byte changes it. */
static uint64_t checksum(uint64_t from, uint64_t to)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint64_t a = from; a < to; a += 8)
		h = (h ^ gl_read64(a)) * 0x100000001b3ull;
	return h;
}

static uint64_t arg_hex(const void *fdt, const char *key, uint64_t dflt)
{
	char buf[32];

	return arg(fdt, key, buf, sizeof(buf)) ? hex(buf) : dflt;
}

/* The granter's side: a page of its own granted to @to; the peer's device must fill it while the
 * peer maps it, and nothing may reach it once the mapping has gone. */
static void granter(const void *fdt, uint64_t base, domid_t to)
{
	uint64_t page = base + 3 * SZ_1M; /* below the checksummed RAM, clear of image and tree */
	int ref = gnttab_init(fdt);

	for (unsigned i = 0; i < PAGE; i += 8)
		gl_write64(page + i, 0);
	if (!ref)
		ref = gnttab_grant(to, page >> 12, false);
	gl_printf("dmatest: page %#llx granted to d%u: ref %d\n", (unsigned long long)page, to, ref);
	if (ref < 0) {
		check(false, "a page granted to the driver domain");
		return;
	}
	uint64_t f = gl_sysreg_read(GL_CNTFRQ_EL0), until = gl_sysreg_read(GL_CNTVCT_EL0) + f / 1000 * GRANT_WAIT;
	while (gl_read64(page + PAGE - 8) != grant_word(PAGE - 8) && gl_sysreg_read(GL_CNTVCT_EL0) < until)
		;
	bool landed = true;
	for (unsigned i = 0; i < PAGE; i += 8)
		landed &= gl_read64(page + i) == grant_word(i);
	check(landed, "the driver domain's DMA landed in the page granted to it");
	until = gl_sysreg_read(GL_CNTVCT_EL0) + f / 1000 * GRANT_WAIT;
	while ((gnttab_flags((grant_ref_t)ref) & (GTF_reading | GTF_writing)) && gl_sysreg_read(GL_CNTVCT_EL0) < until)
		;
	spin_us(GRANT_MS * 1000ull);
	bool kept = true;
	for (unsigned i = 0; i < PAGE; i += 8)
		kept &= gl_read64(page + i) == grant_word(i);
	check(kept && !(gnttab_flags((grant_ref_t)ref) & (GTF_reading | GTF_writing)),
	      "once unmapped, the page is out of the driver domain's DMA's reach");
	check(gnttab_end((grant_ref_t)ref) == 0, "the grant ended");
}

static void victim(const void *fdt, uint64_t base, uint64_t size)
{
	uint64_t from = base + 4 * SZ_1M, to = base + size;
	domid_t peer = (domid_t)arg_hex(fdt, "dmatest.grant_to=", DOMID_INVALID);

	if (peer != DOMID_INVALID)
		granter(fdt, base, peer);

	for (uint64_t a = from; a < to; a += 8)
		gl_write64(a, pattern_of(a));
	uint64_t before = checksum(from, to);
	gl_printf("dmatest: victim RAM %#llx-%#llx checksum before %016llx\n", (unsigned long long)from,
		  (unsigned long long)to - 1, (unsigned long long)before);
	spin_us(VICTIM_MS * 1000ull);
	uint64_t after = checksum(from, to);
	gl_printf("dmatest: victim RAM %#llx-%#llx checksum after %016llx\n", (unsigned long long)from,
		  (unsigned long long)to - 1, (unsigned long long)after);
	check(before == after, "no byte of this domain's RAM changed");
}

static uint32_t dma(uint64_t dev, uint64_t src, uint64_t dst, uint32_t len)
{
	gl_write32(dev + DMA_STATUS, 0);
	gl_write64(dev + DMA_SRC, src);
	gl_write64(dev + DMA_DST, dst);
	gl_write32(dev + DMA_LEN, len);
	gl_write32(dev + DMA_GO, 1);
	return gl_read32(dev + DMA_STATUS);
}

/* The peer's first grant mapped, retried while the peer has not made it yet. */
static int map_peer(domid_t from, struct gnttab_mapping *m)
{
	int rc = -1;

	for (unsigned tries = 0; tries < MAP_TRIES && rc; tries++) {
		if (tries)
			spin_us(100);
		rc = gnttab_map(from, GNTTAB_FIRST_FREE, false, m);
	}
	return rc;
}

/* The driver domain's side: the peer's page mapped, filled by DMA, unmapped, aimed at again. */
static void grantee(const void *fdt, uint64_t dev, uint64_t src, domid_t from)
{
	struct gnttab_mapping m;
	int rc = gnttab_init(fdt);

	if (!rc)
		rc = map_peer(from, &m);
	gl_printf("dmatest: d%u's grant %u mapped at %#llx: %d\n", from, GNTTAB_FIRST_FREE,
		  rc ? 0ull : (unsigned long long)m.gva, rc);
	if (rc) {
		check(false, "the peer's grant mapped");
		return;
	}
	for (unsigned i = 0; i < PAGE; i += 8)
		gl_write64(src + i, grant_word(i));
	uint32_t st = dma(dev, src, m.gva, PAGE);
	bool same = true;
	for (unsigned i = 0; i < PAGE; i += 8)
		same &= gl_read64(m.gva + i) == grant_word(i);
	check(st == ST_DONE && same, "DMA into the peer's mapped grant works");
	check(gnttab_unmap(&m) == 0, "the grant unmapped");
	for (unsigned i = 0; i < PAGE; i += 8)
		gl_write64(src + i, 0x5a5a5a5a5a5a5a5aull);
	st = dma(dev, src, m.gva, PAGE);
	check(st == ST_WFAULT && gl_read64(dev + DMA_FAULT) == m.gva, "DMA at the unmapped grant is blocked");
	gl_write32(dev + DMA_STATUS, 0);
}

static void attacker(const void *fdt, uint64_t base, uint64_t size)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "halcyon,sim-dma"), len;
	const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;

	if (!reg || len < 16) {
		check(false, "the DMA engine is in this domain's tree");
		return;
	}
	uint64_t dev = cells(reg, 2);
	uint64_t ram_lo = arg_hex(fdt, "dmatest.ram=", 0x40000000ull);
	uint64_t ram_hi = arg_hex(fdt, "dmatest.ram_end=", 0x50000000ull);
	gl_printf("dmatest: attacker with the DMA engine at %#llx, own RAM %#llx-%#llx\n", (unsigned long long)dev,
		  (unsigned long long)base, (unsigned long long)(base + size - 1));

	/* Its own memory: a page copied, byte for byte. */
	uint64_t src = base + 4 * SZ_1M, dst = base + 5 * SZ_1M;
	for (unsigned i = 0; i < PAGE; i += 8) {
		gl_write64(src + i, pattern_of(src + i));
		gl_write64(dst + i, 0);
	}
	uint32_t st = dma(dev, src, dst, PAGE);
	bool same = true;
	for (unsigned i = 0; i < PAGE; i += 8)
		same &= gl_read64(dst + i) == pattern_of(src + i);
	gl_printf("dmatest: copy within its own RAM: status %u\n", st);
	check(st == ST_DONE && same, "DMA within its own memory works");
	domid_t peer = (domid_t)arg_hex(fdt, "dmatest.map_from=", DOMID_INVALID);
	if (peer != DOMID_INVALID)
		grantee(fdt, dev, src, peer);

	spin_us(ATTACK_MS * 1000ull);
	/* Everything else: every 4 MiB of the machine's RAM, as the bus addresses a hostile driver
	 * programs (Dom0's are its physical ones, 1:1; another DomU's lie somewhere in there). */
	for (unsigned i = 0; i < PAGE; i += 8)
		gl_write64(src + i, 0xa5a5a5a5a5a5a5a5ull);
	unsigned tried = 0, wblocked = 0, rblocked = 0;
	uint64_t t0 = gl_sysreg_read(GL_CNTVCT_EL0);
	for (unsigned sweep = 0; sweep < SWEEPS; sweep++) {
		for (uint64_t a = ram_lo; a < ram_hi; a += STRIDE) {
			if (a >= base && a < base + size)
				continue;
			tried++;
			st = dma(dev, src, a, PAGE);
			wblocked += st == ST_WFAULT && gl_read64(dev + DMA_FAULT) == a;
			st = dma(dev, a + PAGE, dst, 64);
			rblocked += st == ST_RFAULT && gl_read64(dev + DMA_FAULT) == a + PAGE;
		}
	}
	uint64_t us = (gl_sysreg_read(GL_CNTVCT_EL0) - t0) * 1000000 / gl_sysreg_read(GL_CNTFRQ_EL0);
	gl_printf("dmatest: the attack took %llu us\n", (unsigned long long)us);
	gl_write32(dev + DMA_STATUS, 0);
	gl_printf("dmatest: %u DMA writes and %u reads aimed outside its RAM, %u and %u blocked\n", tried, tried,
		  wblocked, rblocked);
	check(tried > 0 && wblocked == tried, "every DMA write outside its memory is blocked");
	check(tried > 0 && rblocked == tried, "every DMA read outside its memory is blocked");
}

void guest_main(const void *fdt)
{
	uint64_t base, size;
	char role[16];

	if (!fdt || fdt_check_header(fdt) || !gl_ram_bank(fdt, &base, &size)) {
		gl_printf("dmatest: FAIL: no usable device tree\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	if (!arg(fdt, "dmatest.role=", role, sizeof(role)))
		role[0] = '\0';
	if (role[0] == 'a')
		attacker(fdt, base, size);
	else if (role[0] == 'v')
		victim(fdt, base, size);
	else
		check(false, "bootargs name a role (dmatest.role=attacker or victim)");
	gl_printf("dmatest: %s\n", failures ? "FAILED" : "all passed");
	gl_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
