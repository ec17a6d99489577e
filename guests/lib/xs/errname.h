/* Xen's error names on the xenstore wire ("ENOENT"...), both ways: the daemon sends them in
 * XS_ERROR, the client turns them back into Xen's errno. */
#pragma once

#include <stddef.h>

/* The name of -@err (a negative Xen errno); "EIO" for one the protocol has no name for. */
const char *xs_errname(int err);
/* The negative errno XS_ERROR's payload @p (@len bytes, NUL-terminated or not) names; -XEN_EIO for
 * a name it does not know. */
int xs_errno(const char *p, size_t len);
