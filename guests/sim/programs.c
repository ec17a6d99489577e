#include "guests/sim/programs.h"

#include "guests/lib/sim/runtime.h"

void hcalltest_main(const void *fdt);
void memtest_main(const void *fdt);

static void hcalltest(uint64_t image, uint64_t x0) { gl_sim_start(hcalltest_main, image, x0); }
static void memtest(uint64_t image, uint64_t x0) { gl_sim_start(memtest_main, image, x0); }

const struct sim_program sim_guest_programs[] = {
	{ "hcalltest", hcalltest },
	{ "memtest", memtest },
};

const unsigned sim_guest_program_count = sizeof(sim_guest_programs) / sizeof(sim_guest_programs[0]);
