/* The xenstore wire's error names and decimal numbers. */
#include "lib/xs/errname.h"

#include "public/errno.h"

static const struct {
	int err;
	char name[8];
} names[] = {
	{ XEN_EINVAL, "EINVAL" }, { XEN_EACCES, "EACCES" }, { XEN_EEXIST, "EEXIST" }, { XEN_ENOENT, "ENOENT" },
	{ XEN_ENOMEM, "ENOMEM" }, { XEN_ENOSPC, "ENOSPC" }, { XEN_EIO, "EIO" },       { XEN_ENOSYS, "ENOSYS" },
	{ XEN_EBUSY, "EBUSY" },   { XEN_EAGAIN, "EAGAIN" }, { XEN_E2BIG, "E2BIG" },   { XEN_EPERM, "EPERM" },
};

#define N (sizeof(names) / sizeof(names[0]))

const char *xs_errname(int err)
{
	for (unsigned i = 0; i < N; i++)
		if (names[i].err == -err)
			return names[i].name;
	return "EIO";
}

int xs_errno(const char *p, size_t len)
{
	for (unsigned i = 0; i < N; i++) {
		size_t k = 0;
		while (k < len && names[i].name[k] && p[k] == names[i].name[k])
			k++;
		if (!names[i].name[k] && (k == len || !p[k]))
			return -names[i].err;
	}
	return -XEN_EIO;
}

size_t xs_utoa(uint64_t v, char *buf)
{
	char d[20];
	size_t n = 0, len = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		buf[len++] = d[--n];
	buf[len] = '\0';
	return len;
}
