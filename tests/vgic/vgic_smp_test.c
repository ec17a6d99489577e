/* The locking under real concurrency: host threads play pCPUs running four vCPUs (exit, take,
 * end, enter) while others inject SPIs, send SGIs and retarget SPIs. Nothing may be lost. */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "tests/vgic/vgic_fake.h"

#define NV        4
#define NSPI      64
#define INJECTORS 3
#define ROUNDS    5000

static unsigned taken[1024]; /* by vINTID, summed over vCPUs */
static unsigned sgi_taken[NV][16];
static bool stop;

static unsigned load(const unsigned *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *run_vcpu(void *arg)
{
	struct vcpu *v = arg;

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		vgic_sync(v);
		v->ctx.vgic.eisr = 0;
		vgic_flush(v);
		uint32_t iar = fake_guest_ack(v);
		if (iar == HAL_IRQ_SPURIOUS) {
			sched_yield(); /* a guest in WFI: let the other threads run on the two cores */
			continue;
		}
		uint32_t id = iar & 0x3ff;
		if (id < 16)
			__atomic_fetch_add(&sgi_taken[v->id][id], 1, __ATOMIC_RELEASE);
		else
			__atomic_fetch_add(&taken[id], 1, __ATOMIC_RELEASE);
		fake_guest_eoi(v, iar);
	}
	return NULL;
}

/* Injector @k owns SPIs 32 + 16k .. +15: it injects one, now and then reroutes it while it is
 * pending, waits until some vCPU took it (so its injections never merge); and sends SGIs. */
static void *inject(void *arg)
{
	unsigned k = (unsigned)(uintptr_t)arg, seed = 12345 + k;
	unsigned sent[16] = { 0 };

	for (unsigned r = 0; r < ROUNDS; r++) {
		seed = seed * 1103515245 + 12345;
		unsigned i = (seed >> 8) % 16, intid = 32 + 16 * k + i;
		if ((seed >> 16) % 4 == 0) {
			unsigned t = (seed >> 12) % NV, sgi = 8 + k;
			unsigned before = load(&sgi_taken[t][sgi]);
			vgic_sgi1r_write(&fake_vcpu[k], (uint64_t)sgi << 24 | 1u << t);
			double end = now_s() + 10;
			while (load(&sgi_taken[t][sgi]) == before && now_s() < end)
				sched_yield();
			if (load(&sgi_taken[t][sgi]) == before)
				return (void *)"an SGI was lost";
		}
		if (vgic_inject(&fake_dom, NULL, intid))
			return (void *)"injection refused";
		sent[i]++;
		if ((seed >> 20) % 4 == 0) {
			/* Rerouted while pending, perhaps already in its vCPU's LR. */
			for (volatile unsigned spin = (seed >> 26) % 2000; spin; spin--)
				;
			uint64_t aff = (seed >> 24) % NV;
			if (fake_mmio(&fake_vcpu[k], FAKE_DIST + 0x6000 + 8 * intid, 8, true, &aff))
				return (void *)"IROUTER write aborted";
		}
		double end = now_s() + 10;
		while (load(&taken[intid]) < sent[i] && now_s() < end)
			sched_yield();
		if (load(&taken[intid]) != sent[i])
			return (void *)"an SPI was lost";
	}
	return NULL;
}

static void test_vgic_concurrent_injection_retargeting_and_sgis_lose_nothing(void **state)
{
	(void)state;
	fake_lrs = 4;
	fake_prio_bits = 5;
	fake_domain(NV, 3, NSPI);
	struct vcpu *v0 = &fake_vcpu[0];
	fake_write32(v0, FAKE_DIST + 0x000, 0x12);
	for (unsigned r = 1; r <= NSPI / 32; r++) {
		fake_write32(v0, FAKE_DIST + 0x080 + 4 * r, 0xffffffff);
		fake_write32(v0, FAKE_DIST + 0x100 + 4 * r, 0xffffffff);
	}
	for (unsigned r = 0; r < NSPI / 16; r++)
		fake_write32(v0, FAKE_DIST + 0xc08 + 4 * r, 0xaaaaaaaa);
	for (unsigned n = 0; n < NV; n++) {
		uint64_t sgi = FAKE_REDIST + 0x20000 * n + 0x10000;
		fake_write32(v0, sgi + 0x080, 0xffff);
		fake_write32(v0, sgi + 0x100, 0xffff);
		fake_guest_enable(&fake_vcpu[n]);
	}
	pthread_t runners[NV], injectors[INJECTORS];
	for (unsigned n = 0; n < NV; n++)
		assert_int_equal(pthread_create(&runners[n], NULL, run_vcpu, &fake_vcpu[n]), 0);
	for (unsigned k = 0; k < INJECTORS; k++)
		assert_int_equal(pthread_create(&injectors[k], NULL, inject, (void *)(uintptr_t)k), 0);
	/* cmocka's asserts belong to this thread: the others report instead. */
	const char *err[INJECTORS];
	for (unsigned k = 0; k < INJECTORS; k++)
		pthread_join(injectors[k], (void **)&err[k]);
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (unsigned n = 0; n < NV; n++)
		pthread_join(runners[n], NULL);
	for (unsigned k = 0; k < INJECTORS; k++)
		if (err[k])
			fail_msg("injector %u: %s", k, err[k]);
	unsigned total = 0;
	for (unsigned i = 32; i < 32 + NSPI; i++)
		total += taken[i];
	assert_int_equal(total, INJECTORS * ROUNDS);
	for (unsigned n = 0; n < NV; n++)
		fake_check_lrs(&fake_vcpu[n]);
	fake_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vgic_concurrent_injection_retargeting_and_sgis_lose_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
