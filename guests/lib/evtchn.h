/* Event channels from inside a guest, in either world: shared_info mapped, the upcall PPI taken
 * (or polled), per-port callbacks run for the 2-level pending bits, and the EVTCHNOP calls. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "public/event_channel.h"
#include "public/xen.h"

/* Prefixed gl_evtchn_: the sim links guests with the hypervisor, whose evtchn_* these would clash
 * with. */

/* A port's callback, run by gl_evtchn_poll/gl_evtchn_wait (never from the IRQ vector itself, so it may
 * make hypercalls and use the xenstore client freely). */
typedef void (*evtchn_cb)(evtchn_port_t port, void *arg);

/* The ports a domain may hand callbacks (Dom0's daemon holds one per domain). */
#define EVTCHN_MAX_HANDLED 128u

/* Maps this domain's shared_info at the top of the lower half of the /hypervisor node's region
 * (add_to_physmap), finds the upcall PPI in that node (else 31) and enables it at the GIC
 * (gl_gic_init is called unless the program already did: a program that sets the GIC up itself
 * does it first, since gl_gic_init disables every PPI). Idempotent: every module calls it; the
 * state is the domain's (several domains share the sim's process). Returns 0 or -errno. */
int gl_evtchn_init(const void *fdt);

/* The EVTCHNOP calls; each returns 0 or Xen's -errno, the new local port in *@port. */
int gl_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int gl_evtchn_alloc_unbound_for(domid_t dom, domid_t remote, evtchn_port_t *port); /* privileged */
int gl_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port);
int gl_evtchn_bind_virq(uint32_t virq, evtchn_port_t *port);
int gl_evtchn_notify(evtchn_port_t port);
int gl_evtchn_close(evtchn_port_t port); /* also drops its callback */

/* @cb(@port, @arg) runs for each event on @port from now on (NULL removes it); the port is unmasked.
 * -EINVAL for a port beyond EVTCHN_MAX_HANDLED. */
int gl_evtchn_set_handler(evtchn_port_t port, evtchn_cb cb, void *arg);

/* Takes every pending unmasked port (clearing its bit) and runs its callback; a pending port with
 * no callback is remembered for gl_evtchn_take. Returns how many events were taken. */
unsigned gl_evtchn_poll(void);

/* True (and cleared) if @port had an event since the last call, whether or not it has a callback;
 * polls first. For simple loops that wait on one port without a callback. */
bool gl_evtchn_take(evtchn_port_t port);

/* Blocks until at least one event is taken (gl_evtchn_poll returns non-zero) or @max_sleeps sleeps
 * have passed (0: no limit). A sleep is a WFI with IRQs masked until an interrupt is pending, which
 * is then acknowledged and ended at the GIC (so a program that takes interrupts itself should not
 * call this with IRQs unmasked); without a GIC, a yield. Returns the events taken. */
unsigned gl_evtchn_wait(unsigned max_sleeps);
