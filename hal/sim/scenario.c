#include "scenario.h"

#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hal/platform.h"

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Far above any real tree (the core takes up to 2 MiB): a bound, so a wrong file fails fast. */
#define MAX_FILE (16u << 20)

/* Reads all of @fd; returns the buffer (caller frees) or NULL with errno set. */
static void *slurp(int fd, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		if (n == cap) {
			errno = EFBIG;
			char *bigger = cap < MAX_FILE ? realloc(buf, cap *= 2) : NULL;
			if (!bigger)
				break;
			buf = bigger;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r == 0) {
			*len = n;
			return buf;
		}
		if (r < 0 && errno != EINTR)
			break;
		n += r > 0 ? (size_t)r : 0;
	}
	free(buf);
	return NULL;
}

static void *compile(const char *path, size_t *len, char *err, size_t errlen)
{
	int fds[2], status = 0;
	pid_t pid;

	if (access(path, R_OK))
		return fail(err, errlen, "%s: %s", path, strerror(errno)), NULL;
	if (pipe(fds))
		return fail(err, errlen, "%s: pipe: %s", path, strerror(errno)), NULL;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("dtc", "dtc", "-I", "dts", "-O", "dtb", "-o", "-", path, (char *)NULL);
		fprintf(stderr, "hypsim: cannot run dtc (install device-tree-compiler): %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return fail(err, errlen, "%s: fork: %s", path, strerror(errno)), NULL;
	}
	void *dtb = slurp(fds[0], len);
	int saved = errno;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(dtb);
		/* dtc's own messages, already on stderr, name the line that is wrong. */
		return fail(err, errlen, "%s: dtc could not compile it (see its messages above)", path), NULL;
	}
	if (!dtb)
		fail(err, errlen, "%s: reading dtc's output: %s", path, strerror(saved));
	return dtb;
}

static void *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno)), NULL;
	void *buf = slurp(fileno(f), len);
	if (!buf)
		fail(err, errlen, "%s: %s", path, strerror(errno));
	fclose(f);
	return buf;
}

int sim_scenario_load(const char *path, struct sim_scenario *s, char *err, size_t errlen)
{
	size_t n = strlen(path), len = 0;
	bool dts = n > 4 && strcmp(path + n - 4, ".dts") == 0;

	s->dtb = dts ? compile(path, &len, err, errlen) : read_file(path, &len, err, errlen);
	if (!s->dtb)
		return -1;
	s->len = len;
	if (len < sizeof(struct fdt_header) || fdt_magic(s->dtb) != FDT_MAGIC) {
		sim_scenario_free(s);
		return fail(err, errlen, "%s: not a device tree blob (no FDT magic); give a .dtb, or a .dts to compile",
			    path);
	}
	int rc = fdt_totalsize(s->dtb) > len ? -FDT_ERR_TRUNCATED : fdt_check_full(s->dtb, len);
	if (rc) {
		sim_scenario_free(s);
		return fail(err, errlen, "%s: corrupt device tree: %s", path, fdt_strerror(rc));
	}
	return 0;
}

/* Room for an edit: the tree is reopened with @extra bytes of slack, and packed again after. */
static int reopen(struct sim_scenario *s, size_t extra, char *err, size_t errlen)
{
	size_t size = fdt_totalsize(s->dtb) + extra;
	void *buf = malloc(size);
	int rc = buf ? fdt_open_into(s->dtb, buf, (int)size) : -FDT_ERR_NOSPACE;

	if (rc) {
		free(buf);
		return fail(err, errlen, "editing the tree: %s", fdt_strerror(rc));
	}
	free(s->dtb);
	s->dtb = buf;
	return 0;
}

static void repack(struct sim_scenario *s)
{
	fdt_pack(s->dtb);
	s->len = fdt_totalsize(s->dtb);
}

static bool enabled_cpu(const void *fdt, int node)
{
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return type && strcmp(type, "cpu") == 0 && (!status || !strcmp(status, "okay") || !strcmp(status, "ok"));
}

/* The (@n+1)th enabled CPU under /cpus, or a negative libfdt error if there is none. */
static int cpu_after(const void *fdt, unsigned n, unsigned *count)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	*count = 0;
	if (cpus < 0)
		return cpus;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		if (enabled_cpu(fdt, node) && (*count)++ == n)
			return node;
	}
	return -FDT_ERR_NOTFOUND;
}

int sim_scenario_limit_cpus(struct sim_scenario *s, unsigned n, char *err, size_t errlen)
{
	unsigned count;
	int node;

	if (n == 0)
		return fail(err, errlen, "--pcpus must be at least 1");
	if (reopen(s, 64 * PLAT_MAX_CPUS, err, errlen))
		return -1;
	/* One at a time: each edit moves the offsets of everything after it. */
	while ((node = cpu_after(s->dtb, n, &count)) >= 0) {
		int rc = fdt_setprop_string(s->dtb, node, "status", "disabled");
		if (rc)
			return fail(err, errlen, "disabling %s: %s", fdt_get_name(s->dtb, node, NULL),
				    fdt_strerror(rc));
	}
	repack(s);
	if (count < n)
		return fail(err, errlen, "--pcpus %u: the tree has only %u enabled CPUs under /cpus", n, count);
	return 0;
}

int sim_scenario_set_bootargs(struct sim_scenario *s, const char *args, char *err, size_t errlen)
{
	if (reopen(s, strlen(args) + 256, err, errlen))
		return -1;
	int chosen = fdt_path_offset(s->dtb, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(s->dtb, 0, "chosen");
	if (chosen < 0)
		return fail(err, errlen, "/chosen: %s", fdt_strerror(chosen));
	const char *prop = fdt_getprop(s->dtb, chosen, "xen,xen-bootargs", NULL) ? "xen,xen-bootargs" : "bootargs";
	int rc = fdt_setprop_string(s->dtb, chosen, prop, args);
	if (rc)
		return fail(err, errlen, "/chosen %s: %s", prop, fdt_strerror(rc));
	repack(s);
	return 0;
}

void sim_scenario_free(struct sim_scenario *s)
{
	free(s->dtb);
	s->dtb = NULL;
	s->len = 0;
}
