/* The HAL boundary as hypsim's observer: every vCPU entry and exit, read in architectural terms
 * (VTTBR's VMID, VMPIDR, ESR_EL2, HPFAR, the list registers, x0/x16), counted per domain and, with
 * --trace, written as Chrome trace-event JSON: pid 0 holds one track per pCPU, pid 1 + domid one
 * per vCPU. Everything is virtual time and visit order, so the same seed writes the same bytes. */
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define EC_HVC64      0x16u
#define EC_IABT_LOW   0x20u
#define EC_DABT_LOW   0x24u
#define HVC_XEN       0xea1u /* hvc #0xEA1: a Xen hypercall; hvc #0: SMCCC */
#define ISS_WNR       (1ull << 6)
#define OP_MEMORY     12u
#define OP_GNTTAB     20u
#define OP_EVTCHN     32u
#define EVTCHNOP_SEND 4u
#define NS_PER_TICK   (1000000000ull / SIM_COUNTER_HZ)

struct vstate {
	uint64_t lr[HAL_VGIC_MAX_LRS]; /* as saved at its last exit */
	unsigned nr_lr;
	bool hcall; /* a hypercall awaits its result (x0 at the next entry) */
	bool sample_mem;
	unsigned op;
	uint64_t hcall_at;
};

struct pstate {
	bool in_hyp; /* between an exit and the next entry or idle: a hypervisor span is open */
	bool idle;
	bool any; /* has entered a vCPU */
	unsigned dom, vcpu, cls;
	uint64_t since;
};

static struct {
	struct sim_trace_dom dom[SIM_TRACE_DOMS];
	struct vstate v[SIM_TRACE_DOMS][SIM_TRACE_VCPUS];
	struct pstate p[PLAT_MAX_CPUS];
	struct sim_trace_totals tot;
	char names[SIM_TRACE_DOMS][32];
	uint64_t (*frames)(unsigned domid);
	FILE *f;
	char *buf;
	bool first;
	unsigned max_cpu;
} t;

static const char *const exit_names[SIM_TRACE_EXITS] = {
	[0x00] = "unknown",
	[0x01] = "wfx",
	[0x07] = "fpsimd",
	[0x16] = "hvc",
	[0x17] = "smc",
	[0x18] = "sysreg",
	[0x20] = "iabt",
	[0x22] = "pc_align",
	[0x24] = "dabt",
	[0x26] = "sp_align",
	[0x2f] = "serror_ec",
	[SIM_TRACE_EXIT_IRQ] = "irq",
	[SIM_TRACE_EXIT_SERROR] = "serror",
};

/* Xen's hypercall numbers (public/xen.h on arm64). */
static const char *const hcall_names[SIM_TRACE_HCALLS] = {
	[12] = "memory_op", [17] = "xen_version", [18] = "console_io",       [20] = "grant_table_op",
	[24] = "vcpu_op",   [29] = "sched_op",    [32] = "event_channel_op", [33] = "physdev_op",
	[34] = "hvm_op",    [35] = "sysctl",      [36] = "domctl",
};

const char *sim_trace_exit_name(unsigned cls) { return cls < SIM_TRACE_EXITS ? exit_names[cls] : NULL; }
const char *sim_trace_hcall_name(unsigned op) { return op < SIM_TRACE_HCALLS ? hcall_names[op] : NULL; }
const struct sim_trace_dom *sim_trace_dom(unsigned domid) { return domid < SIM_TRACE_DOMS ? &t.dom[domid] : NULL; }
const struct sim_trace_totals *sim_trace_totals(void) { return &t.tot; }
void sim_trace_set_mem_query(uint64_t (*frames)(unsigned domid)) { t.frames = frames; }

void sim_trace_name(unsigned domid, const char *name)
{
	if (domid < SIM_TRACE_DOMS)
		snprintf(t.names[domid], sizeof(t.names[domid]), "%s", name);
}

int sim_trace_open(const char *path, char *err, size_t errlen)
{
	t.f = fopen(path, "w");
	if (!t.f) {
		snprintf(err, errlen, "--trace %s: %s", path, strerror(errno));
		return -1;
	}
	t.buf = malloc(1u << 20);
	if (t.buf)
		setvbuf(t.f, t.buf, _IOFBF, 1u << 20);
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", t.f);
	t.first = true;
	return 0;
}

/* The JSON goes through a buffer of our own: stdio's formatting was most of the trace's cost. */
static struct {
	char b[1u << 16];
	size_t n;
} ob;

static void flush(void)
{
	fwrite(ob.b, 1, ob.n, t.f);
	ob.n = 0;
}

static void out(const char *s)
{
	size_t len = strlen(s);

	if (ob.n + len > sizeof(ob.b))
		flush();
	if (len > sizeof(ob.b)) {
		fwrite(s, 1, len, t.f);
		return;
	}
	memcpy(ob.b + ob.n, s, len);
	ob.n += len;
}

static void out_u(uint64_t v)
{
	char d[24];
	unsigned i = sizeof(d);

	d[--i] = 0;
	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	out(d + i);
}

static void out_i(int64_t v)
{
	if (v < 0) {
		out("-");
		out_u(0 - (uint64_t)v);
	} else {
		out_u((uint64_t)v);
	}
}

/* Chrome's ts and dur are microseconds: ticks of 16 ns, printed exactly. */
static void put_us(const char *key, uint64_t ticks)
{
	uint64_t ns = ticks * NS_PER_TICK;
	char frac[5] = { '.', (char)('0' + ns % 1000 / 100), (char)('0' + ns % 100 / 10), (char)('0' + ns % 10), 0 };

	out(key);
	out_u(ns / 1000);
	out(frac);
}

/* Opens one event; the caller adds fields and closes it with end(). */
static void begin(const char *ph, unsigned pid, unsigned tid, uint64_t ts)
{
	out(t.first ? "{\"ph\":\"" : ",\n{\"ph\":\"");
	out(ph);
	out("\",\"pid\":");
	out_u(pid);
	out(",\"tid\":");
	out_u(tid);
	put_us(",\"ts\":", ts);
	t.first = false;
	t.tot.events_written++;
}

static void end(void) { out("}"); }

/* A span named @name (and @name2 after it, if any), @args a JSON members list or NULL. */
static void span(unsigned pid, unsigned tid, uint64_t from, uint64_t to, const char *name, const char *name2)
{
	begin("X", pid, tid, from);
	put_us(",\"dur\":", to - from);
	out(",\"name\":\"");
	out(name);
	if (name2)
		out(name2);
	out("\"");
}

static void instant(unsigned pid, unsigned tid, uint64_t ts, const char *name, const char *args)
{
	begin("i", pid, tid, ts);
	out(",\"s\":\"t\",\"name\":\"");
	out(name);
	out("\",\"args\":{");
	out(args);
	out("}}");
}

static bool who(const struct hal_vcpu_ctx *ctx, unsigned *dom, unsigned *vcpu)
{
	unsigned vmid = (unsigned)(ctx->vttbr >> 48) & 0xffu;

	if (!vmid)
		return false;
	*dom = vmid - 1;
	*vcpu = (unsigned)(ctx->vmpidr & 0xffu);
	if (*vcpu >= SIM_TRACE_VCPUS)
		*vcpu = SIM_TRACE_VCPUS - 1;
	return true;
}

static const char *class_name(unsigned cls, char *buf, size_t len)
{
	if (exit_names[cls])
		return exit_names[cls];
	snprintf(buf, len, "ec_%#04x", cls);
	return buf;
}

static const char *hcall_name(unsigned op, char *buf, size_t len)
{
	if (op < SIM_TRACE_HCALLS && hcall_names[op])
		return hcall_names[op];
	snprintf(buf, len, "op_%u", op);
	return buf;
}

/* The hypervisor's span on @c since the last exit ends at @now. */
static void close_hyp(unsigned cpu, uint64_t now)
{
	struct pstate *p = &t.p[cpu];
	char cls[16];

	if (!p->in_hyp)
		return;
	p->in_hyp = false;
	t.dom[p->dom].hyp_ticks[p->vcpu] += now - p->since;
	if (!t.f)
		return;
	const char *c = class_name(p->cls, cls, sizeof(cls));
	span(0, cpu, p->since, now, "hyp ", c);
	end();
	span(1 + p->dom, p->vcpu, p->since, now, "hyp ", c);
	end();
}

static void hcall_done(unsigned dom, unsigned vcpu, struct vstate *v, const int64_t *result)
{
	char buf[16];

	v->hcall = false;
	if (!t.f)
		return;
	begin("i", 1 + dom, vcpu, v->hcall_at);
	out(",\"s\":\"t\",\"name\":\"hypercall ");
	out(hcall_name(v->op, buf, sizeof(buf)));
	out("\",\"args\":{\"op\":");
	out_u(v->op);
	out(",\"result\":");
	if (result)
		out_i(*result);
	else
		out("null");
	out("}}");
}

void sim_trace_enter(struct sim_cpu *c, const struct hal_vcpu_ctx *ctx)
{
	unsigned dom, vcpu, cpu = c->index;
	uint64_t now = sim_now();
	struct pstate *p = &t.p[cpu];

	if (!who(ctx, &dom, &vcpu))
		return;
	struct sim_trace_dom *d = &t.dom[dom];
	struct vstate *v = &t.v[dom][vcpu];
	bool sample = !d->seen || v->sample_mem;

	t.tot.entries++;
	close_hyp(cpu, now);
	if (cpu + 1 > t.max_cpu)
		t.max_cpu = cpu + 1;
	if (!p->any || p->idle || p->dom != dom || p->vcpu != vcpu) {
		t.tot.switches++;
		if (t.f) {
			char args[48];
			snprintf(args, sizeof(args), "\"dom\":%u,\"vcpu\":%u", dom, vcpu);
			char name[32];
			snprintf(name, sizeof(name), "sched d%u v%u", dom, vcpu);
			instant(0, cpu, now, name, args);
		}
	}
	p->any = true;
	p->idle = false;
	p->dom = dom;
	p->vcpu = vcpu;
	p->since = now;
	d->seen = true;
	if (vcpu + 1 > d->nr_vcpus)
		d->nr_vcpus = vcpu + 1;
	if (v->hcall) {
		int64_t res = (int64_t)ctx->x[0];
		hcall_done(dom, vcpu, v, &res);
	}
	if (sample && t.frames) {
		uint64_t n = t.frames(dom);
		if (n > d->mem_frames_peak)
			d->mem_frames_peak = n;
	}
	v->sample_mem = false;
	/* An injection is a pending entry the core listed since the exit: a new one, or one that was
	 * not pending then (an LR it refilled). */
	for (unsigned i = 0; i < ctx->vgic.nr_lr && i < HAL_VGIC_MAX_LRS; i++) {
		uint64_t lr = ctx->vgic.lr[i], old = i < v->nr_lr ? v->lr[i] : 0;
		if (!(lr & HAL_LR_PENDING))
			continue;
		if ((old & HAL_LR_PENDING) && (old & HAL_LR_VINTID_MASK) == (lr & HAL_LR_VINTID_MASK))
			continue;
		d->irqs++;
		if (t.f) {
			char args[48], name[24];
			unsigned vintid = (unsigned)(lr & HAL_LR_VINTID_MASK);
			snprintf(args, sizeof(args), "\"vintid\":%u,\"lr\":%u", vintid, i);
			snprintf(name, sizeof(name), "irq %u", vintid);
			instant(1 + dom, vcpu, now, name, args);
		}
	}
}

void sim_trace_exit(struct sim_cpu *c, const struct hal_vcpu_ctx *ctx, const struct hal_exit *exit)
{
	unsigned dom, vcpu, cpu = c->index, cls;
	uint64_t now = sim_now();
	struct pstate *p = &t.p[cpu];

	if (!who(ctx, &dom, &vcpu))
		return;
	struct sim_trace_dom *d = &t.dom[dom];
	struct vstate *v = &t.v[dom][vcpu];
	unsigned ec = (unsigned)(exit->esr >> 26) & 0x3fu;

	t.tot.exits++;
	cls = exit->reason == HAL_EXIT_IRQ      ? SIM_TRACE_EXIT_IRQ
	      : exit->reason == HAL_EXIT_SERROR ? SIM_TRACE_EXIT_SERROR
						: ec;
	d->exits[cls]++;
	d->run_ticks[vcpu] += now - p->since;
	if (t.f) {
		span(0, cpu, p->since, now, "d", NULL);
		ob.n--; /* the name's closing quote: dN vM goes in it */
		out_u(dom);
		out(" v");
		out_u(vcpu);
		out("\"}");
		span(1 + dom, vcpu, p->since, now, "guest", NULL);
		out(",\"args\":{\"pcpu\":");
		out_u(cpu);
		out("}}");
	}
	v->nr_lr = ctx->vgic.nr_lr < HAL_VGIC_MAX_LRS ? ctx->vgic.nr_lr : HAL_VGIC_MAX_LRS;
	memcpy(v->lr, ctx->vgic.lr, v->nr_lr * sizeof(v->lr[0]));
	p->in_hyp = true;
	p->cls = cls;
	p->since = now;
	if (cls == EC_HVC64 && (exit->esr & 0xffffu) == HVC_XEN) {
		unsigned op = (unsigned)ctx->x[16];
		d->hcalls[op < SIM_TRACE_HCALLS ? op : SIM_TRACE_HCALLS]++;
		if (v->hcall)
			hcall_done(dom, vcpu, v, NULL); /* never resumed: the vCPU was reset */
		v->hcall = true;
		v->op = op;
		v->hcall_at = now;
		v->sample_mem = op == OP_MEMORY || op == OP_GNTTAB;
		if (op == OP_EVTCHN && ctx->x[0] == EVTCHNOP_SEND) {
			d->events++;
			if (t.f)
				instant(1 + dom, vcpu, now, "evtchn send", "\"cmd\":4");
		}
	} else if (cls == EC_HVC64) {
		d->smccc++;
	} else if (cls == EC_IABT_LOW || cls == EC_DABT_LOW) {
		d->s2_faults++;
		if (t.f) {
			char args[96];
			uint64_t ipa = (exit->hpfar >> 4) << 12 | (exit->far & 0xfffu);
			snprintf(args, sizeof(args), "\"ipa\":\"%#" PRIx64 "\",\"far\":\"%#" PRIx64 "\",\"write\":%s",
				 ipa, exit->far, cls == EC_DABT_LOW && (exit->esr & ISS_WNR) ? "true" : "false");
			instant(1 + dom, vcpu, now, cls == EC_DABT_LOW ? "stage-2 dabt" : "stage-2 iabt", args);
		}
	}
}

void sim_trace_idle(struct sim_cpu *c)
{
	unsigned cpu = c->index;
	uint64_t now = sim_now();
	struct pstate *p = &t.p[cpu];

	close_hyp(cpu, now);
	if (p->idle)
		return;
	p->idle = true;
	t.tot.idles++;
	t.tot.switches++;
	if (cpu + 1 > t.max_cpu)
		t.max_cpu = cpu + 1;
	if (t.f)
		instant(0, cpu, now, "sched idle", "\"dom\":null");
}

static void meta(unsigned pid, int tid, const char *what, const char *name)
{
	flush();
	fprintf(t.f, ",\n{\"ph\":\"M\",\"pid\":%u,", pid);
	if (tid >= 0)
		fprintf(t.f, "\"tid\":%d,", tid);
	fprintf(t.f, "\"name\":\"%s\",\"args\":{\"name\":\"%s\"}}", what, name);
}

int sim_trace_close(char *err, size_t errlen)
{
	uint64_t now = sim_now();
	char name[64];

	for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++)
		close_hyp(cpu, now);
	for (unsigned d = 0; d < SIM_TRACE_DOMS; d++)
		for (unsigned i = 0; i < SIM_TRACE_VCPUS; i++)
			if (t.v[d][i].hcall)
				hcall_done(d, i, &t.v[d][i], NULL);
	if (!t.f)
		return 0;
	flush();
	if (t.first) /* no event at all: the metadata below must not start with a comma */
		fputs("{\"ph\":\"M\",\"pid\":0,\"name\":\"process_sort_index\",\"args\":{\"sort_index\":0}}", t.f);
	meta(0, -1, "process_name", "pCPUs");
	for (unsigned cpu = 0; cpu < t.max_cpu; cpu++) {
		snprintf(name, sizeof(name), "pCPU %u", cpu);
		meta(0, (int)cpu, "thread_name", name);
	}
	for (unsigned d = 0; d < SIM_TRACE_DOMS; d++) {
		if (!t.dom[d].seen)
			continue;
		/* Domain names come from the console: keep them to what JSON takes without escapes. */
		char safe[32];
		size_t n = 0;
		for (const char *s = t.names[d]; *s && n + 1 < sizeof(safe); s++)
			safe[n++] = (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') ? *s : '?';
		safe[n] = 0;
		snprintf(name, sizeof(name), n ? "d%u %s" : "d%u", d, safe);
		meta(1 + d, -1, "process_name", name);
		for (unsigned i = 0; i < t.dom[d].nr_vcpus; i++) {
			snprintf(name, sizeof(name), "d%u v%u", d, i);
			meta(1 + d, (int)i, "thread_name", name);
		}
	}
	fputs("\n]}\n", t.f);
	int bad = ferror(t.f);
	if (fclose(t.f) || bad) {
		t.f = NULL;
		snprintf(err, errlen, "--trace: writing the trace failed: %s", strerror(errno));
		return -1;
	}
	t.f = NULL;
	free(t.buf);
	t.buf = NULL;
	return 0;
}
