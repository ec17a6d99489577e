/* Reference memory attributes for the property test: MAIR and stage-2 MemAttr decoded into fields,
 * combined per the ARM ARM's S2CombineS1MemAttrs, and encoded back to a MAIR byte at the very end. */
#include "mmu_ref_mem.h"

static bool bit(uint64_t x, unsigned n) { return (x >> n) & 1; }

static struct half half_from_mair(unsigned n)
{
	struct half h = { .hints = (int)(n & 3) };
	switch (n >> 2) {
	case 0: h.cache = n == 0 ? C_NC : C_WT, h.transient = n != 0; break; /* 0000 reserved: NC */
	case 1: h.cache = n == 4 ? C_NC : C_WB, h.transient = n != 4; break;
	case 2: h.cache = C_WT; break;
	default: h.cache = C_WB; break;
	}
	if (h.cache == C_NC)
		h.hints = 0, h.transient = false;
	return h;
}

struct mem ref_mem_from_mair(uint8_t byte, int sh)
{
	struct mem m = { .sh = sh };
	if ((byte >> 4) == 0) {
		m.device = true;
		m.devtype = (byte >> 2) & 3;
	} else {
		m.out = half_from_mair(byte >> 4);
		m.in = half_from_mair(byte & 15);
	}
	return m;
}

struct mem ref_mem_from_s2(unsigned memattr, int sh)
{
	static const int cache[4] = { C_NC, C_NC, C_WT, C_WB }; /* inner 00 is reserved: NC */
	struct mem m = { .sh = sh };
	if ((memattr >> 2) == 0) {
		m.device = true;
		m.devtype = memattr & 3;
	} else {
		m.out.cache = cache[memattr >> 2];
		m.in.cache = cache[memattr & 3];
	}
	return m;
}

struct mem ref_normal_nc(int sh)
{
	struct mem m = { .sh = sh };
	m.in.cache = m.out.cache = C_NC;
	return m;
}

static unsigned half_encode(struct half h)
{
	switch (h.cache) {
	case C_NC: return 4;
	case C_WT: return (h.transient ? 0u : 8u) + (unsigned)h.hints;
	default: return (h.transient ? 4u : 12u) + (unsigned)h.hints;
	}
}

uint8_t ref_mem_encode(struct mem m)
{
	if (m.device)
		return (uint8_t)(m.devtype << 2);
	return (uint8_t)(half_encode(m.out) << 4 | half_encode(m.in));
}

static struct half half_combine(struct half s1, struct half s2)
{
	struct half r = s1; /* hints and transience come from stage 1 */
	if (s1.cache == C_NC || s2.cache == C_NC)
		r.cache = C_NC;
	else if (s1.cache == C_WT || s2.cache == C_WT)
		r.cache = C_WT;
	else
		r.cache = C_WB;
	return r;
}

static int sh_combine(int a, int b)
{
	bool osh = a == 2 || b == 2, ish = a == 3 || b == 3;
	return osh ? 2 : ish ? 3 : 0;
}

struct mem ref_combine(struct mem s1, struct mem s2)
{
	struct mem r;
	if (s1.device && s2.device) {
		r = s1;
		r.devtype = s1.devtype < s2.devtype ? s1.devtype : s2.devtype;
	} else if (s1.device) {
		r = s1;
	} else if (s2.device) {
		r = s2;
	} else {
		r = s1;
		r.in = half_combine(s1.in, s2.in);
		r.out = half_combine(s1.out, s2.out);
	}
	r.sh = sh_combine(s1.sh, s2.sh);
	return r;
}

int ref_effective_sh(struct mem m)
{
	if (m.device || (m.in.cache == C_NC && m.out.cache == C_NC))
		return 2;
	return bit((uint64_t)m.sh, 1) ? m.sh : 0;
}

struct mem ref_s1_off_mem(uint64_t sctlr, unsigned type)
{
	if (type != MMU_FETCH) {
		struct mem d = { .device = true, .devtype = 0, .sh = 2 };
		return d;
	}
	struct mem n = ref_normal_nc(2);
	if (bit(sctlr, 12)) {
		struct half wt = { .cache = C_WT, .hints = 2, .transient = false };
		n.in = n.out = wt;
	}
	return n;
}
