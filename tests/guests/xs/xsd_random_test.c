/* The daemon engine under a stream of random requests from three connections (seeded, so a failure
 * replays): every type number, lengths up to past the limit, paths from a small set with and without
 * their NUL, live and made-up transaction ids, watches, commits. Nothing may crash (ASan/UBSan),
 * the output queues never overflow, every reply is well-formed, and the store stays consistent:
 * every node's parent exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/xs/xsd_core.h"
#include "public/errno.h"

static struct xsd d;
static uint64_t rng;
static unsigned replies[XS_TYPE_COUNT];

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng >> 33) % n;
}

static const char *const good[] = {
	"/local/domain/1",
	"/local/domain/1/a",
	"/local/domain/1/a/b",
	"/local/domain/2/x",
	"/local/domain/2/x/y",
	"/tool/t",
	"a",
	"a/b/c",
	"b",
	"/local/domain/2",
};
static const char *const bad[] = { "/", "@releaseDomain", "/local/domain/1//", "bad path", "/local", "", "/x/" };

static uint32_t put(char *b, uint32_t len, uint32_t max, const char *s, size_t n)
{
	if (len + n > max)
		return len;
	memcpy(b + len, s, n);
	return len + (uint32_t)n;
}

/* A request body for @type, mostly well-formed: a path (nearly always with its NUL), then what the
 * type takes (a value, a token, perms, "T"/"F"), now and then junk or a long value. */
static uint32_t body(uint32_t type, char *b, uint32_t max)
{
	const char *p = rnd(8) ? good[rnd(sizeof(good) / sizeof(good[0]))] : bad[rnd(sizeof(bad) / sizeof(bad[0]))];
	uint32_t len = 0;
	if (type == XS_TRANSACTION_END)
		return put(b, 0, max, rnd(2) ? "T" : "F", rnd(20) ? 2 : 1);
	len = put(b, len, max, p, strlen(p) + (rnd(20) ? 1 : 0));
	switch (type) {
	case XS_WRITE: len = put(b, len, max, "value", rnd(6)); break;
	case XS_WATCH:
	case XS_UNWATCH: {
		const char *t = rnd(2) ? "tok" : "t2";
		len = put(b, len, max, t, strlen(t) + 1);
		break;
	}
	case XS_SET_PERMS: {
		static const char *const perms[] = { "n1\0r2", "b0", "n2\0w1\0b0", "x1", "r99999999", "n1" };
		static const size_t plen[] = { 6, 3, 9, 3, 10, 3 };
		unsigned k = rnd(6);
		len = put(b, len, max, perms[k], plen[k]);
		break;
	}
	case XS_INTRODUCE:
		len = put(b, 0, max,
			  "5\0"
			  "100\0"
			  "3",
			  8);
		break;
	}
	if (!rnd(50)) { /* a long tail */
		uint32_t n = rnd(max - len);
		memset(b + len, 'z', n);
		len += n;
	}
	return len;
}

static uint32_t pick_type(void)
{
	static const uint32_t common[] = { XS_READ,
					   XS_WRITE,
					   XS_WRITE,
					   XS_MKDIR,
					   XS_RM,
					   XS_DIRECTORY,
					   XS_GET_PERMS,
					   XS_SET_PERMS,
					   XS_WATCH,
					   XS_UNWATCH,
					   XS_TRANSACTION_START,
					   XS_TRANSACTION_END };
	return rnd(5) ? common[rnd(sizeof(common) / sizeof(common[0]))] : rnd(XS_TYPE_COUNT + 3);
}

/* Drains @c's queue, checking each message's header against what a reply may be. */
static void drain(struct xsd_conn *c)
{
	static uint8_t buf[XSD_OUT_SIZE];
	size_t n = xsd_conn_peek(c, buf, sizeof(buf)), at = 0;
	assert_true(c->out_len <= XSD_OUT_SIZE);
	while (at + sizeof(struct xsd_sockmsg) <= n) {
		struct xsd_sockmsg h;
		memcpy(&h, buf + at, sizeof(h));
		assert_true(h.len <= XENSTORE_PAYLOAD_MAX);
		assert_true(h.type < XS_TYPE_COUNT);
		replies[h.type]++;
		assert_true(at + sizeof(h) + h.len <= n);
		if (h.type == XS_ERROR)
			assert_int_equal(buf[at + sizeof(h) + h.len - 1], '\0');
		at += sizeof(h) + h.len;
	}
	assert_int_equal(at, n); /* whole messages only */
	xsd_conn_sent(c, n);
}

static void check_tree(void)
{
	for (unsigned i = 0; i < XS_NODES_MAX; i++) {
		const struct xs_node *n = &d.store.nodes[i];
		if (!n->used || n->plen == 1)
			continue;
		const char *p = xs_node_path(&d.store, n);
		size_t len = n->plen;
		while (len > 1 && p[len - 1] != '/')
			len--;
		assert_non_null(xs_store_find(&d.store, p, len > 1 ? len - 1 : 1));
	}
}

static void run(uint64_t seed, unsigned steps)
{
	static char msg[XSD_MSG_MAX + 64];
	struct xsd_conn *c[3];
	uint32_t last_tx[3] = { 0 };

	rng = seed;
	memset(replies, 0, sizeof(replies));
	xsd_core_init(&d);
	c[0] = xsd_conn_new(&d, 0, true);
	c[1] = xsd_conn_new(&d, 1, false);
	c[2] = xsd_conn_new(&d, 2, false);
	const struct xs_caller dom0 = { 0, true, NULL, NULL, NULL };
	const struct xs_perm p1 = { 1, 0 }, p2 = { 2, 0 };
	xs_store_mkdir(&d.store, &dom0, "/local/domain/1");
	xs_store_set_perms(&d.store, &dom0, "/local/domain/1", &p1, 1);
	xs_store_mkdir(&d.store, &dom0, "/local/domain/2");
	xs_store_set_perms(&d.store, &dom0, "/local/domain/2", &p2, 1);
	for (unsigned s = 0; s < steps; s++) {
		unsigned who = rnd(3);
		struct xsd_conn *k = c[who];
		struct xsd_sockmsg h = { pick_type(), rnd(1000), 0, 0 };
		uint32_t pick = rnd(10);
		h.tx_id = pick < 3 || h.type == XS_TRANSACTION_END ? last_tx[who] : pick == 3 ? rnd(10) : 0;
		h.len = body(h.type, msg + sizeof(h), XENSTORE_PAYLOAD_MAX);
		if (!rnd(500))
			h.len = XENSTORE_PAYLOAD_MAX + 1 + rnd(100); /* ends the connection */
		memcpy(msg, &h, sizeof(h));
		size_t total = sizeof(h) + (h.len <= XENSTORE_PAYLOAD_MAX ? h.len : 0);
		/* In random pieces, as a ring delivers them. */
		for (size_t at = 0; at < total && !k->broken;) {
			size_t piece = 1 + rnd(600);
			if (piece > total - at)
				piece = total - at;
			size_t took = xsd_conn_input(&d, k, msg + at, piece, NULL);
			at += took;
			if (took < piece)
				drain(k);
		}
		if (h.type == XS_TRANSACTION_END && rnd(4))
			last_tx[who] = 0; /* mostly forgotten once ended; sometimes used again, stale */
		/* A reply naming a new transaction: remembered to be used (or abused) later. */
		if (h.type == XS_TRANSACTION_START && k->out_len >= sizeof(h)) {
			uint8_t out[64];
			size_t n = xsd_conn_peek(k, out, sizeof(out));
			struct xsd_sockmsg r;
			memcpy(&r, out, sizeof(r));
			if (r.type == XS_TRANSACTION_START && n > sizeof(r))
				last_tx[who] = (uint32_t)strtoul((const char *)out + sizeof(r), NULL, 10);
		}
		for (unsigned i = 0; i < 3; i++)
			if (rnd(4))
				drain(c[i]);
		if (k->broken) { /* a new connection for the domain, as a restart would get */
			xsd_conn_free(&d, k);
			c[who] = xsd_conn_new(&d, (domid_t)who, who == 0);
			assert_non_null(c[who]);
		}
		if (s % 1000 == 0)
			check_tree();
	}
	check_tree();
	/* The stream must reach the engine's real work, not only its refusals. */
	printf("seed %llu: %u errors, %u reads, %u writes, %u directories, %u events, %u commits\n",
	       (unsigned long long)seed, replies[XS_ERROR], replies[XS_READ], replies[XS_WRITE], replies[XS_DIRECTORY],
	       replies[XS_WATCH_EVENT], replies[XS_TRANSACTION_END]);
	assert_true(replies[XS_READ] > 100 && replies[XS_WRITE] > 100 && replies[XS_WATCH_EVENT] > 100);
	assert_true(replies[XS_TRANSACTION_END] > 10 && replies[XS_DIRECTORY] > 50);
}

static void test_random_requests_seed_1(void **state)
{
	(void)state;
	run(1, 20000);
}

static void test_random_requests_seed_2(void **state)
{
	(void)state;
	run(2, 20000);
}

static void test_random_requests_seed_3(void **state)
{
	(void)state;
	run(0xdeadbeef, 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_requests_seed_1),
		cmocka_unit_test(test_random_requests_seed_2),
		cmocka_unit_test(test_random_requests_seed_3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
