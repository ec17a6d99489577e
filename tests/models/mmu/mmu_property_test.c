/* Property: on randomly generated tables and registers (thousands of seeds), the model, with its
 * TLB cold and warm, agrees with the independent reference (mmu_ref.c) on every probe: output
 * address, attributes, permissions, size, and for faults the kind, level, stage, ESR, FAR, HPFAR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mmu_gen.h"
#include "mmu_ref.h"

#define SEEDS  10000
#define PROBES 64

/* ------------------------------------------------------------------ comparison */

struct tally {
	unsigned long probes, ok, hits, s1ptw, faults[6][3], at;
};

static struct tally tally;

#define SAME(field_model, field_ref, name)                                                                             \
	do {                                                                                                           \
		if ((uint64_t)(field_model) != (uint64_t)(field_ref)) {                                                \
			print_message(                                                                                 \
			    "seed %llu probe %u pass %d: va %#llx el %u type %u: %s model %#llx ref %#llx\n",          \
			    (unsigned long long)seed, probe, pass, (unsigned long long)a->va, a->el, a->type, name,    \
			    (unsigned long long)(field_model), (unsigned long long)(field_ref));                       \
			fail();                                                                                        \
		}                                                                                                      \
	} while (0)

static void compare(uint64_t seed, unsigned probe, int pass, const struct mmu_access *a, bool ok,
		    const struct mmu_result *m, const struct ref_out *o)
{
	SAME(ok, o->ok, "ok");
	if (ok) {
		SAME(m->pa, o->pa, "pa");
		SAME(m->ipa, o->ipa, "ipa");
		SAME(m->attr, o->attr, "attr");
		SAME(m->sh, o->sh, "sh");
		SAME(m->perm, o->perm, "perm");
		SAME(m->size_log2, o->size, "size");
		return;
	}
	SAME(m->fault.kind, o->kind, "kind");
	SAME(m->fault.level, o->level, "level");
	SAME(m->fault.stage, o->stage, "stage");
	SAME(m->fault.s1ptw, o->s1ptw, "s1ptw");
	SAME(m->fault.target_el, o->target_el, "target_el");
	SAME(m->fault.esr, o->esr, "esr");
	SAME(m->fault.far, o->far, "far");
	SAME(m->fault.hpfar_valid, o->hpfar_valid, "hpfar_valid");
	SAME(m->fault.hpfar, o->hpfar, "hpfar");
	if (o->stage == 2)
		SAME(m->fault.ipa, o->fipa, "fault ipa");
}

static struct mmu_access probe_access(struct gen *g)
{
	struct mmu_access a = { .type = (uint8_t)pick(g, 3), .size = (uint8_t)(1u << pick(g, 4)) };
	int list = g->nhot[2] && chance(g, 15) ? 2 : 0;
	a.el = list == 2 ? 2 : (uint8_t)pick(g, 2);
	unsigned c = pick(g, 100), near = chance(g, 60) ? 0 : chance(g, 70) ? 12 : 22;
	if (g->nhot[list] && c < 85)
		a.va = g->hot[list][pick(g, g->nhot[list])] ^ (rnd(g) & lowmask(near));
	else if (c < 93)
		a.va = rnd(g) & lowmask(25 + pick(g, 24));
	else
		a.va = rnd(g);
	if (chance(g, 10))
		a.va ^= rnd(g) & 0xff00000000000000ull; /* a tag for TBI */
	a.iss_valid = chance(g, 50);
	a.srt = (uint8_t)pick(g, 32);
	a.sse = chance(g, 30);
	a.sf = chance(g, 50);
	a.ar = chance(g, 20);
	return a;
}

static void run_seed(struct gen *g, struct mmu_cpu *cpu, uint64_t seed)
{
	gen_machine(g, seed);
	mmu_cpu_init(cpu, tram_bus(&g->ram), g->pa_bits);
	cpu->regs = g->regs;
	struct ref_machine ref = { .regs = &g->regs, .pa_bits = cpu->pa_bits, .bus = tram_bus(&g->ram) };

	for (unsigned probe = 0; probe < PROBES; probe++) {
		struct mmu_access acc = probe_access(g), *a = &acc;
		struct ref_out o;
		ref_translate(&ref, a, &o);
		for (int pass = 0; pass < 2; pass++) {
			struct mmu_result m;
			bool ok = mmu_translate(cpu, a, &m);
			compare(seed, probe, pass, a, ok, &m, &o);
			tally.hits += m.tlb_hit;
		}
		tally.probes++;
		if (o.ok)
			tally.ok++;
		else
			tally.faults[o.kind][o.stage]++;
		tally.s1ptw += o.s1ptw;
		if (chance(g, 20)) {
			enum mmu_at_op op = (enum mmu_at_op)pick(g, MMU_AT_S1E2W + 1);
			uint64_t par_m = 0, par_r = 0, esr_r = 0;
			struct mmu_fault exc;
			bool rm = mmu_at(cpu, op, a->va, &par_m, &exc), rr = ref_at(&ref, op, a->va, &par_r, &esr_r);
			int pass = 2;
			SAME(rm, rr, "at taken");
			if (rm)
				SAME(par_m, par_r, "par");
			else
				SAME(exc.esr, esr_r, "at esr");
			tally.at++;
		}
		if (chance(g, 5)) /* the tables never change, so no TLBI may alter an answer */
			mmu_tlbi(cpu, (enum mmu_tlbi_op)pick(g, MMU_TLBI_VAE2IS + 1), rnd(g), (uint16_t)rnd(g));
	}
}

static void test_mmu_walker_matches_the_reference_walk_on_random_tables(void **state)
{
	(void)state;
	static struct gen g;
	static struct mmu_cpu cpu;
	tram_init(&g.ram, PT_RAM_PA, PT_RAM_SIZE);
	for (uint64_t seed = 1; seed <= SEEDS; seed++)
		run_seed(&g, &cpu, seed);
	tram_free(&g.ram);

	print_message("%lu probes x2 over %d seeds: %lu translated, %lu TLB hits, %lu S1PTW faults, %lu AT\n",
		      tally.probes, SEEDS, tally.ok, tally.hits, tally.s1ptw, tally.at);
	static const char *names[] = { "", "address size", "translation", "access flag", "permission", "ext abort" };
	for (int k = 1; k <= 5; k++)
		print_message("  %-13s stage 1: %5lu  stage 2: %5lu\n", names[k], tally.faults[k][1],
			      tally.faults[k][2]);
	/* The generator must keep reaching every outcome, or the property proves little. */
	assert_true(tally.ok > tally.probes / 10);
	assert_true(tally.s1ptw > 100);
	for (int k = 1; k <= 5; k++) {
		assert_true(tally.faults[k][1] > 20);
		assert_true(tally.faults[k][2] > 20);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmu_walker_matches_the_reference_walk_on_random_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
