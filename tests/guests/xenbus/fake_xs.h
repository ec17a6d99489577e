/* A fake xenstore behind lib/xs.h for the xenbus tests: flat nodes with values and perms,
 * transactions as snapshots, commits that can be made to conflict. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/xs.h"

struct xs_client *fake_xs_reset(void);
/* The node's value (NULL when missing) and its perms bytes (*@len of them). */
const char *fake_xs_value(const char *path);
const char *fake_xs_perms(const char *path, size_t *len);
/* The next @n commits answer -XEN_EAGAIN and drop the transaction's changes. */
void fake_xs_conflicts(unsigned n);
