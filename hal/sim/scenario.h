/* hypsim's scenario files: a DTB, or a DTS compiled with dtc, then edited as the command line asks
 * (fewer CPUs, other bootargs) the way firmware or QEMU edits a tree before handing it over. */
#pragma once

#include <stddef.h>

struct sim_scenario {
	void *dtb;
	size_t len;
};

/* Each returns 0, or -1 with @err saying which file or node and what is wrong. */
int sim_scenario_load(const char *path, struct sim_scenario *s, char *err, size_t errlen);

/* Marks every enabled CPU after the first @n "disabled", as firmware does with CPUs it holds back. */
int sim_scenario_limit_cpus(struct sim_scenario *s, unsigned n, char *err, size_t errlen);

/* Replaces the command line the hypervisor reads: xen,xen-bootargs if the tree has it, else bootargs. */
int sim_scenario_set_bootargs(struct sim_scenario *s, const char *args, char *err, size_t errlen);

void sim_scenario_free(struct sim_scenario *s);
