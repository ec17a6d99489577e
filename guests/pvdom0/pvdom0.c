/* Dom0 of the PV scenarios: runs the xenstore daemon and the PV console backend of the DomUs it
 * looks after (their lines printed as "[dN] line"), lists a vbd for a frontend DomU and its
 * block driver domain in the xenstore as libxl does, and (with a restart threshold) destroys the
 * driver domain in the middle of the frontend's I/O and builds a new one with the toolstack
 * library, the RAM disk handed over through iomem. Shuts down once the domains it looks after are
 * gone. Bootargs: pvdom0.fe=<domid> pvdom0.be=<domid> [pvdom0.dev=<vbd>]
 * [pvdom0.restart=<acknowledged writes> [pvdom0.restarts=<how many, each after as many more writes>]
 *  pvdom0.disk=<host address> pvdom0.disk_kib=<size>
 *  pvdom0.disk_gpa=<guest address>] [pvdom0.extra=<domid>: a bystander destroyed at the end]
 * [pvdom0.netbe=<domid> pvdom0.vifs=<fe>[,<fe>] [pvdom0.netrestart=<acknowledged block writes>]]. */
#include <string.h>

#include "core/format.h"
#include "lib/cons.h"
#include "lib/evtchn.h"
#include "lib/guest.h"
#include "lib/tools.h"
#include "lib/xenbus.h"
#include "lib/xs.h"
#include "lib/xsd.h"
#include "public/errno.h"

static struct {
	struct xs_client *xs;
	domid_t fe, be, extra;
	unsigned dev;
	uint64_t restart_at, restarts, restarted, disk, disk_kib, disk_gpa, netrestart_at;
	bool fe_gone, be_gone;
	struct cons_back cons[3]; /* the frontend's, the driver domain's, the bystander's */
	const void *fdt;
} d;

enum { CONS_FE, CONS_BE, CONS_EXTRA };

/* The DomU's PV console, if it has one: a DomU printing through the hypervisor does not need it. */
static void cons_attach(unsigned i, domid_t dom)
{
	d.cons[i] = (struct cons_back){ 0 };
	if (dom && cons_back_attach(&d.cons[i], d.fdt, dom))
		gl_printf("pvdom0: d%u has no PV console\n", dom);
}

/* Prints what the DomUs wrote on their consoles; true if anything came. */
static bool cons_poll(void)
{
	bool any = false;
	for (unsigned i = 0; i < 3; i++)
		any |= d.cons[i].connected && cons_back_poll(&d.cons[i]) > 0;
	return any;
}

static void die(const char *what, long rc)
{
	gl_printf("pvdom0: FAIL: %s (%ld)\n", what, rc);
	gl_shutdown(SHUTDOWN_crash);
}

/* Directory @path (made if missing) owned by @owner, readable by @reader too. */
static int own_dir(const char *path, domid_t owner, domid_t reader)
{
	char perms[16];
	int a = fmt_snprintf(perms, sizeof(perms), "n%u", owner) + 1;
	int b = fmt_snprintf(perms + a, sizeof(perms) - (size_t)a, "r%u", reader) + 1;
	int rc = xs_mkdir(d.xs, XS_TX_NONE, path);

	return rc ?: xs_set_perms(d.xs, XS_TX_NONE, path, perms, (size_t)(a + b));
}

/* The vbd's two directories as libxl writes them (xenbus_create): the backend's owned by @be and
 * readable by the frontend, the frontend's the other way round. Their parents first, owned by the
 * domain whose tree they are in, so that the driver domain can list its backend/vbd. */
static void list_vbd(domid_t be)
{
	char dir[XENBUS_PATH];
	struct xenbus_dev dev;
	int rc;

	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/device", d.fe);
	rc = own_dir(dir, d.fe, d.fe);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/device/vbd", d.fe);
	rc = rc ?: own_dir(dir, d.fe, d.fe);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/backend", be);
	rc = rc ?: own_dir(dir, be, be);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/backend/vbd", be);
	rc = rc ?: own_dir(dir, be, be);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/backend/vbd/%u", be, d.fe);
	rc = rc ?: own_dir(dir, be, d.fe);
	if (!rc)
		rc = xenbus_dev_init(&dev, d.xs, "vbd", d.fe, be, d.dev) ? xenbus_create(&dev) : -XEN_E2BIG;

	if (rc)
		die("cannot list the vbd", rc);
	gl_printf("pvdom0: vbd %u of d%u listed with backend d%u\n", d.dev, d.fe, be);
}

/* PV network (H11): with pvdom0.netbe=<domid> pvdom0.vifs=<fe>[,<fe>], a vif 0 for each frontend
 * whose backend is that network driver domain, listed as libxl does, its address 00:16:3e:00:00:<fe>
 * in the backend's directory (where the driver domain takes it from) and then the frontend's. */
static struct {
	domid_t be, fe[2];
	unsigned nfe;
	bool gone;
} net;

static void list_vif(domid_t fe)
{
	char dir[XENBUS_PATH], mac[24];
	struct xenbus_dev dev = { 0 };
	static const char *const dirs[] = { "/local/domain/%u/device", "/local/domain/%u/device/vif",
					    "/local/domain/%u/backend", "/local/domain/%u/backend/vif" };
	int rc = 0;

	for (unsigned i = 0; i < 4 && !rc; i++) {
		domid_t owner = i < 2 ? fe : net.be;
		fmt_snprintf(dir, sizeof(dir), dirs[i], owner);
		rc = own_dir(dir, owner, owner);
	}
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/backend/vif/%u", net.be, fe);
	rc = rc ?: own_dir(dir, net.be, fe);
	if (!rc)
		rc = xenbus_dev_init(&dev, d.xs, "vif", fe, net.be, 0) ? xenbus_create(&dev) : -XEN_E2BIG;
	fmt_snprintf(mac, sizeof(mac), "00:16:3e:00:00:%02x", fe);
	fmt_snprintf(dir, sizeof(dir), "%s/mac", dev.back);
	rc = rc ?: xs_write(d.xs, XS_TX_NONE, dir, mac);
	fmt_snprintf(dir, sizeof(dir), "%s/mac", dev.front);
	rc = rc ?: xs_write(d.xs, XS_TX_NONE, dir, mac);
	if (rc)
		die("cannot list the vif", rc);
	gl_printf("pvdom0: vif 0 of d%u (%s) listed with backend d%u\n", fe, mac, net.be);
}

static void net_start(const void *fdt)
{
	const char *v = gl_bootarg(fdt, "pvdom0.vifs=");

	net.be = (domid_t)gl_bootarg_u64(fdt, "pvdom0.netbe=", 0);
	for (net.nfe = 0; net.be && v && net.nfe < 2 && *v >= '0' && *v <= '9'; net.nfe++) {
		unsigned x = 0;
		while (*v >= '0' && *v <= '9')
			x = x * 10 + (unsigned)(*v++ - '0');
		net.fe[net.nfe] = (domid_t)x;
		v += *v == ',';
	}
	for (unsigned i = 0; i < net.nfe; i++)
		list_vif(net.fe[i]);
}

/* The frontend's own corner of the store, where it reports progress; Dom0 watches it. */
static void give_data_dir(void)
{
	char dir[XENBUS_PATH];

	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/data", d.fe);
	int rc = own_dir(dir, d.fe, d.fe);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/data/acked", d.fe);
	rc = rc ?: xs_watch(d.xs, dir, "acked");
	if (rc)
		die("cannot give the frontend its data directory", rc);
}

/* Destroys driver domain @old, waits until it is gone and releases its corner of the store. With
 * @serve, the store keeps being served meanwhile (the other domains' xenstore calls must not wait on
 * a restart that is not theirs). */
static void destroy_driver(domid_t old, bool serve)
{
	char dir[XENBUS_PATH];
	int rc = gl_tools_destroy(old);
	if (rc)
		die("destroydomain of the driver domain", rc);
	/* Its teardown finishes when its vCPU next stops: only then are its device and id free. The
	 * hypervisor says so with VIRQ_DOM_EXC, so Dom0 sleeps meanwhile instead of polling and leaves
	 * its pCPU to the domains still working. */
	struct gl_dom_state st;
	while (gl_tools_state(old, &st) != -XEN_ESRCH)
		if (!cons_poll() && !(serve && xsd_poll()))
			gl_evtchn_wait(1);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u", old);
	xs_rm(d.xs, XS_TX_NONE, dir);
	xs_release(d.xs, old);
}

/* Destroys the driver domain and starts a new one with the same disk. */
static void restart_backend(uint64_t acked)
{
	domid_t old = d.be, nb;
	struct gl_dom_pv pv;

	cons_back_detach(&d.cons[CONS_BE]);
	destroy_driver(old, false);
	gl_printf("pvdom0: destroyed driver domain d%u after %llu acknowledged writes\n", old,
		  (unsigned long long)acked);
	int rc;

	const struct gl_dom_cfg cfg = {
		.name = "blkback",
		.program = "blkback",
		.mem_mib = 8,
		.vcpus = 1,
		.iomem = { { .base = d.disk,
			     .pages = d.disk_kib / 4,
			     .gfn = d.disk_gpa >> 12,
			     .compatible = "halcyon,ramdisk" } },
		.nr_iomem = 1,
		.paused = true,
	};
	rc = gl_tools_create(&cfg, &nb);
	/* The machine's free frames with the old driver domain gone and the new one built, paused: the
	 * same at every restart unless one leaks. */
	uint64_t free_pages = 0, total_pages = 0;
	gl_tools_physinfo(&free_pages, &total_pages);
	gl_printf("pvdom0: restart %llu: %llu of %llu frames free\n", (unsigned long long)d.restarted + 1,
		  (unsigned long long)free_pages, (unsigned long long)total_pages);
	rc = rc ?: gl_tools_pv(nb, &pv);
	rc = rc ?: xs_introduce(d.xs, nb, pv.store_gfn, pv.store_port);
	if (rc)
		die("cannot build the new driver domain", rc);
	d.be = nb;
	cons_attach(CONS_BE, nb);
	list_vbd(nb);
	rc = gl_tools_unpause(nb);
	if (rc)
		die("unpause of the new driver domain", rc);
	gl_printf("pvdom0: new driver domain d%u started\n", nb);
	d.restarted++;
}

/* The network driver domain restart (pvdom0.netrestart=<acknowledged block writes>): once the block
 * frontend has reported that many writes, the network driver domain is destroyed under its
 * frontends' traffic and a new one built with the toolstack library, given the NIC's registers
 * (iomem, described in its /passthrough as the dom0less partial tree does) and the NIC's DMA
 * (assign_device), then listed as the vifs' backend. Nothing outside the network may stall: the
 * restart's window, from the destroy to every vif Connected on the new backend, goes to the block
 * frontend (data/window-start and window-end, physical counter ticks), which times its own writes. */
static struct {
	bool done, waiting;
	bool fe_left[2]; /* shut down or gone since the restart began (a domctl on each @releaseDomain) */
	uint64_t start;
} nr;

/* Which vifs' frontends have shut down or gone: at the restart, then at each @releaseDomain. */
static void net_restart_released(void)
{
	struct gl_dom_state st;

	for (unsigned i = 0; i < net.nfe; i++) {
		int rc = gl_tools_state(net.fe[i], &st);
		nr.fe_left[i] = nr.fe_left[i] || rc == -XEN_ESRCH || (!rc && (st.shutdown || st.dying));
	}
}

/* The vifs' watches while the window is open: the new backend's vif directory and each frontend's
 * vif. */
static void watch_vifs(bool on)
{
	char dir[XENBUS_PATH];
	int (*op)(struct xs_client *, const char *, const char *) = on ? xs_watch : xs_unwatch;
	int rc;

	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/backend/vif", net.be);
	rc = op(d.xs, dir, "nv");
	for (unsigned i = 0; i < net.nfe; i++) {
		fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif/0", net.fe[i]);
		rc = rc ?: op(d.xs, dir, "nv");
	}
	if (rc && on)
		die("cannot watch the vifs", rc);
}

static void restart_net(void)
{
	domid_t old = net.be, nb;
	struct gl_dom_pv pv;

	nr.start = gl_sysreg_read(GL_CNTPCT_EL0);
	destroy_driver(old, true);
	gl_printf("pvdom0: destroyed network driver domain d%u\n", old);
	static const char *const nic_path = "/nic@a100000";
	const struct gl_dom_cfg cfg = {
		.name = "netback",
		.program = "netback",
		.mem_mib = 8,
		.vcpus = 1,
		.iomem = { { .base = 0xa100000, .pages = 1, .gfn = 0x22000, .compatible = "halcyon,sim-nic" } },
		.nr_iomem = 1,
		.dtdev = { nic_path },
		.nr_dtdev = 1,
		.paused = true,
	};
	int rc = gl_tools_create(&cfg, &nb);
	rc = rc ?: gl_tools_pv(nb, &pv);
	rc = rc ?: xs_introduce(d.xs, nb, pv.store_gfn, pv.store_port);
	if (rc)
		die("cannot build the new network driver domain", rc);
	net.be = nb;
	for (unsigned i = 0; i < net.nfe; i++)
		list_vif(net.fe[i]);
	rc = gl_tools_unpause(nb);
	if (rc)
		die("unpause of the new network driver domain", rc);
	nr.waiting = true;
	net_restart_released();
	watch_vifs(true);
	gl_printf("pvdom0: new network driver domain d%u started with %s\n", nb, nic_path);
}

/* Every vif Connected at both ends: the exchange the restart is to interrupt is under way. */
static bool vifs_connected(void)
{
	char dir[XENBUS_PATH];

	for (unsigned i = 0; i < net.nfe; i++) {
		fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif/0", net.fe[i]);
		if (xenbus_read_state(d.xs, dir) != XenbusStateConnected)
			return false;
		fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/backend/vif/%u/0", net.be, net.fe[i]);
		if (xenbus_read_state(d.xs, dir) != XenbusStateConnected)
			return false;
	}
	return true;
}

/* The block frontend reported @acked writes: the restart when due, and not before the vifs are up
 * (a restart during the first connection is another scenario: it would only test that). */
static void net_block_progress(uint64_t acked)
{
	if (!d.netrestart_at || nr.done || !net.be || acked < d.netrestart_at || !vifs_connected())
		return;
	nr.done = true;
	restart_net();
}

/* The window to the block frontend; an end of 0 says there is none. */
static void give_window(uint64_t end)
{
	char dir[XENBUS_PATH];

	nr.waiting = false;
	watch_vifs(false);
	fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/data", d.fe);
	int rc = xenbus_write_u64(d.xs, dir, "window-start", nr.start);
	rc = rc ?: xenbus_write_u64(d.xs, dir, "window-end", end);
	if (rc)
		die("cannot give the block frontend the restart's window", rc);
}

/* A vif changed: once every frontend still there is Connected to the new backend the window
 * closes. Frontends that all left (shut down, or Closing/Closed: they finished their exchange before
 * or during the restart) never connect again: no window then. */
static void net_restart_watch(void)
{
	char dir[XENBUS_PATH];
	unsigned connected = 0, left = 0;

	for (unsigned i = 0; i < net.nfe; i++) {
		fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif/0", net.fe[i]);
		enum xenbus_state fs = xenbus_read_state(d.xs, dir);
		fmt_snprintf(dir, sizeof(dir), "/local/domain/%u/backend/vif/%u/0", net.be, net.fe[i]);
		if (nr.fe_left[i] || fs == XenbusStateUnknown || fs == XenbusStateClosing || fs == XenbusStateClosed)
			left++;
		else
			connected += xenbus_read_state(d.xs, dir) == XenbusStateConnected;
	}
	if (!nr.waiting || connected + left < net.nfe)
		return;
	if (!connected) {
		give_window(0);
		gl_printf("pvdom0: network restart: the vifs' frontends left before the new backend connected them\n");
		return;
	}
	uint64_t end = gl_sysreg_read(GL_CNTPCT_EL0);
	give_window(end);
	gl_printf("pvdom0: network restart: %llu ticks from the destroy to every vif connected\n",
		  (unsigned long long)(end - nr.start));
}

/* A domain is gone once it no longer exists; one that shut down is destroyed (reaped) first. */
static bool gone(domid_t dom)
{
	struct gl_dom_state st;
	int rc = gl_tools_state(dom, &st);

	if (rc == -XEN_ESRCH)
		return true;
	if (!rc && st.shutdown && !st.dying) {
		gl_printf("pvdom0: d%u shut down (reason %u)\n", dom, st.shutdown_reason);
		gl_tools_destroy(dom);
	}
	return false;
}

void guest_main(const void *fdt)
{
	memset(&d, 0, sizeof(d));
	d.fdt = fdt;
	d.fe = (domid_t)gl_bootarg_u64(fdt, "pvdom0.fe=", 0);
	d.be = (domid_t)gl_bootarg_u64(fdt, "pvdom0.be=", 0);
	d.dev = (unsigned)gl_bootarg_u64(fdt, "pvdom0.dev=", 0);
	d.extra = (domid_t)gl_bootarg_u64(fdt, "pvdom0.extra=", 0);
	d.restart_at = gl_bootarg_u64(fdt, "pvdom0.restart=", 0);
	d.restarts = gl_bootarg_u64(fdt, "pvdom0.restarts=", 1);
	d.netrestart_at = gl_bootarg_u64(fdt, "pvdom0.netrestart=", 0);
	d.disk = gl_bootarg_u64(fdt, "pvdom0.disk=", 0);
	d.disk_kib = gl_bootarg_u64(fdt, "pvdom0.disk_kib=", 0);
	d.disk_gpa = gl_bootarg_u64(fdt, "pvdom0.disk_gpa=", 0);
	if (!d.fe || !d.be || d.fe == d.be || (d.restart_at && (!d.disk || !d.disk_kib || !d.disk_gpa)))
		die("bad pvdom0.* arguments", 0);

	int rc = xsd_start(fdt);
	d.xs = rc ? NULL : xs_open(fdt);
	if (!d.xs)
		die("no xenstore daemon", rc);
	rc = gl_tools_init(fdt);
	if (rc)
		die("no toolstack", rc);
	gl_printf("pvdom0: xenstored running\n");
	xs_watch(d.xs, "@releaseDomain", "rel");
	give_data_dir();
	cons_attach(CONS_FE, d.fe);
	cons_attach(CONS_BE, d.be);
	cons_attach(CONS_EXTRA, d.extra);
	list_vbd(d.be);
	net_start(fdt);

	char data[XENBUS_PATH];
	fmt_snprintf(data, sizeof(data), "/local/domain/%u/data", d.fe);
	/* Whether a domain shut down or went is asked of the hypervisor only when @releaseDomain says
	 * something changed (it also fires once as the watch is set): a getdomaininfo per domain on
	 * every turn would make Dom0 busiest exactly when the others need the CPUs. */
	bool released = true;
	while (!(d.fe_gone && d.be_gone && (net.gone || !net.be))) {
		char path[XENBUS_PATH], token[8];
		xsd_poll();
		bool any = cons_poll();
		while (xs_next_event(d.xs, path, sizeof(path), token, sizeof(token), false)) {
			uint64_t acked;
			any = true;
			released |= token[0] == 'r';
			if (d.restart_at && d.restarted < d.restarts && token[0] == 'a' /* "acked", not "rel" */ &&
			    !xenbus_read_u64(d.xs, data, "acked", &acked) && acked >= d.restart_at * (d.restarted + 1))
				restart_backend(acked);
			if (token[0] == 'a' && !xenbus_read_u64(d.xs, data, "acked", &acked))
				net_block_progress(acked);
			if (nr.waiting && token[0] == 'r')
				net_restart_released();
			if (nr.waiting && (token[0] == 'n' || token[0] == 'r'))
				net_restart_watch();
		}
		if (released) {
			released = false;
			d.fe_gone = d.fe_gone || gone(d.fe);
			d.be_gone = d.be_gone || gone(d.be);
			net.gone = net.gone || (net.be && gone(net.be) && (!net.nfe || gone(net.fe[0])) &&
						(net.nfe < 2 || gone(net.fe[1])));
		}
		if (!any && !xsd_poll())
			gl_evtchn_wait(0);
	}
	for (unsigned i = 0; i < 3; i++)
		cons_back_detach(&d.cons[i]);
	if (d.extra) {
		rc = gl_tools_destroy(d.extra);
		gl_printf("pvdom0: bystander d%u destroyed (%d)\n", d.extra, rc);
	}
	gl_printf("pvdom0: frontend and driver domain gone: done\n");
	gl_shutdown(SHUTDOWN_poweroff);
}
