#include <libfdt.h>
#include <stdarg.h>

#include "core/format.h"
#include "dt/dt_node.h"
#include "public/errno.h"

const char *dt_path(const void *fdt, int node, char *buf, int len)
{
	if (fdt_get_path(fdt, node, buf, len) < 0)
		fmt_snprintf(buf, (size_t)len, "<node at offset %d>", node);
	return buf;
}

int dt_fail(struct dt_error *err, const void *fdt, int node, int rc, const char *fmt, ...)
{
	char path[PLAT_PATH_MAX];
	size_t used = 0;
	va_list ap;

	if (node >= 0)
		used = (size_t)fmt_snprintf(err->msg, sizeof(err->msg), "%s: ", dt_path(fdt, node, path, sizeof(path)));
	if (used < sizeof(err->msg)) {
		va_start(ap, fmt);
		fmt_vsnprintf(err->msg + used, sizeof(err->msg) - used, fmt, ap);
		va_end(ap);
	}
	return rc;
}

bool dt_prop_is(const void *fdt, int node, const char *prop, const char *want)
{
	int len;
	const char *val = fdt_getprop(fdt, node, prop, &len);

	return val && len == (int)strlen(want) + 1 && memcmp(val, want, (size_t)len) == 0;
}

bool dt_enabled(const void *fdt, int node)
{
	return !dt_has(fdt, node, "status") || dt_prop_is(fdt, node, "status", "okay") ||
	       dt_prop_is(fdt, node, "status", "ok");
}

bool dt_has(const void *fdt, int node, const char *prop) { return fdt_getprop(fdt, node, prop, NULL) != NULL; }

int dt_string(const void *fdt, int node, const char *prop, const char **out, struct dt_error *err)
{
	int len;
	const char *s = fdt_getprop(fdt, node, prop, &len);

	if (!s)
		return dt_fail(err, fdt, node, -XEN_ENOENT, "no %s property", prop);
	if (len < 1 || s[len - 1] != '\0')
		return dt_fail(err, fdt, node, -XEN_EINVAL, "%s is not a NUL-terminated string", prop);
	*out = s;
	return 0;
}

int dt_lookup(const void *fdt, const char *path, int len, struct dt_error *err)
{
	if (len <= 0)
		return dt_fail(err, fdt, -1, -XEN_ENOENT, "empty device-tree path");
	/* libfdt 1.6.1 follows an alias without checking it: a relative value recurses until the stack
	 * overflows and an unterminated one is read past its end. Vet it before libfdt resolves it. */
	if (path[0] != '/') {
		const char *slash = memchr(path, '/', (size_t)len);
		int name_len = slash ? (int)(slash - path) : len;
		int aliases = fdt_path_offset(fdt, "/aliases");
		int tlen = 0;
		const char *target = aliases < 0 ? NULL : fdt_getprop_namelen(fdt, aliases, path, name_len, &tlen);

		if (!target)
			return dt_fail(err, fdt, -1, -XEN_ENOENT, "no alias '%.*s' for '%.*s'", name_len, path, len,
				       path);
		if (tlen < 2 || target[tlen - 1] != '\0' || target[0] != '/')
			return dt_fail(err, fdt, aliases, -XEN_EINVAL, "alias '%.*s' is not an absolute path", name_len,
				       path);
	}
	int node = fdt_path_offset_namelen(fdt, path, len);
	if (node < 0)
		return dt_fail(err, fdt, -1, -XEN_ENOENT, "'%.*s' names no node", len, path);
	return node;
}

bool dt_streq(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && memcmp(a, b, n) == 0;
}

/* Every property's length within the structure block. libfdt 1.6.1's own walk adds a property's
 * length to an int offset, so a length near 4 GiB wraps it backwards and fdt_check_full loops.
 * (The fuzz harness's finding, fuzz/findings/dt.) */
static bool props_fit(const void *fdt)
{
	const uint8_t *s = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	uint32_t size = fdt_version(fdt) >= 17 ? fdt_size_dt_struct(fdt) : fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);

	for (uint32_t off = 0; size - off >= FDT_TAGSIZE;) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(s + off));
		off += FDT_TAGSIZE;
		if (tag == FDT_END)
			return true;
		if (tag == FDT_BEGIN_NODE) {
			const uint8_t *end = memchr(s + off, '\0', size - off);
			if (!end)
				return false;
			off = ((uint32_t)(end - s) + 1 + 3u) & ~3u;
		} else if (tag == FDT_PROP) {
			if (size - off < 8 || fdt32_ld((const fdt32_t *)(s + off)) > size - off - 8)
				return false;
			off = (off + 8 + fdt32_ld((const fdt32_t *)(s + off)) + 3u) & ~3u;
		} else if (tag != FDT_END_NODE && tag != FDT_NOP) {
			return false;
		}
		if (off > size)
			return false;
	}
	return false;
}

int dt_check(const void *fdt, uint32_t max, struct dt_error *err)
{
	int rc = fdt_check_header(fdt);

	if (rc)
		return dt_fail(err, fdt, -1, -XEN_EINVAL, "not a flattened device tree: %s", fdt_strerror(rc));
	/* Before version 16 a node's name is its full path, and fdt_check_full (libfdt 1.6.1) reads
	 * the root's through a NULL pointer when it is not one; dtc and QEMU write version 17. */
	if (fdt_version(fdt) < 16)
		return dt_fail(err, fdt, -1, -XEN_EINVAL, "device tree version %u, 16 or later required",
			       fdt_version(fdt));
	if (fdt_totalsize(fdt) > max)
		return dt_fail(err, fdt, -1, -XEN_E2BIG, "device tree is %u bytes, more than the %u we map",
			       fdt_totalsize(fdt), max);
	if (!props_fit(fdt))
		return dt_fail(err, fdt, -1, -XEN_EINVAL,
			       "corrupt device tree: a property overruns the structure block");
	/* One full structural check up front keeps every later libfdt walk inside the blob. */
	rc = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (rc)
		return dt_fail(err, fdt, -1, -XEN_EINVAL, "corrupt device tree: %s", fdt_strerror(rc));
	return 0;
}
