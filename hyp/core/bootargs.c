#include "core/bootargs.h"

/* Finds @key as a whole word; returns the character after it ('=' or a separator), or NULL. */
static const char *find(const char *args, const char *key)
{
	size_t klen = __builtin_strlen(key);

	for (const char *p = args; p && *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t wlen = (size_t)(p - w);
		if (wlen >= klen && __builtin_memcmp(w, key, klen) == 0 && (wlen == klen || w[klen] == '='))
			return w + klen;
	}
	return NULL;
}

bool bootargs_has(const char *args, const char *key) { return find(args, key) != NULL; }

bool bootargs_get(const char *args, const char *key, char *val, size_t len)
{
	const char *v = find(args, key);
	size_t n = 0;

	if (!v)
		return false;
	if (*v == '=')
		v++;
	while (v[n] && v[n] != ' ' && v[n] != '\t')
		n++;
	if (len) {
		size_t c = n < len - 1 ? n : len - 1;
		__builtin_memcpy(val, v, c);
		val[c] = '\0';
	}
	return true;
}

static bool number(const char *s, uint64_t *val, const char **end)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*val = v;
	*end = s;
	return true;
}

bool bootargs_uint(const char *args, const char *key, uint64_t *val)
{
	char buf[24];
	const char *end;

	return bootargs_get(args, key, buf, sizeof(buf)) && number(buf, val, &end) && *end == '\0';
}

bool bootargs_size(const char *args, const char *key, uint64_t *bytes)
{
	char buf[24];
	const char *end;
	uint64_t v;
	unsigned shift = 0;

	if (!bootargs_get(args, key, buf, sizeof(buf)) || !number(buf, &v, &end))
		return false;
	switch (*end) {
	case 'K':
	case 'k':
		shift = 10;
		end++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		end++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		end++;
		break;
	default: break;
	}
	if (*end != '\0' || (shift && v > UINT64_MAX >> shift))
		return false;
	*bytes = v << shift;
	return true;
}
