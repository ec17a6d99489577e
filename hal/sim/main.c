/* hypsim: boots the hypervisor core on a simulated machine built from a device tree, prints the
 * machine's console and a per-domain summary table on stdout, a one-line verdict on stderr (with
 * the command that replays a failed run), optionally a Chrome trace; exits with the machine's status. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt/dt.h"
#include "hal/boot.h"
#include "loader.h"
#include "machine.h"
#include "nic.h"
#include "ramdisk.h"
#include "guests/sim/programs.h"
#include "mm/frame.h"
#include "scenario.h"
#include "smmu.h"
#include "summary.h"
#include "trace.h"

#define DEFAULT_UNTIL_NS  2000000000ull /* past the core's 1 s CPU check-in timeout */
#define STATUS_TIME_LIMIT 124           /* as timeout(1): the run was cut short, not finished */
#define STATUS_USAGE      2
#define NS_PER_TICK       (1000000000ull / SIM_COUNTER_HZ)

struct options {
	const char *scenario;
	uint64_t seed;
	unsigned pcpus; /* 0: as the tree says */
	const char *bootargs;
	uint64_t until_ns;
	bool until_given;
	const char *trace;
	bool no_summary;
};

static void usage(const char *why)
{
	if (why)
		fprintf(stderr, "hypsim: %s\n", why);
	fprintf(stderr, "usage: hypsim SCENARIO.dtb|SCENARIO.dts [--seed N] [--pcpus N] [--bootargs \"...\"]"
			" [--until T]\n"
			"              [--trace FILE] [--no-summary]\n"
			"  --seed N      scheduler seed (default 1): the same seed replays the same run\n"
			"  --pcpus N     run on the tree's first N CPUs only\n"
			"  --bootargs S  replace the tree's hypervisor command line\n"
			"  --until T     stop after T of virtual time (suffix ns, us, ms or s; default 2s)\n"
			"  --trace FILE  write a Chrome trace-event JSON of the run (open it in ui.perfetto.dev)\n"
			"  --no-summary  leave out the per-domain table after the console\n");
	exit(STATUS_USAGE);
}

static uint64_t number(const char *opt, const char *s, char **end)
{
	char *e;
	errno = 0;
	unsigned long long v = strtoull(s, &e, 0);

	if (e == s || *s == '-' || errno || (!end && *e)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%s: '%s' is not a number", opt, s);
		usage(msg);
	}
	if (end)
		*end = e;
	return v;
}

static uint64_t duration_ns(const char *s)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = { { "", 1 }, { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 } };
	char *end;
	uint64_t v = number("--until", s, &end);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].suffix) == 0 && v <= UINT64_MAX / units[i].ns)
			return v * units[i].ns;
	usage("--until: give a time such as 500us, 10ms or 2s");
	return 0;
}

static void parse(int argc, char **argv, struct options *o)
{
	*o = (struct options){ .seed = 1, .until_ns = DEFAULT_UNTIL_NS };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage(NULL);
		if (!strcmp(a, "--no-summary")) {
			o->no_summary = true;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			if (o->scenario)
				usage("more than one scenario given");
			o->scenario = a;
			continue;
		}
		if (i + 1 == argc) {
			char msg[160];
			snprintf(msg, sizeof(msg), "%s needs a value", a);
			usage(msg);
		}
		const char *v = argv[++i];
		if (!strcmp(a, "--seed")) {
			o->seed = number(a, v, NULL);
		} else if (!strcmp(a, "--pcpus")) {
			o->pcpus = (unsigned)number(a, v, NULL);
			if (o->pcpus == 0 || o->pcpus > PLAT_MAX_CPUS)
				usage("--pcpus: give 1 to 16 CPUs");
		} else if (!strcmp(a, "--bootargs")) {
			o->bootargs = v;
		} else if (!strcmp(a, "--trace")) {
			o->trace = v;
		} else if (!strcmp(a, "--until")) {
			o->until_ns = duration_ns(v);
			if (!o->until_ns)
				usage("--until: give a time after 0");
			o->until_given = true;
		} else {
			char msg[160];
			snprintf(msg, sizeof(msg), "unknown option %s", a);
			usage(msg);
		}
	}
	if (!o->scenario)
		usage("no scenario given");
}

/* `bazel run` starts us in the runfiles tree; the user meant paths relative to their shell. */
static const char *resolve(const char *path, char *buf, size_t len)
{
	const char *cwd = getenv("BUILD_WORKING_DIRECTORY");

	if (path[0] == '/' || !cwd || !*cwd)
		return path;
	snprintf(buf, len, "%s/%s", cwd, path);
	return buf;
}

/* The sim NIC's wire log: its lines among the consoles', in the order things happened, but never
 * inside a console line (held until that line ends). */
static struct {
	bool mid_line;
	char held[8192];
	size_t len;
} nic_log;

static void nic_line(const char *line)
{
	size_t n = strlen(line);

	if (!nic_log.mid_line) {
		printf("%s\n", line);
	} else if (nic_log.len + n + 1 < sizeof(nic_log.held)) {
		memcpy(nic_log.held + nic_log.len, line, n);
		nic_log.held[nic_log.len + n] = '\n';
		nic_log.len += n + 1;
	}
}

static void to_stdout(void *opaque, uint8_t c)
{
	(void)opaque;
	putchar(c);
	nic_log.mid_line = c != '\n';
	if (!nic_log.mid_line && nic_log.len) {
		fwrite(nic_log.held, 1, nic_log.len, stdout);
		nic_log.len = 0;
	}
	sim_summary_console(c);
}

static uint64_t frames_of(unsigned domid) { return frame_count((domid_t)domid); }

/* What replays this run: the same scenario, seed and options, as a user types it. */
static void replay(int argc, char **argv)
{
	fputs("hypsim: replay: bazel run //:hypsim --", stderr);
	for (int i = 1; i < argc; i++)
		fprintf(stderr, strpbrk(argv[i], " \t'\"$") ? " '%s'" : " %s", argv[i]);
	fputc('\n', stderr);
}

static int load(const struct options *o, const char *path, struct sim_scenario *s, struct platform *plat)
{
	char err[256];
	struct dt_error dterr;

	if (sim_scenario_load(path, s, err, sizeof(err))) {
		fprintf(stderr, "hypsim: %s\n", err);
		return -1;
	}
	if ((o->pcpus && sim_scenario_limit_cpus(s, o->pcpus, err, sizeof(err))) ||
	    (o->bootargs && sim_scenario_set_bootargs(s, o->bootargs, err, sizeof(err)))) {
		fprintf(stderr, "hypsim: %s: %s\n", path, err);
		sim_scenario_free(s);
		return -1;
	}
	if (dt_platform_parse(s->dtb, plat, &dterr) == 0)
		return 0;
	if (!plat->cpu_count || !plat->mem_count) {
		fprintf(stderr, "hypsim: %s: no machine to build: %s\n", path, dterr.msg);
		sim_scenario_free(s);
		return -1;
	}
	/* Hardware boots whatever tree it is given; the core then reports the flaw as it would on a board. */
	fprintf(stderr, "hypsim: warning: %s: %s (booting it anyway)\n", path, dterr.msg);
	return 0;
}

static void verdict(const struct options *o, const struct sim_result *r)
{
	uint64_t ns = r->ticks * NS_PER_TICK;

	fprintf(stderr,
		"hypsim: %s; seed %" PRIu64 ", virtual time %" PRIu64 ".%03" PRIu64 " us (%" PRIu64 " ticks, %" PRIu64
		" steps), %u of %u CPUs started, status %d\n",
		r->reason, o->seed, ns / 1000, ns % 1000, r->ticks, r->steps, r->cpus_started, r->cpus, r->status);
}

int main(int argc, char **argv)
{
	struct options o;
	struct sim_scenario s;
	struct platform plat;
	struct sim_result r;
	char buf[4096], tbuf[4096], err[256];

	parse(argc, argv, &o);
	const char *path = resolve(o.scenario, buf, sizeof(buf));
	if (load(&o, path, &s, &plat))
		return EXIT_FAILURE;
	if (o.trace && sim_trace_open(resolve(o.trace, tbuf, sizeof(tbuf)), err, sizeof(err))) {
		fprintf(stderr, "hypsim: %s\n", err);
		sim_scenario_free(&s);
		return EXIT_FAILURE;
	}
	sim_trace_set_mem_query(frames_of);
	const struct sim_config cfg = {
		.seed = o.seed,
		.until = (o.until_ns + NS_PER_TICK - 1) / NS_PER_TICK,
		.boot = hyp_start,
		.secondary = hyp_secondary_start,
		.console = to_stdout,
		.programs = sim_guest_programs,
		.nprograms = sim_guest_program_count,
	};
	if (sim_machine_create(&plat, &cfg, err, sizeof(err)) || sim_smmu_create(s.dtb, err, sizeof(err)) ||
	    sim_ramdisk_create(s.dtb, err, sizeof(err)) || sim_nic_create(s.dtb, nic_line, err, sizeof(err)) ||
	    sim_load_programs(s.dtb, s.len, err, sizeof(err)) < 0) {
		fprintf(stderr, "hypsim: %s: %s\n", path, err);
		sim_machine_destroy();
		sim_scenario_free(&s);
		return EXIT_FAILURE;
	}
	int status = sim_machine_run(s.dtb, s.len, &r);
	for (unsigned d = 0; d < SIM_TRACE_DOMS; d++)
		if (sim_trace_dom(d)->seen)
			sim_trace_name(d, sim_summary_name(d));
	/* Before the machine goes: the frame table lives in its RAM. */
	if (!o.no_summary)
		sim_summary_print(stdout, o.seed, r.ticks, r.cpus_started, frames_of);
	int trace_rc = sim_trace_close(err, sizeof(err));
	fflush(stdout);
	sim_machine_destroy();
	sim_scenario_free(&s);
	if (r.kind == SIM_STOP_TIME && !o.until_given) {
		snprintf(r.reason, sizeof(r.reason), "still running after the default 2 s of virtual time (--until)");
		r.status = status = STATUS_TIME_LIMIT;
	}
	verdict(&o, &r);
	if (trace_rc) {
		fprintf(stderr, "hypsim: %s\n", err);
		status = status ? status : EXIT_FAILURE;
	}
	if (status)
		replay(argc, argv);
	return status;
}
