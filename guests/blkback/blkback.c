/* The block driver domain: owns the RAM disk its device tree describes (a "halcyon,ramdisk" node
 * under /passthrough, given to it by dom0less passthrough or by the toolstack's iomem) and serves
 * every frontend the toolstack lists under its backend/vbd directory in the xenstore, as Linux's
 * xen-blkback does: InitWait with the disk's size, the frontend's ring mapped and its port bound on
 * Initialised, Connected, requests served until the frontend closes. Shuts down once every frontend
 * it served has closed. */
#include <libfdt.h>
#include <string.h>

#include "core/format.h"
#include "lib/blkback.h"
#include "lib/evtchn.h"
#include "lib/gnttab.h"
#include "lib/guest.h"
#include "lib/ring.h"
#include "lib/xenbus.h"
#include "lib/xs.h"
#include "public/errno.h"

#define MAX_VBDS 4
#define PAGE     4096u

struct vbd {
	bool used, connected, closed;
	domid_t fe;
	unsigned dev;
	char path[XENBUS_PATH], fe_path[XENBUS_PATH];
	struct gnttab_mapping ring_map;
	struct ring_back ring;
	evtchn_port_t port;
	struct blkback_stats st;
};

/* The domain's state. Statics, since the sim links one copy of this program per build: a driver
 * domain started again (the restart scenario) begins by clearing them. */
static struct {
	struct xs_client *xs;
	uint64_t disk, disk_size; /* the RAM disk: guest address and bytes */
	uint64_t bounce;          /* BLKBACK_BOUNCE_SIZE bytes of our RAM */
	struct blkback_io io;
	struct vbd vbd[MAX_VBDS];
	unsigned served;
} b;

static int disk_read(void *ctx, uint64_t sector, size_t boff, unsigned nsect)
{
	uint64_t buf[64];

	(void)ctx;
	for (unsigned s = 0; s < nsect; s++) {
		for (unsigned i = 0; i < 64; i++)
			buf[i] = gl_read64(b.disk + (sector + s) * BLKIF_SECTOR_SIZE + 8 * i);
		gl_copy_to(b.bounce + boff + s * BLKIF_SECTOR_SIZE, buf, sizeof(buf));
	}
	return 0;
}

static int disk_write(void *ctx, uint64_t sector, size_t boff, unsigned nsect)
{
	uint64_t buf[64];

	(void)ctx;
	for (unsigned s = 0; s < nsect; s++) {
		gl_copy_from(b.bounce + boff + s * BLKIF_SECTOR_SIZE, buf, sizeof(buf));
		for (unsigned i = 0; i < 64; i++)
			gl_write64(b.disk + (sector + s) * BLKIF_SECTOR_SIZE + 8 * i, buf[i]);
	}
	return 0;
}

static int grant_copy(void *ctx, grant_ref_t gref, unsigned off, size_t boff, unsigned len, bool to_guest)
{
	const struct vbd *v = ctx;
	return gnttab_copy(v->fe, gref, off, b.bounce + boff, len, to_guest);
}

/* The disk: the first "halcyon,ramdisk" node's reg, in the guest's address space. */
static int find_disk(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "halcyon,ramdisk"), len;
	const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	int ac = node >= 0 ? fdt_address_cells(fdt, fdt_parent_offset(fdt, node)) : 0;
	int sc = node >= 0 ? fdt_size_cells(fdt, fdt_parent_offset(fdt, node)) : 0;

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 4 * (ac + sc))
		return -XEN_ENODEV;
	b.disk = ac == 2 ? (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]) : fdt32_to_cpu(reg[0]);
	reg += ac;
	b.disk_size = sc == 2 ? (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]) : fdt32_to_cpu(reg[0]);
	return 0;
}

/* The main loop serves every connected ring after each wait: the event only has to end the wait. */
static void kick(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
}

static void disconnect(struct vbd *v)
{
	if (!v->connected)
		return;
	gl_evtchn_close(v->port);
	gnttab_unmap(&v->ring_map);
	v->connected = false;
	gl_printf("blkback: d%u vbd %u disconnected after %llu reads, %llu writes, %llu bad requests, %llu failed\n",
		  v->fe, v->dev, (unsigned long long)v->st.reads, (unsigned long long)v->st.writes,
		  (unsigned long long)v->st.bad_requests, (unsigned long long)v->st.io_errors);
}

/* The frontend is Initialised: map its ring, bind its port, say Connected. */
static int connect(struct vbd *v)
{
	uint64_t ref, port;
	int rc = xenbus_read_u64(b.xs, v->fe_path, "ring-ref", &ref);

	rc = rc ?: xenbus_read_u64(b.xs, v->fe_path, "event-channel", &port);
	if (!rc && (ref > UINT32_MAX || port > UINT32_MAX))
		rc = -XEN_EINVAL;
	rc = rc ?: gnttab_map(v->fe, (grant_ref_t)ref, false, &v->ring_map);
	if (rc)
		return rc;
	rc = ring_back_attach(&v->ring, v->ring_map.gva, PAGE, sizeof(struct blkif_request));
	rc = rc ?: gl_evtchn_bind_interdomain(v->fe, (evtchn_port_t)port, &v->port);
	if (rc) {
		gnttab_unmap(&v->ring_map);
		return rc;
	}
	v->connected = true;
	gl_evtchn_set_handler(v->port, kick, NULL);
	gl_printf("blkback: d%u vbd %u connected (ring-ref %llu, port %llu)\n", v->fe, v->dev, (unsigned long long)ref,
		  (unsigned long long)port);
	return xenbus_write_state(b.xs, v->path, XenbusStateConnected);
}

/* Moves one device along after its frontend's state changed (or it was just found). */
static void step(struct vbd *v)
{
	enum xenbus_state fs = xenbus_read_state(b.xs, v->fe_path);

	if (!v->connected && (fs == XenbusStateInitialised || fs == XenbusStateConnected)) {
		int rc = connect(v);
		if (rc)
			gl_printf("blkback: d%u vbd %u: cannot connect: %d\n", v->fe, v->dev, rc);
	} else if (v->connected && fs != XenbusStateInitialised && fs != XenbusStateConnected) {
		disconnect(v);
		xenbus_write_state(b.xs, v->path,
				   fs == XenbusStateClosing || fs == XenbusStateClosed ? XenbusStateClosed
										       : XenbusStateInitWait);
		v->closed = fs == XenbusStateClosed || fs == XenbusStateUnknown;
	}
}

/* A device directory backend/vbd/<fe>/<dev> the toolstack wrote: advertise the disk, wait. */
static void add_vbd(domid_t fe, unsigned dev)
{
	struct vbd *v = NULL;
	uint64_t fe_id;

	for (unsigned i = 0; i < MAX_VBDS; i++) {
		if (b.vbd[i].used && b.vbd[i].fe == fe && b.vbd[i].dev == dev)
			return;
		if (!b.vbd[i].used && !v)
			v = &b.vbd[i];
	}
	if (!v)
		return;
	*v = (struct vbd){ .used = true, .fe = fe, .dev = dev };
	fmt_snprintf(v->path, sizeof(v->path), "backend/vbd/%u/%u", (unsigned)fe, dev);
	char key[XENBUS_PATH];
	fmt_snprintf(key, sizeof(key), "%s/frontend", v->path);
	if (xs_read(b.xs, XS_TX_NONE, key, v->fe_path, sizeof(v->fe_path)) < 0 ||
	    xenbus_read_u64(b.xs, v->path, "frontend-id", &fe_id) || fe_id != fe) {
		gl_printf("blkback: %s: no frontend path or id\n", v->path);
		v->used = false;
		return;
	}
	xenbus_write_u64(b.xs, v->path, "sectors", b.disk_size / BLKIF_SECTOR_SIZE);
	xenbus_write_u64(b.xs, v->path, "sector-size", BLKIF_SECTOR_SIZE);
	xenbus_write_u64(b.xs, v->path, "info", 0);
	xenbus_write_u64(b.xs, v->path, "feature-flush-cache", 1);
	xenbus_write_state(b.xs, v->path, XenbusStateInitWait);
	char state[XENBUS_PATH];
	fmt_snprintf(state, sizeof(state), "/local/domain/%u/device", fe); /* short: see blkfront's watch */
	xs_watch(b.xs, state, "fe");
	gl_printf("blkback: d%u vbd %u: %llu sectors, frontend %s\n", fe, dev,
		  (unsigned long long)(b.disk_size / BLKIF_SECTOR_SIZE), v->fe_path);
}

static bool all_closed(void)
{
	unsigned seen = 0;

	for (unsigned i = 0; i < MAX_VBDS; i++) {
		if (b.vbd[i].used && !b.vbd[i].closed)
			return false;
		seen += b.vbd[i].used;
	}
	return seen > 0;
}

static void serve(struct vbd *v)
{
	struct blkback_io io = b.io;
	bool notify;

	io.ctx = v;
	int n = blkback_serve(&v->ring, &io, &v->st, &notify);

	if (n < 0) {
		gl_printf("blkback: d%u vbd %u broke its ring: disconnected\n", v->fe, v->dev);
		disconnect(v);
		xenbus_write_state(b.xs, v->path, XenbusStateClosing);
		return;
	}
	if (notify)
		gl_evtchn_notify(v->port);
}

void guest_main(const void *fdt)
{
	memset(&b, 0, sizeof(b));
	if (find_disk(fdt) || b.disk_size < BLKIF_SECTOR_SIZE) {
		gl_printf("blkback: FAIL: no halcyon,ramdisk in the device tree\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	uint64_t ram, ram_size;
	if (!gl_ram_bank(fdt, &ram, &ram_size) || ram_size < (1u << 20) + BLKBACK_BOUNCE_SIZE) {
		gl_printf("blkback: FAIL: no RAM for the bounce area\n");
		gl_shutdown(SHUTDOWN_crash);
	}
	b.bounce = ram + (1u << 20); /* past the program's image */
	b.io = (struct blkback_io){ .sectors = b.disk_size / BLKIF_SECTOR_SIZE,
				    .grant_copy = grant_copy,
				    .disk_read = disk_read,
				    .disk_write = disk_write };
	int rc = gl_evtchn_init(fdt);
	rc = rc ?: gnttab_init(fdt);
	b.xs = rc ? NULL : xs_open(fdt);
	if (!b.xs) {
		gl_printf("blkback: FAIL: no event channels, grant table or xenstore (%d)\n", rc);
		gl_shutdown(SHUTDOWN_crash);
	}
	gl_printf("blkback: serving a %llu KiB RAM disk at %#llx\n", (unsigned long long)(b.disk_size >> 10),
		  (unsigned long long)b.disk);
	xs_watch(b.xs, "backend/vbd", "vbd");
	while (!all_closed()) {
		char path[XENBUS_PATH], token[8];
		while (xs_next_event(b.xs, path, sizeof(path), token, sizeof(token), false)) {
			if (token[0] == 'v') /* "vbd", not "fe" */
				xenbus_backend_scan(b.xs, "vbd", add_vbd);
			for (unsigned i = 0; i < MAX_VBDS; i++)
				if (b.vbd[i].used)
					step(&b.vbd[i]);
		}
		for (unsigned i = 0; i < MAX_VBDS; i++)
			if (b.vbd[i].connected)
				serve(&b.vbd[i]);
		if (!all_closed())
			gl_evtchn_wait(0);
	}
	for (unsigned i = 0; i < MAX_VBDS; i++)
		b.served += (unsigned)(b.vbd[i].st.reads + b.vbd[i].st.writes);
	gl_printf("blkback: every frontend closed, %u requests served: done\n", b.served);
	gl_shutdown(SHUTDOWN_poweroff);
}
