#include "guest_fixture.h"

#include <string.h>

#include "hal/mmu.h"
#include "hal/s2.h"

#define SZ_2M     (2ull << 20)
#define S2_TABLE  3ull
#define S2_NORMAL (0xfull << 2 | 3ull << 6 | 3ull << 8 | 1ull << 10) /* WB, S2AP RW, inner, AF */

struct fix fix;
static const struct sim_program *installed;
static unsigned ninstalled;

void fix_reset(const struct sim_program *programs, unsigned n)
{
	memset(&fix, 0, sizeof(fix));
	fix.blocks = 1;
	fix.seed = 1;
	harness_reset();
	installed = programs;
	ninstalled = n;
}

static uint64_t *desc(uint64_t pa) { return hal_pa_to_va(pa_init(pa)); }

void fix_s2_build(unsigned blocks)
{
	memset(desc(FIX_S2_ROOT), 0, 0x4000);
	/* IPA 0x40000000 is level-1 index 1 of the first concatenated table. */
	*desc(FIX_S2_ROOT + 8) = FIX_S2_L2 | S2_TABLE;
	for (unsigned i = 0; i < blocks; i++)
		*desc(FIX_S2_L2 + 8 * i) = (FIX_GUEST_PA + i * SZ_2M) | 1 | S2_NORMAL;
	*desc(FIX_S2_L2 + 8 * blocks) = FIX_S2_L3 | S2_TABLE;
}

uint64_t *fix_s2_l3_entry(uint64_t ipa) { return desc(FIX_S2_L3 + 8 * ((ipa >> 12) & 511)); }

void fix_s2_page(uint64_t ipa, uint64_t pa) { *fix_s2_l3_entry(ipa) = pa | 3 | S2_NORMAL; }

void *fix_guest_ram(uint64_t ipa) { return hal_pa_to_va(pa_init(FIX_GUEST_PA + (ipa - FIX_IPA))); }

void fix_inject_dabt(struct hal_vcpu_ctx *c, uint64_t far)
{
	c->el1.esr = 0x25ull << 26 | 1ull << 25;
	c->el1.far = far;
	c->el1.elr = c->pc;
	c->el1.spsr = c->pstate;
	c->pc = c->el1.vbar + 0x200;
	c->pstate = 0x3c5;
}

void fix_core(void)
{
	struct hal_s2_geometry g;
	struct hal_exit e;

	hal_s2_geometry(&g);
	fix_s2_build(fix.blocks);
	if (fix.prepare)
		fix.prepare();
	if (fix.program) {
		char *img = fix_guest_ram(FIX_IPA);
		memcpy(img, SIM_IMAGE_MAGIC, SIM_IMAGE_MAGIC_LEN);
		strcpy(img + SIM_IMAGE_MAGIC_LEN, fix.program);
	}
	struct hal_vcpu_ctx *c = &fix.ctx;
	void *priv = c->hal_priv;
	if (!priv && hal_vcpu_init(c))
		return;
	c->pc = fix.entry ? fix.entry : FIX_IPA;
	c->x[0] = fix.x0;
	c->pstate = 0x3c5;
	c->el1.sctlr = 0x30d00800;
	c->hcr = FIX_HCR;
	c->vttbr = (uint64_t)FIX_VMID << 48 | FIX_S2_ROOT;
	c->vtcr = g.vtcr;
	c->vmpidr = 1ull << 31;
	hal_s2_publish();
	for (bool go = true; go && fix.nexits < FIX_MAX_EXITS;) {
		hal_vcpu_enter(c, &e);
		struct fix_exit *x = &fix.exits[fix.nexits++];
		*x = (struct fix_exit){ e.esr, e.far, e.hpfar, c->pc, { 0 } };
		memcpy(x->x, c->x, sizeof(x->x));
		go = fix.handle(c, &e);
	}
	fix.stopped_at = sim_now();
	hal_vcpu_destroy(c);
}

int fix_run(struct sim_result *r)
{
	harness_programs = installed;
	harness_nprograms = ninstalled;
	return harness_run(fix_core, NULL, fix.seed, 0, r);
}
