/* The machine's life around each input: rebuilt and torn down (plain build), or, in engine builds,
 * reset to a snapshot: RAM is write-protected after the world is built and pages are recorded as
 * they are first written, so a reset copies back only those pages plus the core's globals
 * (collected by hyp_section.h into two sections). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hal/mmu.h"
#include "hcall_world.h"
#include "mm/frame.h"
#include "mm/heap.h"

#ifdef WORLD_SNAPSHOT
/* This file's own state is not the machine's: back to the default sections. */
#pragma clang section bss = "" data = ""
#endif

WORLD_UNTRACED_BEGIN

static uint64_t heap_start, free_start;

#ifdef WORLD_SNAPSHOT
/* One input in 32 by a hash of all its bytes, not by a byte an input sets: engines keep the inputs
 * that reach teardown's code, and their offspring would inherit a chosen byte (a quarter of
 * libFuzzer's inputs tore down, at 180 us each); any mutation changes the hash. */
static bool teardown_chosen(const uint8_t *data, size_t size)
{
	uint64_t h = (uint64_t)size * UINT64_C(0x9e3779b97f4a7c15), w;
	size_t i = 0;

	for (; i + 8 <= size; i += 8) {
		memcpy(&w, data + i, 8);
		h = (h ^ w) * UINT64_C(0x100000001b3);
	}
	for (; i < size; i++)
		h = (h ^ data[i]) * UINT64_C(0x100000001b3);
	return (h >> 40 & 31) == 0;
}
#endif

bool world_begin(const uint8_t *data, size_t size)
{
	static bool started;

	if (!started) {
		/* At the first input, once the engine's own signal handlers are in place. */
		world_init();
		heap_start = heap_bytes_in_use();
		free_start = frame_free_count();
		started = true;
#ifdef WORLD_SNAPSHOT
		world_build();
		world_snapshot();
#endif
	}
#ifdef WORLD_SNAPSHOT
	return teardown_chosen(data, size);
#else
	(void)data;
	(void)size;
	world_build();
	return true;
#endif
}

void world_end(bool teardown)
{
	if (teardown) {
		world_destroy();
		/* Nothing leaked: every frame back (p2m tables, frames others mapped), the heap as it was. */
		if (heap_bytes_in_use() != heap_start || frame_free_count() != free_start)
			abort();
	}
#ifdef WORLD_SNAPSHOT
	world_restore();
#endif
}

#ifdef WORLD_SNAPSHOT

/* The sections hold ASan's poisoned redzones between globals: copied unchecked, by a loop the
 * compiler may vectorise but not turn into a call to memcpy, which the sanitizer would check. */
__attribute__((no_sanitize("address", "undefined", "coverage"), no_builtin("memcpy"))) static void
copy_words(void *dst, const void *src, size_t len)
{
	uint64_t *restrict d = dst;
	const uint64_t *restrict s = src;
	for (size_t i = 0; i < len / 8; i++)
		d[i] = s[i];
}

extern char __start_world_data[] __attribute__((weak)), __stop_world_data[] __attribute__((weak));
extern char __start_world_bss[] __attribute__((weak)), __stop_world_bss[] __attribute__((weak));

#define RAM_PAGES (WORLD_RAM_SIZE / PAGE_SIZE)
/* A page written in at least HOT_SHARE of HOT_WINDOW inputs stays writable and is copied back
 * after every input without a fault (the frame table, heap metadata, the argument pages): a copy
 * costs a fraction of a fault and an mprotect. At most HOT_MAX of them, so a reset stays small. */
#define HOT_WINDOW 256
#define HOT_SHARE  32
#define HOT_MAX    32
/* An input that writes this many pages (a memory_op scrubbing most of RAM) opens the whole of RAM
 * at once: faulting on all 512 pages took 14 ms an input, a copy of all RAM at reset ~0.1 ms. */
#define FLOOD_PAGES 48

enum { PAGE_CLEAN, PAGE_DIRTY, PAGE_HOT };

static uint8_t *ram, *ram_copy, *data_copy, *bss_copy;
static uint8_t state[RAM_PAGES];
static uint16_t heat[RAM_PAGES];
static uint32_t dirty[RAM_PAGES], hot[HOT_MAX];
static unsigned ndirty, nhot, resets;
static struct sigaction chained;

/* Every page writable and marked written (ndirty stays at FLOOD_PAGES: no page faults again);
 * world_restore copies all of RAM back. */
static void flood(void)
{
	if (mprotect(ram, WORLD_RAM_SIZE, PROT_READ | PROT_WRITE))
		abort();
	for (uint32_t p = 0; p < RAM_PAGES; p++)
		if (state[p] == PAGE_CLEAN)
			state[p] = PAGE_DIRTY;
}

/* A write to protected RAM: note the page and let the write through; any other fault is the
 * sanitizer's or the engine's to report. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, base = (uintptr_t)ram;

	if (ram && a - base < WORLD_RAM_SIZE) {
		uint32_t page = (uint32_t)((a - base) / PAGE_SIZE);
		if (state[page] == PAGE_CLEAN &&
		    mprotect(ram + (size_t)page * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE) == 0) {
			state[page] = PAGE_DIRTY;
			dirty[ndirty++] = page;
			if (ndirty == FLOOD_PAGES)
				flood();
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

static void page_back(uint32_t page)
{
	size_t off = (size_t)page * PAGE_SIZE;
	memcpy(ram + off, ram_copy + off, PAGE_SIZE);
}

/* Every HOT_WINDOW resets, the pages written often enough become hot. */
static void promote(void)
{
	for (uint32_t p = 0; p < RAM_PAGES; p++) {
		if (heat[p] >= HOT_SHARE && state[p] == PAGE_CLEAN && nhot < HOT_MAX) {
			if (mprotect(ram + (size_t)p * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE))
				abort();
			state[p] = PAGE_HOT;
			hot[nhot++] = p;
		}
		heat[p] = 0;
	}
}

/* After a flood: all of RAM back (the hot pages with it), every page but the hot ones protected
 * again. */
static void unflood(void)
{
	memcpy(ram, ram_copy, WORLD_RAM_SIZE);
	for (unsigned i = 0; i < ndirty; i++)
		heat[dirty[i]]++;
	for (uint32_t p = 0; p < RAM_PAGES; p++)
		if (state[p] == PAGE_DIRTY)
			state[p] = PAGE_CLEAN;
	if (mprotect(ram, WORLD_RAM_SIZE, PROT_READ))
		abort();
	for (unsigned i = 0; i < nhot; i++)
		if (mprotect(ram + (size_t)hot[i] * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE))
			abort();
}

/* Only the pages written since the snapshot back, each protected again. */
static void pages_back(void)
{
	for (unsigned i = 0; i < nhot; i++)
		page_back(hot[i]);
	for (unsigned i = 0; i < ndirty; i++) {
		uint32_t p = dirty[i];
		page_back(p);
		heat[p]++;
		state[p] = PAGE_CLEAN;
		if (mprotect(ram + (size_t)p * PAGE_SIZE, PAGE_SIZE, PROT_READ))
			abort();
	}
}

void world_restore(void)
{
	if (ndirty >= FLOOD_PAGES)
		unflood();
	else
		pages_back();
	ndirty = 0;
	if (++resets % HOT_WINDOW == 0)
		promote();
	copy_words(__start_world_data, data_copy, (size_t)(__stop_world_data - __start_world_data));
	copy_words(__start_world_bss, bss_copy, (size_t)(__stop_world_bss - __start_world_bss));
}

bool world_page_clean(const void *va)
{
	uintptr_t off = (uintptr_t)va - (uintptr_t)ram;
	return ram && off < WORLD_RAM_SIZE && state[off / PAGE_SIZE] == PAGE_CLEAN;
}

const void *world_snapshot_of(const void *va)
{
	uintptr_t off = (uintptr_t)va - (uintptr_t)ram;
	return ram && off < WORLD_RAM_SIZE ? ram_copy + off : NULL;
}
#else
bool world_page_clean(const void *va)
{
	(void)va;
	return false;
}

const void *world_snapshot_of(const void *va)
{
	(void)va;
	return NULL;
}
#endif

WORLD_UNTRACED_END
