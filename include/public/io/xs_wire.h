/* The xenstore wire protocol as Xen's public ABI defines it (io/xs_wire.h): message types, the
 * message header, error names, and the shared page a domain's store ring lives in. */
#pragma once

#include <stdint.h>

enum xsd_sockmsg_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_TYPE_COUNT,
	XS_INVALID = 0xffff,
};

/* Every message: this header, then len bytes of payload. */
struct xsd_sockmsg {
	uint32_t type;   /* XS_* */
	uint32_t req_id; /* echoed in the reply */
	uint32_t tx_id;  /* 0: no transaction */
	uint32_t len;
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg layout");

#define XENSTORE_PAYLOAD_MAX  4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* The store page: a request ring the guest produces, a response ring the daemon produces. */
#define XENSTORE_RING_SIZE     1024
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
typedef uint32_t XENSTORE_RING_IDX;

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];
	char rsp[XENSTORE_RING_SIZE];
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;
	uint32_t error;
};
_Static_assert(sizeof(struct xenstore_domain_interface) == 2076, "xenstore_domain_interface layout");

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR        2
#define XENSTORE_CONNECTED                   0
#define XENSTORE_RECONNECT                   1
#define XENSTORE_ERROR_NONE                  0
#define XENSTORE_ERROR_COMM                  1
#define XENSTORE_ERROR_RINGIDX               2
#define XENSTORE_ERROR_PROTO                 3

/* Offsets of the interface's fields, for code that reaches the page only by guest address. */
#define XS_IF_REQ             0
#define XS_IF_RSP             1024
#define XS_IF_REQ_CONS        2048
#define XS_IF_REQ_PROD        2052
#define XS_IF_RSP_CONS        2056
#define XS_IF_RSP_PROD        2060
#define XS_IF_SERVER_FEATURES 2064
#define XS_IF_CONNECTION      2068
#define XS_IF_ERROR           2072
