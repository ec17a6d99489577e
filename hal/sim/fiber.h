/* Coroutines for the sim: each pCPU (and later each guest vCPU) runs on its own stack, and control
 * moves between them only by explicit switches on the one host thread, which keeps runs replayable. */
#pragma once

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <ucontext.h>

struct sim_fiber {
	ucontext_t ctx; /* the first entry only: makecontext is the portable way onto a new stack */
	jmp_buf jb;     /* every later switch: no signal-mask system calls, unlike ucontext's */
	void *sp;       /* x86-64 without ASan: the suspended stack, callee-saved registers on it */
	bool fresh;     /* created and never entered */
	void *map;      /* stack mapping including the guard page; NULL for the host thread's own stack */
	size_t map_size;
	void (*entry)(void);
	/* What AddressSanitizer needs to follow the switches (unused in other builds). */
	const void *stack_bottom;
	size_t stack_size;
	void *fake_stack;
};

/* Adopts the calling host thread's context as a fiber others can switch back to. */
void sim_fiber_init_self(struct sim_fiber *f);

/* A fiber that will run @entry (which must never return) on a fresh stack when first switched to.
 * Returns 0 or -1 if the stack cannot be mapped. */
int sim_fiber_create(struct sim_fiber *f, void (*entry)(void));

/* Suspends @from and resumes @to; returns when something switches back to @from. */
void sim_fiber_switch(struct sim_fiber *from, struct sim_fiber *to);

/* Leaves @from for good (it is never resumed, only destroyed) and resumes @to. */
__attribute__((noreturn)) void sim_fiber_abandon(struct sim_fiber *from, struct sim_fiber *to);

/* Frees a created fiber's stack; it must not be running. */
void sim_fiber_destroy(struct sim_fiber *f);
