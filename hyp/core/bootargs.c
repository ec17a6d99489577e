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
