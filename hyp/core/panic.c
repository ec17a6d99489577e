#include "core/panic.h"

#include "core/console.h"
#include "hal/cpu.h"
#include "hal/exit.h"

HAL_NORETURN void panic(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	con_printf("PANIC on CPU %u: %s\n", hal_cpu_id(), msg);
	hal_panic_stop(PANIC_STATUS);
}

const char *panic_ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x07: return "FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x11: return "SVC (AArch32)";
	case 0x12: return "HVC (AArch32)";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "system register";
	case 0x20: return "instruction abort, lower EL";
	case 0x21: return "instruction abort, same EL";
	case 0x22: return "PC alignment";
	case 0x24: return "data abort, lower EL";
	case 0x25: return "data abort, same EL";
	case 0x26: return "SP alignment";
	case 0x2f: return "SError";
	case 0x3c: return "BRK";
	default: return "unknown";
	}
}

HAL_NORETURN void hyp_fatal_exception(const struct hal_frame *f, const char *what)
{
	unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;

	con_printf("PANIC on CPU %u: unexpected %s exception at EL2\n", hal_cpu_id(), what);
	con_printf("ESR_EL2 %016llx (EC 0x%02x %s, IL %u, ISS 0x%07llx)\n", (unsigned long long)f->esr, ec,
		   panic_ec_name(ec), (unsigned)(f->esr >> 25) & 1, (unsigned long long)f->esr & 0x1ffffff);
	con_printf("ELR_EL2 %016llx  FAR_EL2 %016llx  SPSR_EL2 %016llx\n", (unsigned long long)f->elr,
		   (unsigned long long)f->far, (unsigned long long)f->spsr);
	con_printf("HPFAR_EL2 %016llx  SP %016llx\n", (unsigned long long)f->hpfar, (unsigned long long)f->sp);
	for (int i = 0; i < 31; i += 2) {
		if (i == 30)
			con_printf("x30 %016llx\n", (unsigned long long)f->x[30]);
		else
			con_printf("x%-2d %016llx  x%-2d %016llx\n", i, (unsigned long long)f->x[i], i + 1,
				   (unsigned long long)f->x[i + 1]);
	}
	hal_panic_stop(PANIC_STATUS);
}
