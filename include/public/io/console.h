/* The PV console page of Xen's io/console.h: two byte rings, "in" (backend to guest) and "out"
 * (guest to backend), with free-running 32-bit indices masked by each ring's size. */
#pragma once

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define XENCONS_IN_SIZE  1024u
#define XENCONS_OUT_SIZE 2048u

struct xencons_interface {
	char in[XENCONS_IN_SIZE];
	char out[XENCONS_OUT_SIZE];
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
};
_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons_interface layout");

#define XENCONS_OFF_IN       0u
#define XENCONS_OFF_OUT      1024u
#define XENCONS_OFF_IN_CONS  3072u
#define XENCONS_OFF_IN_PROD  3076u
#define XENCONS_OFF_OUT_CONS 3080u
#define XENCONS_OFF_OUT_PROD 3084u
