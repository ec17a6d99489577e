/* The PV console on the host: a frontend and a backend over one xencons page, the hypervisor,
 * grants and event channels faked. Lines, long lines, a full ring the frontend waits on (the
 * fake's yield lets the backend drain), and a DomU's out-of-range out_prod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/cons.h"
#include "lib/evtchn.h"
#include "lib/guest.h"
#include "public/errno.h"
#include "public/hvm.h"
#include "public/io/console.h"
#include "tests/guests/ring/fake_shared.h"

static _Alignas(4096) uint8_t page[4096];

static struct {
	uint64_t pfn, port; /* the DomU's HVM params */
	int map_rc, bind_rc;
	unsigned notifies_front, notifies_back, yields, unmaps, closes;
	char out[64][160]; /* Dom0's console lines */
	unsigned lines;
} w;

static struct cons_back back;

long gl_hypercall(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	(void)a2, (void)a3, (void)a4;
	if (op == __HYPERVISOR_sched_op) {
		/* The frontend gives way: Dom0 runs its poll. */
		w.yields++;
		if (back.connected)
			cons_back_poll(&back);
		return 0;
	}
	assert_int_equal(op, __HYPERVISOR_hvm_op);
	assert_int_equal(a0, HVMOP_get_param);
	struct xen_hvm_param *p = (void *)(uintptr_t)a1;
	p->value = p->index == HVM_PARAM_CONSOLE_PFN ? w.pfn : p->index == HVM_PARAM_CONSOLE_EVTCHN ? w.port : 0;
	return 0;
}

void gl_printf(const char *fmt, ...)
{
	va_list ap;
	assert_true(w.lines < 64);
	va_start(ap, fmt);
	vsnprintf(w.out[w.lines], sizeof(w.out[0]), fmt, ap);
	va_end(ap);
	w.out[w.lines][strcspn(w.out[w.lines], "\n")] = 0;
	w.lines++;
}

int gl_evtchn_init(const void *fdt) { return (void)fdt, 0; }
int gl_evtchn_notify(evtchn_port_t port)
{
	if (port == w.port)
		w.notifies_front++; /* the frontend's port, as the DomU knows it */
	else
		w.notifies_back++;
	return 0;
}
int gl_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
	assert_int_equal(remote, 1);
	assert_int_equal(remote_port, w.port);
	*port = 40;
	return w.bind_rc;
}
int gl_evtchn_close(evtchn_port_t port) { return assert_int_equal(port, 40), w.closes++, 0; }

int gnttab_init(const void *fdt) { return (void)fdt, 0; }
int gnttab_map(domid_t dom, grant_ref_t ref, bool readonly, struct gnttab_mapping *m)
{
	assert_int_equal(dom, 1);
	assert_int_equal(ref, GNTTAB_RESERVED_CONSOLE);
	assert_false(readonly);
	m->gva = (uint64_t)(uintptr_t)page;
	m->handle = 3;
	return w.map_rc;
}
int gnttab_unmap(const struct gnttab_mapping *m) { return assert_int_equal(m->handle, 3), w.unmaps++, 0; }

static int setup(void **state)
{
	(void)state;
	memset(&w, 0, sizeof(w));
	memset(page, 0, sizeof(page));
	memset(&back, 0, sizeof(back));
	fake_shared_reset();
	fake_shared_window(page, sizeof(page));
	w.pfn = (uintptr_t)page >> 12;
	w.port = 5;
	assert_int_equal(cons_front_init(NULL), 0);
	assert_int_equal(cons_back_attach(&back, NULL, 1), 0);
	return 0;
}

static uint32_t idx(unsigned off)
{
	uint32_t v;
	memcpy(&v, page + off, 4);
	return v;
}

static void test_lines_arrive_prefixed_with_the_domain(void **state)
{
	(void)state;
	assert_int_equal(cons_front_write("hello\nworld\n", 12), 0);
	assert_int_equal(idx(XENCONS_OFF_OUT_PROD), 12);
	assert_true(w.notifies_front >= 1);
	assert_int_equal(cons_back_poll(&back), 12);
	assert_int_equal(idx(XENCONS_OFF_OUT_CONS), 12);
	assert_int_equal(w.lines, 2);
	assert_string_equal(w.out[0], "[d1] hello");
	assert_string_equal(w.out[1], "[d1] world");
	assert_int_equal(w.notifies_back, 1); /* room made: the frontend is told */
	assert_int_equal(cons_back_poll(&back), 0);
	assert_int_equal(w.notifies_back, 1);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_partial_line_waits_for_its_newline_or_detach(void **state)
{
	(void)state;
	cons_printf("count %d", 12);
	cons_back_poll(&back);
	assert_int_equal(w.lines, 0);
	cons_printf("3\ntail");
	cons_back_poll(&back);
	assert_int_equal(w.lines, 1);
	assert_string_equal(w.out[0], "[d1] count 123");
	cons_back_detach(&back);
	assert_string_equal(w.out[1], "[d1] tail");
	assert_int_equal(w.unmaps, 1);
	assert_int_equal(w.closes, 1);
	assert_int_equal(cons_back_poll(&back), -XEN_EINVAL);
}

static void test_long_line_is_printed_in_pieces_that_join_up(void **state)
{
	char line[301], joined[400] = "";
	(void)state;
	for (unsigned i = 0; i < 300; i++)
		line[i] = (char)('a' + i % 26);
	line[300] = '\n';
	assert_int_equal(cons_front_write(line, sizeof(line)), 0);
	cons_back_poll(&back);
	assert_int_equal(w.lines, 3);
	for (unsigned i = 0; i < w.lines; i++) {
		assert_memory_equal(w.out[i], "[d1] ", 5);
		assert_true(strlen(w.out[i]) - 5 <= CONS_LINE - 1);
		strcat(joined, w.out[i] + 5);
	}
	assert_memory_equal(joined, line, 300);
	assert_int_equal(strlen(joined), 300);
}

static void test_control_bytes_are_masked(void **state)
{
	(void)state;
	cons_front_write("a\x1b[2Jb\r\n", 8);
	cons_back_poll(&back);
	assert_string_equal(w.out[0], "[d1] a.[2Jb");
}

/* 40 lines of 120 bytes: more than twice the ring. The frontend waits for room, nothing is lost. */
static void test_full_ring_makes_the_frontend_wait_and_loses_nothing(void **state)
{
	(void)state;
	back.on_line = NULL;
	for (unsigned i = 0; i < 40; i++) {
		char l[121];
		memset(l, 'x', sizeof(l));
		snprintf(l, sizeof(l), "line %02u ", i);
		l[strlen(l)] = '.';
		l[119] = '\n';
		assert_int_equal(cons_front_write(l, 120), 0);
	}
	assert_true(cons_front_waits() > 0);
	assert_true(w.yields > 0);
	assert_int_equal(cons_front_flush(), 0);
	cons_back_poll(&back);
	assert_int_equal(w.lines, 40);
	for (unsigned i = 0; i < 40; i++) {
		char want[16];
		snprintf(want, sizeof(want), "[d1] line %02u ", i);
		assert_memory_equal(w.out[i], want, strlen(want));
		assert_int_equal(strlen(w.out[i]), 5 + 119);
	}
	assert_int_equal(back.bytes, 40 * 120);
}

static void test_hostile_out_prod_disconnects_only_that_console(void **state)
{
	(void)state;
	cons_front_write("ok\n", 3);
	cons_back_poll(&back);
	uint32_t bad = idx(XENCONS_OFF_OUT_CONS) + XENCONS_OUT_SIZE + 1;
	memcpy(page + XENCONS_OFF_OUT_PROD, &bad, 4);
	assert_int_equal(cons_back_poll(&back), -XEN_EIO);
	assert_string_equal(w.out[1], "[d1] console: broken ring (out_cons 3, out_prod 2052), disconnected");
	assert_true(back.broken);
	assert_int_equal(w.unmaps, 1);
	assert_int_equal(cons_back_poll(&back), -XEN_EIO);
	assert_int_equal(w.lines, 2); /* said once */
	back.connected = false;       /* the frontend sees its own ring broken too */
	assert_int_equal(cons_front_write("x", 1), -XEN_EIO);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_attach_failures_hold_nothing(void **state)
{
	struct cons_back b = { 0 };
	(void)state;
	w.map_rc = -XEN_EPERM;
	assert_int_equal(cons_back_attach(&b, NULL, 1), -XEN_EPERM);
	assert_false(b.connected);
	w.map_rc = 0;
	w.bind_rc = -XEN_EINVAL;
	unsigned unmaps = w.unmaps;
	assert_int_equal(cons_back_attach(&b, NULL, 1), -XEN_EINVAL);
	assert_int_equal(w.unmaps, unmaps + 1);
	assert_false(b.connected);
	w.bind_rc = 0;
	w.port = 0; /* no console port for the domain */
	assert_int_equal(cons_back_attach(&b, NULL, 1), -XEN_ENOENT);
}

static void test_front_without_console_params_is_enoent(void **state)
{
	(void)state;
	fake_shared_reset(); /* a fresh domain: no frontend yet */
	fake_shared_window(page, sizeof(page));
	w.pfn = 0;
	assert_int_equal(cons_front_init(NULL), -XEN_ENOENT);
	assert_int_equal(cons_front_write("x", 1), -XEN_EINVAL);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_lines_arrive_prefixed_with_the_domain),
		T(test_partial_line_waits_for_its_newline_or_detach),
		T(test_long_line_is_printed_in_pieces_that_join_up),
		T(test_control_bytes_are_masked),
		T(test_full_ring_makes_the_frontend_wait_and_loses_nothing),
		T(test_hostile_out_prod_disconnects_only_that_console),
		T(test_attach_failures_hold_nothing),
		T(test_front_without_console_params_is_enoent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
