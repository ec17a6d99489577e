#include "guests/sim/programs.h"

#include "guests/lib/sim/runtime.h"

void blkback_main(const void *fdt);
void blkfront_main(const void *fdt);
void netback_main(const void *fdt);
void netfront_main(const void *fdt);
void netfront_b_main(const void *fdt);
void pvdom0_main(const void *fdt);
void ticker_main(const void *fdt);
void consback_main(const void *fdt);
void consfront_main(const void *fdt);
void vconsback_main(const void *fdt);
void vconsfront_main(const void *fdt);
void dmatest_main(const void *fdt);
void gnttest_main(const void *fdt);
void evtchntest_main(const void *fdt);
void evtchntest_b_main(const void *fdt);
void hcalltest_main(const void *fdt);
void hvcrate_main(const void *fdt);
void irqtest_main(const void *fdt);
void memtest_main(const void *fdt);
void shutdowner_main(const void *fdt);
void smptest_main(const void *fdt);
void vgictest_main(const void *fdt);
void spinner_a_main(const void *fdt);
void spinner_b_main(const void *fdt);
void pvcheck_main(const void *fdt);
void tiny_main(const void *fdt);
void cycler_main(const void *fdt);
void xsdom0_main(const void *fdt);
void xstest_main(const void *fdt);
void xstest_b_main(const void *fdt);
void evtping_main(const void *fdt);

static void blkback(uint64_t image, uint64_t x0) { gl_sim_start(blkback_main, image, x0); }
static void blkfront(uint64_t image, uint64_t x0) { gl_sim_start(blkfront_main, image, x0); }
static void netback(uint64_t image, uint64_t x0) { gl_sim_start(netback_main, image, x0); }
static void netfront(uint64_t image, uint64_t x0) { gl_sim_start(netfront_main, image, x0); }
static void netfront_b(uint64_t image, uint64_t x0) { gl_sim_start(netfront_b_main, image, x0); }
static void pvdom0(uint64_t image, uint64_t x0) { gl_sim_start(pvdom0_main, image, x0); }
static void ticker(uint64_t image, uint64_t x0) { gl_sim_start(ticker_main, image, x0); }
static void consback(uint64_t image, uint64_t x0) { gl_sim_start(consback_main, image, x0); }
static void consfront(uint64_t image, uint64_t x0) { gl_sim_start(consfront_main, image, x0); }
static void vconsback(uint64_t image, uint64_t x0) { gl_sim_start(vconsback_main, image, x0); }
static void vconsfront(uint64_t image, uint64_t x0) { gl_sim_start(vconsfront_main, image, x0); }
static void dmatest(uint64_t image, uint64_t x0) { gl_sim_start(dmatest_main, image, x0); }
static void gnttest(uint64_t image, uint64_t x0) { gl_sim_start(gnttest_main, image, x0); }
static void evtchntest(uint64_t image, uint64_t x0) { gl_sim_start(evtchntest_main, image, x0); }
static void evtchntest_b(uint64_t image, uint64_t x0) { gl_sim_start(evtchntest_b_main, image, x0); }
static void hcalltest(uint64_t image, uint64_t x0) { gl_sim_start(hcalltest_main, image, x0); }
static void hvcrate(uint64_t image, uint64_t x0) { gl_sim_start(hvcrate_main, image, x0); }
static void irqtest(uint64_t image, uint64_t x0) { gl_sim_start(irqtest_main, image, x0); }
static void memtest(uint64_t image, uint64_t x0) { gl_sim_start(memtest_main, image, x0); }
static void shutdowner(uint64_t image, uint64_t x0) { gl_sim_start(shutdowner_main, image, x0); }
static void smptest(uint64_t image, uint64_t x0) { gl_sim_start(smptest_main, image, x0); }
static void vgictest(uint64_t image, uint64_t x0) { gl_sim_start(vgictest_main, image, x0); }
static void spinner_a(uint64_t image, uint64_t x0) { gl_sim_start(spinner_a_main, image, x0); }
static void spinner_b(uint64_t image, uint64_t x0) { gl_sim_start(spinner_b_main, image, x0); }
static void pvcheck(uint64_t image, uint64_t x0) { gl_sim_start(pvcheck_main, image, x0); }
static void tiny(uint64_t image, uint64_t x0) { gl_sim_start(tiny_main, image, x0); }
static void cycler(uint64_t image, uint64_t x0) { gl_sim_start(cycler_main, image, x0); }
static void xsdom0(uint64_t image, uint64_t x0) { gl_sim_start(xsdom0_main, image, x0); }
static void xstest(uint64_t image, uint64_t x0) { gl_sim_start(xstest_main, image, x0); }
static void xstest_b(uint64_t image, uint64_t x0) { gl_sim_start(xstest_b_main, image, x0); }
static void evtping(uint64_t image, uint64_t x0) { gl_sim_start(evtping_main, image, x0); }

const struct sim_program sim_guest_programs[] = {
	{ "blkback", blkback },
	{ "blkfront", blkfront },
	{ "netback", netback },
	{ "netfront", netfront },
	{ "netfront_b", netfront_b },
	{ "pvdom0", pvdom0 },
	{ "ticker", ticker },
	{ "consback", consback },
	{ "consfront", consfront },
	{ "vconsback", vconsback },
	{ "vconsfront", vconsfront },
	{ "dmatest", dmatest },
	{ "gnttest", gnttest },
	{ "evtchntest", evtchntest },
	{ "evtchntest-b", evtchntest_b },
	{ "hcalltest", hcalltest },
	{ "hvcrate", hvcrate },
	{ "irqtest", irqtest },
	{ "memtest", memtest },
	{ "shutdowner", shutdowner },
	{ "smptest", smptest },
	{ "spinner", spinner_a },
	{ "vgictest", vgictest },
	{ "spinner-b", spinner_b },
	{ "pvcheck", pvcheck },
	{ "tiny", tiny },
	{ "cycler", cycler },
	{ "xsdom0", xsdom0 },
	{ "xstest", xstest },
	{ "xstest-b", xstest_b },
	{ "evtping", evtping },
	/* Not a program of its own: where gl_cpu_on's secondary vCPUs start, whatever the program. */
	{ GL_SIM_SECONDARY_PROGRAM, gl_sim_secondary },
};

const unsigned sim_guest_program_count = sizeof(sim_guest_programs) / sizeof(sim_guest_programs[0]);
