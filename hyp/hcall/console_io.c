/* console_io: guests' output lines on the hypervisor console, prefixed "(dN) " as Xen does.
 * Xen's debug builds let every domain write; reading the console is Dom0's alone. */
#include "core/console.h"
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

#define CHUNK 128

static void flush_line(struct domain *d)
{
	con_printf("(d%u) %.*s\n", d->id, (int)d->con_len, d->con_buf);
	d->con_len = 0;
}

/* A line longer than the buffer is printed in pieces: cut after its last space in the buffer's second
 * half, so no word is split where one can be kept whole. */
static void flush_full(struct domain *d)
{
	size_t cut = d->con_len;

	while (cut > d->con_len / 2 && d->con_buf[cut - 1] != ' ')
		cut--;
	if (cut <= d->con_len / 2) {
		flush_line(d);
		return;
	}
	size_t rest = d->con_len - cut;
	d->con_len = cut - 1;
	flush_line(d);
	__builtin_memmove(d->con_buf, d->con_buf + cut, rest);
	d->con_len = rest;
}

/* Control characters become '.', so a guest cannot drive the operator's terminal. */
static void put(struct domain *d, char c)
{
	if (c == '\n') {
		flush_line(d);
		return;
	}
	if (c == '\r')
		return;
	if ((unsigned char)c < 0x20 && c != '\t')
		c = '.';
	if (d->con_len == sizeof(d->con_buf))
		flush_full(d);
	d->con_buf[d->con_len++] = c;
}

static long write(struct vcpu *v, uint64_t count, uint64_t gva)
{
	struct domain *d = v->dom;
	char buf[CHUNK];

	while (count) {
		size_t n = count < CHUNK ? (size_t)count : CHUNK;
		if (copy_from_guest(&v->ctx, &d->p2m, buf, gva, n))
			return -XEN_EFAULT;
		spin_lock(&d->con_lock);
		for (size_t i = 0; i < n; i++)
			put(d, buf[i]);
		spin_unlock(&d->con_lock);
		count -= n;
		gva += n;
	}
	return 0;
}

long hcall_console_io(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)yield;
	switch (a[0]) {
	case CONSOLEIO_write: return write(v, a[1], a[2]);
	case CONSOLEIO_read:
		/* No input path exists yet; Dom0 gets an empty read, DomUs never may. */
		return v->dom->privileged ? 0 : -XEN_EPERM;
	default: return -XEN_ENOSYS;
	}
}
