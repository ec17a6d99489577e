#include "summary.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "machine.h"
#include "trace.h"

#define NS_PER_TICK    (1000000000ull / SIM_COUNTER_HZ)
#define FRAME_KIB      4u
#define LINE_MAX_CHARS 200

static struct {
	char line[LINE_MAX_CHARS];
	unsigned len;
	char name[SIM_TRACE_DOMS][32];
	char reason[SIM_TRACE_DOMS][24];
} s;

/* "Domain dN (NAME): REST" is how the core speaks of a domain; the last name it used wins. */
static void take_line(const char *l)
{
	unsigned id;
	int at = 0;
	char name[32], reason[24];

	if (sscanf(l, "Domain d%u (%31[^)]):%n", &id, name, &at) != 2 || !at || id >= SIM_TRACE_DOMS)
		return;
	snprintf(s.name[id], sizeof(s.name[id]), "%s", name);
	if (sscanf(l + at, " shut down (%23[^)])", reason) == 1)
		snprintf(s.reason[id], sizeof(s.reason[id]), "%s", reason);
}

void sim_summary_console(uint8_t c)
{
	if (c == '\r')
		return;
	if (c != '\n') {
		if (s.len + 1 < sizeof(s.line))
			s.line[s.len++] = (char)c;
		return;
	}
	s.line[s.len] = 0;
	take_line(s.line);
	s.len = 0;
}

const char *sim_summary_name(unsigned domid) { return domid < SIM_TRACE_DOMS ? s.name[domid] : ""; }

static void ms(char *buf, size_t len, uint64_t ticks)
{
	uint64_t us = ticks * NS_PER_TICK / 1000;
	snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, us / 1000, us % 1000);
}

static void mib(char *buf, size_t len, uint64_t frames)
{
	uint64_t kib = frames * FRAME_KIB;
	snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " MiB", kib / 1024, kib % 1024 * 10 / 1024);
}

static void exits_line(FILE *out, const struct sim_trace_dom *d)
{
	uint64_t total = 0;

	fputs("    exits:", out);
	for (unsigned c = 0; c < SIM_TRACE_EXITS; c++) {
		if (!d->exits[c])
			continue;
		const char *n = sim_trace_exit_name(c);
		if (n)
			fprintf(out, " %s=%" PRIu64, n, d->exits[c]);
		else
			fprintf(out, " ec_%#04x=%" PRIu64, c, d->exits[c]);
		total += d->exits[c];
	}
	fprintf(out, " (total %" PRIu64 ")\n", total);
}

static void hcalls_line(FILE *out, const struct sim_trace_dom *d)
{
	uint64_t total = 0;

	fputs("    hypercalls:", out);
	for (unsigned op = 0; op <= SIM_TRACE_HCALLS; op++) {
		if (!d->hcalls[op])
			continue;
		const char *n = sim_trace_hcall_name(op);
		if (n)
			fprintf(out, " %s=%" PRIu64, n, d->hcalls[op]);
		else if (op < SIM_TRACE_HCALLS)
			fprintf(out, " op_%u=%" PRIu64, op, d->hcalls[op]);
		else
			fprintf(out, " op_64+=%" PRIu64, d->hcalls[op]);
		total += d->hcalls[op];
	}
	if (d->smccc)
		fprintf(out, " smccc=%" PRIu64, d->smccc);
	fprintf(out, " (total %" PRIu64 ")\n", total);
}

void sim_summary_print(FILE *out, uint64_t seed, uint64_t ticks, unsigned pcpus, uint64_t (*frames_now)(unsigned))
{
	const struct sim_trace_totals *t = sim_trace_totals();
	char when[32], buf[32], mem[24], now[24];

	ms(when, sizeof(when), ticks);
	fprintf(out,
		"\nhypsim summary: seed %" PRIu64 ", %s ms of virtual time on %u pCPU%s, %" PRIu64 " entries, %" PRIu64
		" vCPU switches, %" PRIu64 " idles\n",
		seed, when, pcpus, pcpus == 1 ? "" : "s", t->entries, t->switches, t->idles);
	fprintf(out, "%-18s %5s %11s %10s %6s %7s %9s %11s %11s  %s\n", "domain", "vCPUs", "run time ms", "in guest",
		"IRQs", "events", "s2-faults", "memory peak", "memory end", "shutdown");
	unsigned shown = 0;
	for (unsigned id = 0; id < SIM_TRACE_DOMS; id++) {
		const struct sim_trace_dom *d = sim_trace_dom(id);
		uint64_t run = 0, guest = 0;
		char gms[32];

		if (!d->seen)
			continue;
		shown++;
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			run += d->run_ticks[i] + d->hyp_ticks[i];
			guest += d->run_ticks[i];
		}
		ms(when, sizeof(when), run);
		ms(gms, sizeof(gms), guest);
		snprintf(buf, sizeof(buf), s.name[id][0] ? "d%u %s" : "d%u", id, s.name[id]);
		mib(mem, sizeof(mem), d->mem_frames_peak);
		mib(now, sizeof(now), frames_now ? frames_now(id) : 0);
		fprintf(out, "%-18s %5u %11s %10s %6" PRIu64 " %7" PRIu64 " %9" PRIu64 " %11s %11s  %s\n", buf,
			d->nr_vcpus, when, gms, d->irqs, d->events, d->s2_faults, mem, now,
			s.reason[id][0] ? s.reason[id] : "(running)");
		fputs("    run ms (guest+hypervisor):", out);
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			ms(when, sizeof(when), d->run_ticks[i] + d->hyp_ticks[i]);
			fprintf(out, " v%u=%s", i, when);
		}
		fputc('\n', out);
		exits_line(out, d);
		hcalls_line(out, d);
	}
	if (!shown)
		fputs("(no domain ran a vCPU)\n", out);
}
