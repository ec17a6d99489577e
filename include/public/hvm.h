/* hvm_op (hypercall 34) as arm64 guests use it: per-domain parameters (hvm/hvm_op.h, params.h). */
#pragma once

#include "public/xen.h"

#define HVMOP_set_param 0
#define HVMOP_get_param 1

struct xen_hvm_param {
	domid_t domid; /* IN */
	uint16_t pad;
	uint32_t index; /* IN */
	uint64_t value; /* IN/OUT */
};

_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param layout");

#define HVM_PARAM_CALLBACK_IRQ 0
/* CALLBACK_IRQ's value on arm: type PPI in bits 63:56, flags in 15:8, the interrupt in 7:0. */
#define HVM_PARAM_CALLBACK_TYPE_PPI                2ull
#define HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL 2ull
#define HVM_PARAM_STORE_PFN                        1
#define HVM_PARAM_STORE_EVTCHN                     2
#define HVM_PARAM_CONSOLE_PFN                      17
#define HVM_PARAM_CONSOLE_EVTCHN                   18
#define HVM_NR_PARAMS                              39
