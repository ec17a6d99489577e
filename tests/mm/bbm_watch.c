/* The break-before-make watcher: per table frame, the descriptors as last seen and which of them
 * were invalidated and still wait for a covering TLB flush. */
#include "bbm_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hal.h"

#define FRAMES_MAX 65536 /* 256 MiB of fake RAM from FAKE_RAM_BASE */

struct snap {
	uint32_t gen; /* the call it was last reachable at */
	uint64_t val[512];
	uint8_t await[512]; /* invalidated, no covering flush yet */
	unsigned nawait, nchild;
	uint16_t child[512]; /* entries pointing to tables */
};

static struct snap *snaps[FRAMES_MAX];
static const struct p2m *watched;
static uint32_t gen = 1;
static unsigned violations;
static char error[300];

static void violation(const char *what, uint64_t ipa, unsigned level, uint64_t old, uint64_t cur)
{
	if (!violations++)
		snprintf(error, sizeof(error), "IPA 0x%llx level %u: 0x%016llx -> 0x%016llx %s",
			 (unsigned long long)ipa, level, (unsigned long long)old, (unsigned long long)cur, what);
}

static struct snap *snap_of(uint64_t pa)
{
	uint64_t f = (pa - FAKE_RAM_BASE) >> 12;
	if (pa < FAKE_RAM_BASE || f >= FRAMES_MAX) {
		fprintf(stderr, "bbm_watch: table at 0x%llx outside the watched RAM\n", (unsigned long long)pa);
		abort();
	}
	if (!snaps[f] && !(snaps[f] = calloc(1, sizeof(struct snap))))
		abort();
	return snaps[f];
}

static void visit(uint64_t table, unsigned level, uint64_t base, enum fake_s2_call call, uint64_t ipa)
{
	struct snap *s = snap_of(table);
	const uint64_t *t = fake_ram(table);
	uint64_t size = 1ull << (12 + 9 * (3 - level));
	bool fresh = s->gen != gen - 1; /* not reachable last time: a new table, nothing to compare */

	s->gen = gen;
	if (!fresh && !s->nawait && !memcmp(s->val, t, sizeof(s->val))) {
		/* Unchanged since the last call: only the tables below may have changed. */
		for (unsigned c = 0; c < s->nchild; c++)
			visit(t[s->child[c]] & 0xfffffffff000ull, level + 1, base + s->child[c] * size, call, ipa);
		return;
	}
	s->nawait = s->nchild = 0;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t eb = base + i * size, old = s->val[i], cur = t[i];
		if (fresh) {
			s->await[i] = 0;
		} else if ((old & 1) && (cur & 1) && old != cur) {
			violation("without a break", eb, level, old, cur);
		} else if ((old & 1) && !(cur & 1)) {
			s->await[i] = 1;
		} else if (!(old & 1) && (cur & 1) && s->await[i]) {
			violation("before a flush covering it", eb, level, old, cur);
			s->await[i] = 0;
		}
		s->val[i] = cur;
		if (call == FAKE_S2_FLUSH_VMID || (call == FAKE_S2_FLUSH_IPA && ipa - eb < size))
			s->await[i] = 0;
		s->nawait += s->await[i];
		if (level < 3 && (cur & 3) == 3) {
			s->child[s->nchild++] = (uint16_t)i;
			visit(cur & 0xfffffffff000ull, level + 1, eb, call, ipa);
		}
	}
}

static void hook(enum fake_s2_call call, uint16_t vmid, uint64_t ipa)
{
	if (call != FAKE_S2_PUBLISH && vmid != watched->vmid)
		call = FAKE_S2_PUBLISH; /* another VMID's flush does nothing for this one */
	gen++;
	if (!pa_addr(watched->root))
		return;
	unsigned level = watched->geo.start_level;
	for (unsigned p = 0; p < watched->geo.root_pages; p++)
		visit(pa_addr(watched->root) + p * 4096, level, (uint64_t)p * 512 << (12 + 9 * (3 - level)), call, ipa);
}

void bbm_watch_start(const struct p2m *p2m)
{
	watched = p2m;
	violations = 0;
	error[0] = 0;
	gen += 2;
	fake_s2_hook = hook;
	hook(FAKE_S2_PUBLISH, 0, 0); /* the first look: everything fresh */
}

void bbm_watch_stop(void) { fake_s2_hook = NULL; }

unsigned bbm_watch_violations(void) { return violations; }

const char *bbm_watch_error(void) { return error; }
