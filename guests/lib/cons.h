/* The PV console: a DomU writes its console through the xencons page's "out" ring (frontend), and
 * Dom0 reads every DomU's ring through its seeded grant and prints what arrives as "[dN] line"
 * (backend). The "in" ring (input to the guest) is not used. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/gnttab.h"
#include "lib/ring.h"
#include "public/event_channel.h"
#include "public/xen.h"

/* Frontend. Finds the page and port in the domain's HVM params (CONSOLE_PFN, CONSOLE_EVTCHN) and
 * calls gl_evtchn_init. Idempotent. 0 or -errno. */
int cons_front_init(const void *fdt);
/* Puts all @len bytes on the ring, notifying the backend; while the ring is full it yields and
 * waits for room, so nothing is dropped. 0, or -XEN_EIO when the ring's indices are broken (then
 * nothing more is written), -XEN_EINVAL before init. */
int cons_front_write(const char *s, size_t len);
/* The same on any console page's out ring @out, notifying @port; *@waits counts the waits. */
int cons_ring_write(const struct ring_bytes *out, evtchn_port_t port, const char *s, size_t len, uint64_t *waits);
/* The out ring of the console page at guest address @page. */
struct ring_bytes cons_out_ring(uint64_t page);
/* printf to the PV console (lines up to 255 bytes, as gl_printf). */
void cons_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Waits until the backend has read everything written (before shutting down, say). 0 or -errno. */
int cons_front_flush(void);
/* How often cons_front_write found the ring full and had to wait. */
uint64_t cons_front_waits(void);

/* HVM param @index of domain @dom (DOMID_SELF, or any domain for Dom0): 0 and *@v, or -errno. */
int cons_param(domid_t dom, uint32_t index, uint64_t *v);

/* Backend: one DomU's console. */
#define CONS_LINE 128u /* longer lines are printed in pieces of CONS_LINE - 1 bytes */

struct cons_back {
	domid_t dom;
	bool connected;
	bool broken; /* the DomU's indices went out of range: disconnected, said once */
	struct gnttab_mapping map;
	evtchn_port_t port; /* Dom0's end of the DomU's CONSOLE_EVTCHN */
	struct ring_bytes out;
	char line[CONS_LINE];
	unsigned len;
	uint64_t bytes, lines;
	/* Called with each complete line (NUL-terminated, without the newline) after it is printed. */
	void (*on_line)(void *ctx, domid_t dom, const char *line);
	void *ctx;
};

/* Maps @dom's console page, its grant @ref (calls gnttab_init/gl_evtchn_init with @fdt), and binds
 * its port @remote_port: a console the DomU set up itself (a xenbus "console" device). 0 or -errno
 * (nothing held then). */
int cons_back_connect(struct cons_back *b, const void *fdt, domid_t dom, grant_ref_t ref, evtchn_port_t remote_port);
/* The boot console the toolstack made: grant GNTTAB_RESERVED_CONSOLE and the CONSOLE_EVTCHN of @dom's
 * HVM params. */
int cons_back_attach(struct cons_back *b, const void *fdt, domid_t dom);
/* Reads what the DomU wrote, prints each complete line as "[dN] line", and notifies it of the room
 * made. The bytes consumed; -XEN_EIO once the ring is broken (detached then); -XEN_EINVAL when
 * not attached. */
int cons_back_poll(struct cons_back *b);
/* Unmaps and unbinds (a partial line is printed first). */
void cons_back_detach(struct cons_back *b);
