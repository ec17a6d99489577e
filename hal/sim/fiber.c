/* _longjmp between stacks is the point here; the fortified variant rejects it as a corrupt jump. */
#undef _FORTIFY_SOURCE

#include "fiber.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ASAN 1
#else
#define ASAN 0
#endif

/* Generous because sanitizer builds inflate frames; MAP_NORESERVE makes unused stack free. */
#define STACK_SIZE (1u << 20)

/* The fibers on either side of the switch in progress: the one entered reads both. */
static struct sim_fiber *leaving, *entering;

static void start_switch(struct sim_fiber *from, struct sim_fiber *to, bool abandon)
{
	leaving = from;
	entering = to;
#if ASAN
	__sanitizer_start_switch_fiber(abandon ? NULL : &from->fake_stack, to->stack_bottom, to->stack_size);
#else
	(void)abandon;
#endif
}

/* Runs on the new stack right after a switch. ASan reports the bounds of the stack we came from,
 * which is the only way the host thread's own fiber learns its bounds. */
static void finish_switch(void *fake_stack)
{
#if ASAN
	const void *bottom;
	size_t size;
	__sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
	if (leaving && !leaving->map) {
		leaving->stack_bottom = bottom;
		leaving->stack_size = size;
	}
#else
	(void)fake_stack;
#endif
}

void sim_fiber_init_self(struct sim_fiber *f) { memset(f, 0, sizeof(*f)); }

static void trampoline(void)
{
	struct sim_fiber *self = entering;

	finish_switch(NULL); /* first entry: no fake stack to restore */
	self->entry();
	abort(); /* entries never return: there is nowhere to return to */
}

int sim_fiber_create(struct sim_fiber *f, void (*entry)(void))
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = STACK_SIZE + page;
	void *map =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);

	memset(f, 0, sizeof(*f));
	if (map == MAP_FAILED)
		return -1;
	/* A guard page below the stack turns an overflow into a fault instead of silent corruption. */
	if (mprotect(map, page, PROT_NONE) || getcontext(&f->ctx)) {
		munmap(map, size);
		return -1;
	}
	f->map = map;
	f->map_size = size;
	f->stack_bottom = (char *)map + page;
	f->stack_size = STACK_SIZE;
	f->entry = entry;
	f->fresh = true;
	f->ctx.uc_stack.ss_sp = (char *)map + page;
	f->ctx.uc_stack.ss_size = STACK_SIZE;
	f->ctx.uc_link = NULL;
	makecontext(&f->ctx, trampoline, 0);
	return 0;
}

/* The jump itself. setcontext rather than swapcontext for a first entry: ASan intercepts
 * swapcontext only to warn that it cannot follow it, while the annotations tell it everything. */
__attribute__((noreturn)) static void enter(struct sim_fiber *to)
{
	if (to->fresh) {
		to->fresh = false;
		setcontext(&to->ctx);
		abort(); /* setcontext only returns on failure */
	}
	_longjmp(to->jb, 1);
}

void sim_fiber_switch(struct sim_fiber *from, struct sim_fiber *to)
{
	start_switch(from, to, false);
	if (!_setjmp(from->jb))
		enter(to);
	finish_switch(from->fake_stack);
}

void sim_fiber_abandon(struct sim_fiber *from, struct sim_fiber *to)
{
	start_switch(from, to, true);
	enter(to);
}

void sim_fiber_destroy(struct sim_fiber *f)
{
	if (!f->map)
		return;
#if ASAN
	/* Frames left on an abandoned stack keep their redzones poisoned; a later mapping at the same
	 * address would inherit them and report false errors. */
	__asan_unpoison_memory_region(f->map, f->map_size);
#endif
	munmap(f->map, f->map_size);
	f->map = NULL;
}
