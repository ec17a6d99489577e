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

#if defined(__x86_64__) && !ASAN
/* glibc's longjmp unwinds cancellation handlers and saves and restores more than a switch between
 * our own stacks needs: every trap to the sim's EL2 is two switches, and they were a tenth of its
 * cost. fiber_swap pushes the SysV callee-saved registers and the x87/SSE control words, stores
 * the stack pointer in *save and pops the same from @sp; fiber_jump only restores; fiber_save_call
 * saves the same way, then calls @fn(@arg) on this stack (for a first entry through setcontext). */
void fiber_swap(void **save, void *sp);
__attribute__((noreturn)) void fiber_jump(void *sp);
void fiber_save_call(void **save, void (*fn)(struct sim_fiber *), struct sim_fiber *arg);
__asm__(".text\n"
	".p2align 4\n"
	".globl fiber_swap\n	.hidden fiber_swap\n	.type fiber_swap, @function\n"
	".globl fiber_jump\n	.hidden fiber_jump\n	.type fiber_jump, @function\n"
	".globl fiber_save_call\n	.hidden fiber_save_call\n	.type fiber_save_call, @function\n"
	"fiber_save_call:\n"
	"	pushq %rbp\n	pushq %rbx\n	pushq %r12\n	pushq %r13\n	pushq %r14\n	pushq %r15\n"
	"	subq $8, %rsp\n	stmxcsr (%rsp)\n	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rdx, %rdi\n"
	"	call *%rsi\n"
	"	ud2\n"
	"fiber_swap:\n"
	"	pushq %rbp\n	pushq %rbx\n	pushq %r12\n	pushq %r13\n	pushq %r14\n	pushq %r15\n"
	"	subq $8, %rsp\n	stmxcsr (%rsp)\n	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	jmp 1f\n"
	"fiber_jump:\n"
	"	movq %rdi, %rsp\n"
	"1:	ldmxcsr (%rsp)\n	fldcw 4(%rsp)\n	addq $8, %rsp\n"
	"	popq %r15\n	popq %r14\n	popq %r13\n	popq %r12\n	popq %rbx\n	popq %rbp\n"
	"	ret\n");
#define FAST_SWITCH 1
#else
#define FAST_SWITCH 0
#endif

/* The jump itself. setcontext rather than swapcontext for a first entry: ASan intercepts
 * swapcontext only to warn that it cannot follow it, while the annotations tell it everything. */
__attribute__((noreturn)) static void enter(struct sim_fiber *to)
{
	if (to->fresh) {
		to->fresh = false;
		setcontext(&to->ctx);
		abort(); /* setcontext only returns on failure */
	}
#if FAST_SWITCH
	fiber_jump(to->sp);
#else
	_longjmp(to->jb, 1);
#endif
}

void sim_fiber_switch(struct sim_fiber *from, struct sim_fiber *to)
{
	start_switch(from, to, false);
#if FAST_SWITCH
	if (to->fresh)
		fiber_save_call(&from->sp, enter, to);
	else
		fiber_swap(&from->sp, to->sp);
#else
	if (!_setjmp(from->jb))
		enter(to);
#endif
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
