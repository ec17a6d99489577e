/* Fuzz harness for device-tree parsing: a mutated host DTB through dt_platform_parse and
 * dt_boot_parse as boot does, then each boot domain's guest tree from dt_guest_build as the domain
 * builder describes it, checked for consistency and parsed back with the same parser. */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/bootargs.h"
#include "dt/dt.h"
#include "dt/dt_boot.h"
#include "dt/dt_guest.h"
#include "public/errno.h"

#define CHECK(c) ((c) ? (void)0 : abort())

/* The domain builder's values (hyp/dom/dom_build.[ch]): Xen's DomU map and the tree's room. */
#define GUEST_DT_SIZE   4096
#define GUEST_RAM0_BASE 0x40000000ull
#define GUEST_RAM0_SIZE 0xc0000000ull
#define GUEST_GICD_BASE 0x03001000ull
#define GUEST_GICC_BASE 0x03002000ull
#define GUEST_GICR_BASE 0x03020000ull

static const char *blob;
static size_t blob_len;

static bool is_errno(int rc)
{
	static const int ok[] = { XEN_ENOENT, XEN_E2BIG, XEN_EINVAL, XEN_ENOSPC, XEN_ERANGE, XEN_ENODEV, XEN_ENOTSUP };
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (rc == -ok[i])
			return true;
	return false;
}

/* A string the parser hands out points into the blob and ends inside it. */
static void check_string(const char *s)
{
	if (!s)
		return;
	CHECK(s >= blob && s < blob + blob_len);
	CHECK(memchr(s, '\0', (size_t)(blob + blob_len - s)) != NULL);
}

static void check_platform(const struct platform *p)
{
	CHECK(p->mem_count >= 1 && p->mem_count <= PLAT_MAX_MEM_BANKS);
	for (unsigned i = 0; i < p->mem_count; i++) {
		CHECK(p->mem[i].size != 0);
		if (i)
			CHECK(pa_addr(p->mem[i - 1].base) + p->mem[i - 1].size <= pa_addr(p->mem[i].base));
	}
	CHECK(p->cpu_count >= 1 && p->cpu_count <= PLAT_MAX_CPUS);
	for (unsigned i = 0; i < p->cpu_count; i++)
		for (unsigned j = 0; j < i; j++)
			CHECK(p->cpu_mpidr[i] != p->cpu_mpidr[j]);
	CHECK(p->gic.version == 2 || p->gic.version == 3);
	CHECK(p->gic.redist_count <= PLAT_MAX_GICR_REGIONS);
	CHECK(memchr(p->uart.path, '\0', sizeof(p->uart.path)) != NULL);
	check_string(p->bootargs);
}

/* The description dom_build gives dt_guest_build: Dom0 1:1 on the host's banks and GIC, a DomU on
 * Xen's guest map. */
static void describe(const struct platform *p, const struct boot_domain *bd, struct dt_guest *g)
{
	memset(g, 0, sizeof(*g));
	g->vcpus = bd->vcpus;
	g->bootargs = bd->bootargs;
	g->gic.version = p->gic.version;
	if (bd->dom0) {
		uint64_t n = 1;
		if (bootargs_uint(p->bootargs, "dom0_max_vcpus", &n) && n >= 1 && n <= DT_GUEST_MAX_VCPUS)
			g->vcpus = (unsigned)n;
		for (unsigned i = 0; i < p->mem_count && i < DT_GUEST_MAX_BANKS; i++)
			g->bank[g->banks++] =
			    (struct dt_guest_bank){ ipa_init(pa_addr(p->mem[i].base)), p->mem[i].size };
		g->gic.dist = (struct dt_guest_bank){ ipa_init(pa_addr(p->gic.dist.base)), p->gic.dist.size };
		g->gic.redist =
		    (struct dt_guest_bank){ ipa_init(pa_addr(p->gic.redist[0].base)), p->gic.redist[0].size };
		g->gic.cpuif = (struct dt_guest_bank){ ipa_init(pa_addr(p->gic.vcpu.base)), p->gic.vcpu.size };
	} else {
		uint64_t bytes = bd->mem_kib << 10;
		g->bank[g->banks++] = (struct dt_guest_bank){ ipa_init(GUEST_RAM0_BASE),
							      bytes < GUEST_RAM0_SIZE ? bytes : GUEST_RAM0_SIZE };
		g->gic.dist = (struct dt_guest_bank){ ipa_init(GUEST_GICD_BASE), 0x10000 };
		g->gic.redist =
		    (struct dt_guest_bank){ ipa_init(GUEST_GICR_BASE), 0x20000ull * (bd->vcpus ? bd->vcpus : 1) };
		g->gic.cpuif = (struct dt_guest_bank){ ipa_init(GUEST_GICC_BASE), 0x2000 };
	}
	if (bd->ramdisk.size) {
		g->initrd = ipa_init(ipa_addr(g->bank[0].base) + 0x4000000);
		g->initrd_size = bd->ramdisk.size;
	}
}

/* The guest's tree is valid, says what it was given, and our own parser reads it back. */
static void check_guest(const struct dt_guest *g)
{
	static char tree[GUEST_DT_SIZE];
	int size = dt_guest_build(tree, sizeof(tree), g);

	if (size < 0) {
		CHECK(size == -XEN_ENOSPC || size == -XEN_EINVAL);
		return;
	}
	CHECK(size <= GUEST_DT_SIZE && fdt_check_full(tree, (size_t)size) == 0);
	int chosen = fdt_path_offset(tree, "/chosen");
	CHECK(chosen >= 0);
	const char *args = fdt_getprop(tree, chosen, "bootargs", NULL);
	CHECK(g->bootargs ? args && strcmp(args, g->bootargs) == 0 : !args);

	bool sized = true;
	for (unsigned i = 0; i < g->banks; i++)
		sized = sized && g->bank[i].size;
	if (!g->gic.version || !sized)
		return;
	/* The host parser wants more of a GIC than a guest is given (a maintenance interrupt; on v2 the
	 * GICH and GICV frames), so it fails there; every other step still fills @back. */
	struct platform back;
	struct dt_error err;
	int rc = dt_platform_parse(tree, &back, &err);
	CHECK(rc == 0 || (is_errno(rc) && err.msg[0]));
	CHECK(back.cpu_count == g->vcpus && back.gic.version == g->gic.version);
	CHECK(back.timer.virt == 16 + DT_GUEST_TIMER_PPI_VIRT && back.timer.hyp == 16 + DT_GUEST_TIMER_PPI_HYP);
	if (g->gic.version == 3)
		CHECK(pa_addr(back.gic.dist.base) == ipa_addr(g->gic.dist.base));
	uint64_t total = 0, back_total = 0;
	for (unsigned i = 0; i < g->banks; i++)
		total += g->bank[i].size;
	for (unsigned i = 0; i < back.mem_count; i++)
		back_total += back.mem[i].size;
	CHECK(total == back_total);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform plat;
	struct boot_info bi;
	struct dt_error err;

	/* The HAL maps PLAT_FDT_MAX_SIZE at the tree's address, so the header's totalsize may claim
	 * more than the input: those bytes exist (zero here), anything past them is an ASan report. */
	if (size < sizeof(struct fdt_header) || size > PLAT_FDT_MAX_SIZE)
		return 0;
	size_t total = fdt_totalsize(data);
	size_t len = total > size && total <= PLAT_FDT_MAX_SIZE ? total : size;
	char *fdt = calloc(1, len);
	CHECK(fdt != NULL);
	memcpy(fdt, data, size);
	blob = fdt;
	blob_len = len;

	int rc = dt_platform_parse(fdt, &plat, &err);
	CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	if (rc) {
		/* Boot panics with the message: it must say something, and the result be an errno. */
		CHECK(is_errno(rc) && err.msg[0]);
		goto out;
	}
	check_platform(&plat);

	rc = dt_boot_parse(fdt, &bi, &err);
	CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	if (rc) {
		CHECK(is_errno(rc) && err.msg[0]);
		goto out;
	}
	CHECK(bi.count <= BOOT_MAX_DOMAINS);
	unsigned dom0s = 0;
	for (unsigned i = 0; i < bi.count; i++) {
		const struct boot_domain *bd = &bi.dom[i];
		struct dt_guest g;
		CHECK(memchr(bd->name, '\0', sizeof(bd->name)) != NULL);
		CHECK(bd->kernel.size != 0);
		check_string(bd->bootargs);
		dom0s += bd->dom0;
		describe(&plat, bd, &g);
		check_guest(&g);
	}
	CHECK(dom0s <= 1);
out:
	free(fdt);
	return 0;
}
