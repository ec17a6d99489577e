/* The guest's own command line: words of /chosen/bootargs in its device tree, shared by both worlds
 * so every test and bench guest reads its options ("name.n=1000") the same way. */
#include <libfdt.h>

#include "lib/guest.h"

const char *gl_bootarg(const void *fdt, const char *key)
{
	int chosen = fdt ? fdt_path_offset(fdt, "/chosen") : -1;
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;

	for (const char *p = args; p && *p; p++) {
		if (p != args && p[-1] != ' ')
			continue;
		size_t i = 0;
		while (key[i] && p[i] == key[i])
			i++;
		if (!key[i])
			return p + i;
	}
	return NULL;
}

uint64_t gl_bootarg_u64(const void *fdt, const char *key, uint64_t absent)
{
	const char *p = gl_bootarg(fdt, key);
	uint64_t n = 0;

	if (!p)
		return absent;
	for (; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	return n;
}
