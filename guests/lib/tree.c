/* What a guest reads of its own device tree, shared by both worlds so every test and bench guest
 * does it one way: its command line (words of /chosen/bootargs, "name.n=1000") and its RAM. */
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

bool gl_ram_bank(const void *fdt, uint64_t *base, uint64_t *size)
{
	int node = fdt ? fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", sizeof("memory")) : -1;
	int len;
	const fdt32_t *reg = node < 0 ? NULL : fdt_getprop(fdt, node, "reg", &len);

	/* Both hypervisors write the root's two address and two size cells. */
	if (!reg || len < 16)
		return false;
	*base = (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
	*size = (uint64_t)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]);
	return true;
}
