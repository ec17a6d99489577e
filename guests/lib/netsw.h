/* The network driver domain's learning switch: which ports (frontends, the uplink) a frame goes to,
 * from a table of source addresses seen on each port, with every frontend's own address pinned. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define NETSW_PORTS   16u /* port 0 is the uplink by the backend's convention; 1.. are vifs */
#define NETSW_ENTRIES 64u
#define ETH_ALEN      6u
#define ETH_HLEN      14u

struct netsw_entry {
	uint8_t mac[ETH_ALEN];
	uint8_t port;
	bool used, pinned; /* pinned: a frontend's configured address, never learned elsewhere */
	uint32_t seen;     /* the switch's clock when last used, to replace the stalest when full */
};

struct netsw {
	uint32_t up;   /* bitmask of ports that exist */
	uint32_t open; /* of those, ports brought up without an address: unknown hosts live behind them */
	uint32_t clock;
	struct netsw_entry e[NETSW_ENTRIES];
};

void netsw_init(struct netsw *s);

/* Port @port exists from now on; with @mac (non-NULL) that address is pinned to it, so another
 * port sending from it cannot draw its traffic away; without, the port is open (an uplink). -XEN_EINVAL for a port out
 * of range, or a multicast @mac; -XEN_EEXIST when @mac is pinned to another port. */
int netsw_port_up(struct netsw *s, unsigned port, const uint8_t *mac);
/* @mac belongs to @port, which is not up (a vif listed by the toolstack whose frontend has not
 * connected yet, or is reconnecting): no other port may take the address, and frames for it go
 * nowhere instead of out of the open ports as an unknown address would, so traffic between two
 * frontends never leaves on the uplink while one of them is away. Errors as netsw_port_up. */
int netsw_port_reserve(struct netsw *s, unsigned port, const uint8_t *mac);
/* The port is gone: nothing goes to it and every address learned or pinned on it is forgotten. */
void netsw_port_down(struct netsw *s, unsigned port);

/* The ports a frame from @in_port with Ethernet header @hdr (destination, then source) goes to, as
 * a bitmask: the destination's port when the table knows it (none if that is @in_port); for a
 * broadcast or multicast destination every port that is up but @in_port; for an unknown unicast
 * one only the open ports but @in_port, since every frontend's address is pinned: a frame for an
 * address no one has never reaches another frontend. The
 * source address is learned for @in_port unless it is multicast or pinned to another port. A frame
 * from a port that is not up goes nowhere. */
uint32_t netsw_route(struct netsw *s, unsigned in_port, const uint8_t hdr[ETH_HLEN]);

/* The port @mac was learned or pinned on, -XEN_ENOENT if unknown. */
int netsw_lookup(const struct netsw *s, const uint8_t mac[ETH_ALEN]);

/* "00:16:3e:00:00:01" (the form of a vif's "mac" key, either case) into @mac; false for anything
 * else. */
bool netsw_mac_parse(const char *str, uint8_t mac[ETH_ALEN]);

static inline bool netsw_multicast(const uint8_t *mac) { return mac[0] & 1u; }
