/* The hypervisor command line (/chosen xen,xen-bootargs, else bootargs): space-separated
 * `key` and `key=value` words, as Xen's are. */
#pragma once

#include "hal/types.h"

/* True if @key appears as a word, bare or with a value. */
bool bootargs_has(const char *args, const char *key);

/* Copies @key's value into @val (NUL-terminated, truncated to @len). Returns false if absent. */
bool bootargs_get(const char *args, const char *key, char *val, size_t len);

/* @key's value as a size: digits with an optional K, M or G suffix (Xen's dom0_mem=512M form).
 * False if absent or not of that form. */
bool bootargs_size(const char *args, const char *key, uint64_t *bytes);

/* @key's value as a decimal number. False if absent or not a number. */
bool bootargs_uint(const char *args, const char *key, uint64_t *val);
