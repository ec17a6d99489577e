/* A small table searched linearly: a driver domain switches between a handful of frontends and one
 * uplink, so 64 entries are plenty and a hash would only add code. */
#include "lib/netsw.h"

#include <string.h>

#include "public/errno.h"

void netsw_init(struct netsw *s) { *s = (struct netsw){ 0 }; }

static int index_of(const struct netsw *s, const uint8_t *mac)
{
	for (unsigned i = 0; i < NETSW_ENTRIES; i++)
		if (s->e[i].used && !memcmp(s->e[i].mac, mac, ETH_ALEN))
			return (int)i;
	return -XEN_ENOENT;
}

static struct netsw_entry *find(struct netsw *s, const uint8_t *mac)
{
	int i = index_of(s, mac);
	return i < 0 ? NULL : &s->e[i];
}

int netsw_lookup(const struct netsw *s, const uint8_t mac[ETH_ALEN])
{
	int i = index_of(s, mac);
	return i < 0 ? i : s->e[i].port;
}

/* A free entry, else the stalest learned one: pinned entries are never evicted. NULL when every
 * entry is pinned. */
static struct netsw_entry *slot(struct netsw *s)
{
	struct netsw_entry *old = NULL;

	for (unsigned i = 0; i < NETSW_ENTRIES; i++) {
		struct netsw_entry *e = &s->e[i];
		if (!e->used)
			return e;
		if (!e->pinned && (!old || (uint32_t)(s->clock - e->seen) > (uint32_t)(s->clock - old->seen)))
			old = e;
	}
	return old;
}

static void learn(struct netsw *s, unsigned port, const uint8_t *mac, bool pin)
{
	struct netsw_entry *e = find(s, mac);

	if (e && e->pinned && e->port != port)
		return;
	if (!e && !(e = slot(s)))
		return;
	memcpy(e->mac, mac, ETH_ALEN);
	e->port = (uint8_t)port;
	e->used = true;
	e->pinned |= pin;
	e->seen = s->clock;
}

static int pin(struct netsw *s, unsigned port, const uint8_t *mac)
{
	struct netsw_entry *e = find(s, mac);
	if (e && e->pinned && e->port != port)
		return -XEN_EEXIST;
	if (e)
		e->used = false; /* learned elsewhere before the owner came: the owner wins */
	s->clock++;
	learn(s, port, mac, true);
	return netsw_lookup(s, mac) == (int)port ? 0 : -XEN_ENOSPC;
}

int netsw_port_reserve(struct netsw *s, unsigned port, const uint8_t *mac)
{
	if (port >= NETSW_PORTS || !mac || netsw_multicast(mac))
		return -XEN_EINVAL;
	return pin(s, port, mac);
}

int netsw_port_up(struct netsw *s, unsigned port, const uint8_t *mac)
{
	if (port >= NETSW_PORTS || (mac && netsw_multicast(mac)))
		return -XEN_EINVAL;
	int rc = mac ? pin(s, port, mac) : 0;
	if (rc)
		return rc;
	s->up |= 1u << port;
	if (!mac)
		s->open |= 1u << port;
	return 0;
}

void netsw_port_down(struct netsw *s, unsigned port)
{
	if (port >= NETSW_PORTS)
		return;
	s->up &= ~(1u << port);
	s->open &= ~(1u << port);
	for (unsigned i = 0; i < NETSW_ENTRIES; i++)
		if (s->e[i].used && s->e[i].port == port)
			s->e[i] = (struct netsw_entry){ 0 };
}

uint32_t netsw_route(struct netsw *s, unsigned in_port, const uint8_t hdr[ETH_HLEN])
{
	const uint8_t *dst = hdr, *src = hdr + ETH_ALEN;

	if (in_port >= NETSW_PORTS || !(s->up & (1u << in_port)))
		return 0;
	s->clock++;
	if (!netsw_multicast(src))
		learn(s, in_port, src, false);
	if (netsw_multicast(dst))
		return s->up & ~(1u << in_port);
	struct netsw_entry *e = find(s, dst);
	if (!e)
		return s->up & s->open & ~(1u << in_port);
	e->seen = s->clock;
	return e->port == in_port ? 0 : (1u << e->port) & s->up;
}

static unsigned hex(char c)
{
	return c >= '0' && c <= '9'   ? (unsigned)(c - '0')
	       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
	       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				      : 16u;
}

bool netsw_mac_parse(const char *str, uint8_t mac[ETH_ALEN])
{
	for (unsigned i = 0; i < ETH_ALEN; i++, str += 3) {
		unsigned hi = hex(str[0]), lo = hi < 16 ? hex(str[1]) : 16u;
		if (lo > 15 || str[2] != (i == ETH_ALEN - 1 ? '\0' : ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}
