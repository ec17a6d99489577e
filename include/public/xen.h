/* Core numbers of Xen's public guest ABI on arm64 (xen.h): hypercall numbers and domain IDs.
 * Written from the documented values; layouts live beside the subsystem headers that use them. */
#pragma once

#include <stdint.h>

typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED 0x7ff0u
#define DOMID_SELF           0x7ff0u
#define DOMID_IO             0x7ff1u
#define DOMID_XEN            0x7ff2u
#define DOMID_COW            0x7ff3u
#define DOMID_INVALID        0x7ff4u
#define DOMID_IDLE           0x7fffu

/* hvc #XEN_HYPERCALL_TAG; op in x16, arguments in x0-x4, result in x0. */
#define XEN_HYPERCALL_TAG 0xea1u

#define __HYPERVISOR_memory_op        12
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io       18
#define __HYPERVISOR_grant_table_op   20
#define __HYPERVISOR_vcpu_op          24
#define __HYPERVISOR_sched_op         29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op       33
#define __HYPERVISOR_hvm_op           34
#define __HYPERVISOR_sysctl           35
#define __HYPERVISOR_domctl           36

/* console_io */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* sched_op */
#define SCHEDOP_yield           0
#define SCHEDOP_block           1
#define SCHEDOP_shutdown        2
#define SCHEDOP_poll            3
#define SCHEDOP_remote_shutdown 4

/* struct sched_shutdown { unsigned int reason; } reasons: */
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5

/* The toolstack's domctl structures live in their own header. */
#include "public/domctl.h"
