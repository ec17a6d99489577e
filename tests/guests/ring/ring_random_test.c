/* The shared ring under a peer that scribbles on the header at random: many seeded rounds of honest
 * traffic, now and then a wild req_prod or rsp_prod, or one just off the honest index (a lie the
 * ring cannot tell from the truth when it stays within a ring: stale slots are read, nothing else).
 * Whatever the values, no access leaves the page, a broken end stays broken, and until the first
 * scribble every message taken is the one sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ring.h"
#include "public/errno.h"
#include "tests/guests/ring/fake_shared.h"

#define PAGE   4096u
#define SLOT   56u /* 64 slots: (4096 - 64) / 56 = 72 -> 64 */
#define ROUNDS 20000u

static _Alignas(4096) uint8_t page[PAGE];

static uint64_t rng;
static uint32_t next(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng >> 33);
}

struct msg {
	uint64_t seq;
	uint8_t fill[SLOT - 8];
};

static struct msg msg(uint64_t seq)
{
	struct msg m = { .seq = seq };
	memset(m.fill, (int)(seq * 7 & 0xff), sizeof(m.fill));
	return m;
}

/* Now and then, between a producer's push and the consumer's look: a wild index, or one near the
 * honest count @near (just over a ring ahead, or behind). */
static bool tampered;

static void scribble(unsigned off, RING_IDX near, unsigned one_in)
{
	if (!one_in || next() % one_in)
		return;
	uint32_t v = next() % 2 ? next() : near + next() % 140 - 70;
	memcpy(page + off, &v, 4);
	tampered = true;
}

/* One seeded run: returns how many rounds both ends stayed unbroken. */
static unsigned run(uint64_t seed, unsigned scribble_one_in)
{
	struct ring_front f;
	struct ring_back b;
	uint64_t sent = 0, served = 0, answered = 0;
	unsigned rounds = 0;

	rng = seed;
	tampered = false;
	fake_shared_reset();
	fake_shared_window(page, sizeof(page));
	ring_shared_init(fake_gva(page), next());
	assert_int_equal(ring_front_attach(&f, fake_gva(page), PAGE, SLOT), 0);
	assert_int_equal(ring_back_attach(&b, fake_gva(page), PAGE, SLOT), 0);
	assert_int_equal(f.slots, 64);
	for (unsigned r = 0; r < ROUNDS; r++) {
		struct msg m;
		bool fb = f.broken, bb = b.broken;
		for (unsigned n = next() % 8; n--;)
			if (ring_front_put(&f, (m = msg(sent), &m), sizeof(m)) == 0)
				sent++;
		ring_front_push(&f);
		scribble(RING_OFF_REQ_PROD, f.req_prod_pvt, scribble_one_in);
		for (unsigned n = next() % 8; n--;) {
			int rc = ring_back_take(&b, &m, sizeof(m));
			if (rc != 1)
				break;
			if (!tampered) /* honest so far: exactly what was sent */
				assert_int_equal(m.seq, served);
			served++;
			ring_back_put(&b, &m, sizeof(m));
		}
		ring_back_push(&b);
		scribble(RING_OFF_RSP_PROD, b.rsp_prod_pvt, scribble_one_in);
		while (ring_front_take(&f, &m, sizeof(m)) == 1) {
			if (!tampered)
				assert_int_equal(m.seq, answered);
			answered++;
		}
		ring_front_final_check(&f);
		ring_back_final_check(&b);
		assert_true(!fb || f.broken); /* broken stays broken */
		assert_true(!bb || b.broken);
		if (!f.broken && !b.broken && rounds == r)
			rounds++;
	}
	assert_int_equal(fake_shared_strays, 0);
	return rounds;
}

static void test_honest_traffic_never_breaks_and_stays_in_order(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++)
		assert_int_equal(run(seed, 0), ROUNDS);
}

static void test_scribbled_indices_never_lead_out_of_the_page(void **state)
{
	unsigned broke = 0;
	(void)state;
	for (uint64_t seed = 1; seed <= 16; seed++)
		broke += run(seed, 50) < ROUNDS;
	assert_true(broke > 0); /* the scribbles did break rings: the checks were exercised */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_honest_traffic_never_breaks_and_stays_in_order),
		cmocka_unit_test(test_scribbled_indices_never_lead_out_of_the_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
