/* The daemon's side of a domain's store page: requests taken from the req ring only as fast as
 * the engine accepts them, replies and events put on the rsp ring; a peer whose indices are out of
 * range breaks its own connection, flagged in the page's error field, and nobody else's. */
#pragma once

#include "lib/xs/xsd_core.h"

/* Moves what can move both ways for @c (its ring at c->ring). Returns true when anything moved (the
 * peer is to be notified); *@handled counts the requests handled. A broken ring marks c->broken. */
bool xsd_ring_serve(struct xsd *d, struct xsd_conn *c, unsigned *handled);
