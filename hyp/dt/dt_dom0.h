/* Dom0's device tree: the host's, minus what the hypervisor keeps, with Dom0's memory, vCPUs,
 * virtual GIC, PSCI, /chosen and the Xen hypervisor node written in (libfdt, sequential writes). */
#pragma once

#include "dt/dt_dev.h"
#include "dt/dt_guest.h"

/* Writes Dom0's tree into @buf from the host tree @host, its devices @devs (dt_dev_scan, claims
 * made) and what Dom0 was given @g (1:1 banks, vCPUs, bootargs, initrd, GIC frames, grant region).
 * Returns the tree's size, -XEN_ENOSPC if @size is too small, -XEN_EINVAL for a host tree or
 * description we cannot write (root cells other than 1 or 2, no GIC, too many vCPUs). */
int dt_dom0_build(void *buf, size_t size, const void *host, const struct dt_devices *devs, const struct dt_guest *g);
