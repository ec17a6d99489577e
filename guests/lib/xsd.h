/* The xenstore daemon (xenstored) that runs in Dom0: the store, a connection per domain over its
 * ring, Dom0's own direct connection, domains found at start and released when they die. */
#pragma once

#include <stdbool.h>

/* Starts the daemon in this domain: the store with Xen's initial nodes, every existing domain found
 * (XEN_DOMCTL_getdomaininfo from domid 1 on, HVM_PARAM_STORE_PFN / STORE_EVTCHN of each) and
 * introduced (its ring mapped with GNTTABOP_map_grant_ref of its grant ref 1 in the /hypervisor
 * region, its store port bound), VIRQ_DOM_EXC bound. Returns 0 or -errno. After it, xs_open in
 * this domain gives the direct connection. */
int xsd_start(const void *fdt);

/* Serves every ring once: requests read, replies and watch events written, peers notified, dead
 * domains released. Returns how many requests it handled plus domains it released (a release
 * queues @releaseDomain for Dom0: its loop must look again before sleeping). */
unsigned xsd_poll(void);

/* The daemon's loop: gl_evtchn_wait then xsd_poll, until @stop() is true (NULL: forever). */
void xsd_run_loop(bool (*stop)(void));
