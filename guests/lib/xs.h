/* The xenstore client every domain uses: Xen's wire protocol over the store ring (a DomU or driver
 * domain) or a direct connection to the daemon running in the same domain (Dom0). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/event_channel.h"
#include "public/xen.h"

struct xs_client;
typedef uint32_t xs_tx_t;
#define XS_TX_NONE 0

/* Every call below returns Xen's -errno on failure (the daemon's "ENOENT", "EACCES"... as
 * -XEN_ENOENT, -XEN_EACCES...; -XEN_EIO when the connection broke). Paths are absolute
 * ("/local/domain/1/name") or relative to the caller's home, /local/domain/<its domid>. */

/* The domain's client (one per domain: a second call returns the same one). DomU / driver domain:
 * the ring at HVM_PARAM_STORE_PFN, notified on HVM_PARAM_STORE_EVTCHN (gl_evtchn_init is called).
 * Dom0: the connection to the daemon xsd_start started in this domain. NULL (and a console line
 * saying why) when the parameters are missing or the daemon is not running. */
struct xs_client *xs_open(const void *fdt);

/* The node's value, NUL-terminated in @buf: its length, or -XEN_E2BIG when @len cannot hold it. */
int xs_read(struct xs_client *c, xs_tx_t tx, const char *path, char *buf, size_t len);
/* Creates the node (and missing parents) or replaces its value. */
int xs_write(struct xs_client *c, xs_tx_t tx, const char *path, const char *val);
int xs_mkdir(struct xs_client *c, xs_tx_t tx, const char *path);
/* Removes the node and everything below it (a missing node whose parent exists is not an error). */
int xs_rm(struct xs_client *c, xs_tx_t tx, const char *path);
/* The children's names, each NUL-terminated, one after another in @names: how many, or -errno
 * (-XEN_E2BIG when @len cannot hold them). */
int xs_directory(struct xs_client *c, xs_tx_t tx, const char *path, char *names, size_t len);
/* Xen's permission strings, each NUL-terminated ("b0\0r1\0"...): the first names the owner and the
 * access of everyone not listed ('n' none, 'r' read, 'w' write, 'b' both), the rest one domain's.
 * xs_get_perms returns the bytes written; xs_set_perms takes @len bytes of such strings. */
int xs_get_perms(struct xs_client *c, xs_tx_t tx, const char *path, char *perms, size_t len);
int xs_set_perms(struct xs_client *c, xs_tx_t tx, const char *path, const char *perms, size_t len);

/* Watches: an event (path, token) for the node and every change below it, and one at once on
 * registration, as Xen sends; "@introduceDomain" / "@releaseDomain" for domains coming and going. */
int xs_watch(struct xs_client *c, const char *path, const char *token);
int xs_unwatch(struct xs_client *c, const char *path, const char *token);
/* The next queued watch event: true with its path and token (NUL-terminated, cut to fit). With
 * @wait, blocks (gl_evtchn_wait) until one arrives; otherwise false at once when none is queued. */
bool xs_next_event(struct xs_client *c, char *path, size_t plen, char *token, size_t tlen, bool wait);

/* Transactions: every call given @tx sees the store as of xs_tx_start plus its own changes;
 * xs_tx_end(commit) applies them all or returns -XEN_EAGAIN (another change conflicted: retry). */
int xs_tx_start(struct xs_client *c, xs_tx_t *tx);
int xs_tx_end(struct xs_client *c, xs_tx_t tx, bool commit);

/* "/local/domain/<domid>" for @domid. */
int xs_get_domain_path(struct xs_client *c, domid_t domid, char *buf, size_t len);

/* The toolstack's (Dom0's) calls: the daemon maps @domid's ring (its grant ref 1, else @store_gfn
 * foreign-mapped), binds @port, and fires @introduceDomain; xs_release forgets the domain, its
 * watches and transactions, and fires @releaseDomain. */
int xs_introduce(struct xs_client *c, domid_t domid, uint64_t store_gfn, evtchn_port_t port);
int xs_release(struct xs_client *c, domid_t domid);
