/* The xenstore wire's words shared by the daemon and the client: Xen's error names ("ENOENT"...)
 * both ways, and the decimal numbers that carry domids, ports and transaction ids. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The name of -@err (a negative Xen errno); "EIO" for one the protocol has no name for. */
const char *xs_errname(int err);
/* The negative errno XS_ERROR's payload @p (@len bytes, NUL-terminated or not) names; -XEN_EIO for
 * a name it does not know. */
int xs_errno(const char *p, size_t len);

/* @v in decimal, NUL-terminated, into @buf (at least 21 bytes): the digits' count. */
size_t xs_utoa(uint64_t v, char *buf);
