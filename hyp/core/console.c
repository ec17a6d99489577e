#include "core/console.h"

#include "core/spinlock.h"
#include "hal/console.h"

static spinlock_t con_lock = SPINLOCK_INIT;

void con_vprintf(const char *fmt, va_list ap)
{
	/* Format outside the lock, write under it: one CPU's line is never split by another's. */
	char line[256];
	int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	size_t len = n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1;

	spin_lock(&con_lock);
	hal_console_write(line, len);
	spin_unlock(&con_lock);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}
