/* Snapshot and restore of the hypercall harness's machine (engine builds): RAM is write-protected
 * after the world is built and pages are recorded as they are first written, so a reset copies
 * back only those pages plus the core's globals (collected by hyp_section.h into two sections). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hal/mmu.h"
#include "hcall_world.h"

#ifdef WORLD_SNAPSHOT
/* This file's own state is not the machine's: back to the default sections. */
#pragma clang section bss = "" data = ""

/* The sections hold ASan's poisoned redzones between globals: copied unchecked, word by word
 * (volatile, so it is not turned into a memcpy that the sanitizer would check). */
__attribute__((no_sanitize("address", "coverage"))) static void copy_words(void *dst, const void *src, size_t len)
{
	volatile uint64_t *d = dst;
	const volatile uint64_t *s = src;
	for (size_t i = 0; i < len / 8; i++)
		d[i] = s[i];
}

extern char __start_world_data[] __attribute__((weak)), __stop_world_data[] __attribute__((weak));
extern char __start_world_bss[] __attribute__((weak)), __stop_world_bss[] __attribute__((weak));

#define RAM_PAGES (WORLD_RAM_SIZE / PAGE_SIZE)

static uint8_t *ram, *ram_copy, *data_copy, *bss_copy;
static uint32_t dirty[RAM_PAGES];
static unsigned ndirty;
static struct sigaction chained;

/* A write to protected RAM: note the page and let the write through; any other fault is the
 * sanitizer's or the engine's to report. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, base = (uintptr_t)ram;

	if (ram && a - base < WORLD_RAM_SIZE) {
		uint32_t page = (uint32_t)((a - base) / PAGE_SIZE);
		if (mprotect(ram + (size_t)page * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE) == 0) {
			dirty[ndirty++] = page;
			return;
		}
	}
	if (chained.sa_flags & SA_SIGINFO) {
		chained.sa_sigaction(sig, si, uc);
	} else if (chained.sa_handler != SIG_IGN && chained.sa_handler != SIG_DFL) {
		chained.sa_handler(sig);
	} else {
		signal(sig, SIG_DFL); /* the faulting access runs again and kills the process */
	}
}

void world_snapshot(void)
{
	size_t data = (size_t)(__stop_world_data - __start_world_data),
	       bss = (size_t)(__stop_world_bss - __start_world_bss);
	struct sigaction sa = { 0 };

	ram = hal_pa_to_va(pa_init(WORLD_RAM_BASE));
	ram_copy = malloc(WORLD_RAM_SIZE);
	data_copy = malloc(data + 1);
	bss_copy = malloc(bss + 1);
	if (!ram || !ram_copy || !data_copy || !bss_copy)
		abort();
	memcpy(ram_copy, ram, WORLD_RAM_SIZE);
	copy_words(data_copy, __start_world_data, data);
	copy_words(bss_copy, __start_world_bss, bss);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	if (sigaction(SIGSEGV, &sa, &chained) || mprotect(ram, WORLD_RAM_SIZE, PROT_READ))
		abort();
}

void world_restore(void)
{
	for (unsigned i = 0; i < ndirty; i++) {
		size_t off = (size_t)dirty[i] * PAGE_SIZE;
		memcpy(ram + off, ram_copy + off, PAGE_SIZE);
	}
	/* One call for the whole bank: the kernel merges the pieces back into one mapping. */
	if (ndirty && mprotect(ram, WORLD_RAM_SIZE, PROT_READ))
		abort();
	ndirty = 0;
	copy_words(__start_world_data, data_copy, (size_t)(__stop_world_data - __start_world_data));
	copy_words(__start_world_bss, bss_copy, (size_t)(__stop_world_bss - __start_world_bss));
}
#endif
