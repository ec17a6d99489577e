/* xs.h's calls: each one request, its arguments NUL-separated as Xen's wire wants them. */
#include "lib/evtchn.h"
#include "lib/guest.h"
#include "lib/xs/client_int.h"
#include "lib/xs/errname.h"
#include "public/errno.h"
#include "public/hvm.h"

static size_t len0(const char *s) { return __builtin_strlen(s) + 1; }

static struct xs_client **slot(void) { return (struct xs_client **)gl_domain_local(GL_LOCAL_XS); }

static struct xs_client *client_new(void)
{
	uint64_t gva;
	struct xs_client *c = gl_alloc(sizeof(*c), &gva);
	*slot() = c;
	return c;
}

struct xs_client *xs_client_local(const struct xs_local *ops)
{
	struct xs_client *c = *slot() ? *slot() : client_new();
	c->local = ops;
	return c;
}

static uint64_t param(uint32_t index, long *rc)
{
	uint64_t gva;
	struct xen_hvm_param *p = gl_alloc(sizeof(*p), &gva); /* twice per domain: xs_open runs once */
	*p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = index };
	*rc = gl_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, gva, 0, 0, 0);
	return p->value;
}

struct xs_client *xs_open(const void *fdt)
{
	if (*slot())
		return *slot();
	long rc1, rc2;
	uint64_t pfn = param(HVM_PARAM_STORE_PFN, &rc1), port = param(HVM_PARAM_STORE_EVTCHN, &rc2);
	if (rc1 || rc2 || !pfn || !port) {
		gl_printf("xs: no xenstore: HVM_PARAM_STORE_PFN %#llx (rc %ld), STORE_EVTCHN %llu (rc %ld)\n",
			  (unsigned long long)pfn, rc1, (unsigned long long)port, rc2);
		return NULL;
	}
	int rc = gl_evtchn_init(fdt);
	if (rc) {
		gl_printf("xs: no event channels (%d)\n", rc);
		return NULL;
	}
	struct xs_client *c = client_new();
	uint64_t page = pfn << 12;
	c->page = page;
	c->port = (evtchn_port_t)port;
	c->req =
	    (struct ring_bytes){ page + XS_IF_REQ, XENSTORE_RING_SIZE, page + XS_IF_REQ_CONS, page + XS_IF_REQ_PROD };
	c->rsp =
	    (struct ring_bytes){ page + XS_IF_RSP, XENSTORE_RING_SIZE, page + XS_IF_RSP_CONS, page + XS_IF_RSP_PROD };
	return c;
}

/* A request whose arguments are @a (and @b, if any) with their NULs, and @tail without one. */
static int call(struct xs_client *c, uint32_t type, xs_tx_t tx, const char *a, const char *b, const char *tail,
		size_t tail_len)
{
	const void *parts[3];
	size_t lens[3];
	unsigned n = 0;
	if (a)
		parts[n] = a, lens[n++] = len0(a);
	if (b)
		parts[n] = b, lens[n++] = len0(b);
	if (tail)
		parts[n] = tail, lens[n++] = tail_len;
	return xs_request(c, type, tx, parts, lens, n);
}

/* Copies the reply's @len bytes out with a NUL after them. */
static int copy_out(struct xs_client *c, int len, char *buf, size_t size)
{
	if (len < 0)
		return len;
	if ((size_t)len >= size)
		return -XEN_E2BIG;
	__builtin_memcpy(buf, xs_reply(c), (size_t)len);
	buf[len] = '\0';
	return len;
}

static int ok(int rc) { return rc < 0 ? rc : 0; }

int xs_read(struct xs_client *c, xs_tx_t tx, const char *path, char *buf, size_t len)
{
	return copy_out(c, call(c, XS_READ, tx, path, NULL, NULL, 0), buf, len);
}

int xs_write(struct xs_client *c, xs_tx_t tx, const char *path, const char *val)
{
	return ok(call(c, XS_WRITE, tx, path, NULL, val, __builtin_strlen(val)));
}

int xs_mkdir(struct xs_client *c, xs_tx_t tx, const char *path)
{
	return ok(call(c, XS_MKDIR, tx, path, NULL, NULL, 0));
}

int xs_rm(struct xs_client *c, xs_tx_t tx, const char *path) { return ok(call(c, XS_RM, tx, path, NULL, NULL, 0)); }

int xs_directory(struct xs_client *c, xs_tx_t tx, const char *path, char *names, size_t len)
{
	int n = copy_out(c, call(c, XS_DIRECTORY, tx, path, NULL, NULL, 0), names, len);
	int count = 0;
	for (int i = 0; i < n; i++)
		count += names[i] == '\0';
	return n < 0 ? n : count;
}

int xs_get_perms(struct xs_client *c, xs_tx_t tx, const char *path, char *perms, size_t len)
{
	return copy_out(c, call(c, XS_GET_PERMS, tx, path, NULL, NULL, 0), perms, len);
}

int xs_set_perms(struct xs_client *c, xs_tx_t tx, const char *path, const char *perms, size_t len)
{
	return ok(call(c, XS_SET_PERMS, tx, path, NULL, perms, len));
}

int xs_watch(struct xs_client *c, const char *path, const char *token)
{
	return ok(call(c, XS_WATCH, 0, path, token, NULL, 0));
}

int xs_unwatch(struct xs_client *c, const char *path, const char *token)
{
	return ok(call(c, XS_UNWATCH, 0, path, token, NULL, 0));
}

int xs_tx_start(struct xs_client *c, xs_tx_t *tx)
{
	int n = call(c, XS_TRANSACTION_START, 0, "", NULL, NULL, 0);
	if (n < 0)
		return n;
	uint32_t id = 0;
	for (const char *p = xs_reply(c); p < xs_reply(c) + n && *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (uint32_t)(*p - '0');
	*tx = id;
	return id ? 0 : -XEN_EIO;
}

int xs_tx_end(struct xs_client *c, xs_tx_t tx, bool commit)
{
	return ok(call(c, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL, NULL, 0));
}

static const char *dec(uint64_t v, char *buf)
{
	xs_utoa(v, buf);
	return buf;
}

int xs_get_domain_path(struct xs_client *c, domid_t domid, char *buf, size_t len)
{
	char id[21];
	int n = copy_out(c, call(c, XS_GET_DOMAIN_PATH, 0, dec(domid, id), NULL, NULL, 0), buf, len);
	/* The reply carries its NUL: the path is what precedes it. */
	return n > 0 && buf[n - 1] == '\0' ? n - 1 : n;
}

int xs_introduce(struct xs_client *c, domid_t domid, uint64_t store_gfn, evtchn_port_t port)
{
	char id[21], gfn[21], p[21];
	dec(domid, id), dec(store_gfn, gfn), dec(port, p);
	const void *parts[] = { id, gfn, p };
	size_t lens[] = { len0(id), len0(gfn), len0(p) };
	return ok(xs_request(c, XS_INTRODUCE, 0, parts, lens, 3));
}

int xs_release(struct xs_client *c, domid_t domid)
{
	char id[21];
	return ok(call(c, XS_RELEASE, 0, dec(domid, id), NULL, NULL, 0));
}

bool xs_next_event(struct xs_client *c, char *path, size_t plen, char *token, size_t tlen, bool wait)
{
	if (!c)
		return false;
	for (;;) {
		if (xs_client_pump(c, NULL))
			c->broken = true; /* a reply nobody asked for */
		if (c->evq_len || !wait || c->broken)
			break;
		xs_client_idle(c);
	}
	if (c->evq_len == 0)
		return false;
	uint32_t len = (uint32_t)c->evq[0] | (uint32_t)c->evq[1] << 8;
	const char *body = (const char *)c->evq + 2, *tok = __builtin_memchr(body, '\0', len);
	const char *end = body + len;
	tok = tok ? tok + 1 : end;
	size_t pl = (size_t)(tok - body), tl = (size_t)(end - tok);
	/* Each cut to fit, always NUL-terminated. */
	for (size_t i = 0; plen && i < plen; i++)
		path[i] = i < pl && i + 1 < plen ? body[i] : '\0';
	for (size_t i = 0; tlen && i < tlen; i++)
		token[i] = i < tl && i + 1 < tlen ? tok[i] : '\0';
	c->evq_len -= len + 2;
	__builtin_memmove(c->evq, c->evq + len + 2, c->evq_len);
	return true;
}
