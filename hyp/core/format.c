#include "core/format.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left;
	bool zero;
	bool plus;
	bool alt;
	int width;
	int prec; /* -1: none */
};

static void emit(struct out *o, const struct spec *s, const char *sign, const char *digits, int ndigits)
{
	int zeros = s->prec > ndigits ? s->prec - ndigits : 0;
	int body = (int)__builtin_strlen(sign) + zeros + ndigits;
	int fill = s->width > body ? s->width - body : 0;

	if (!s->left && !(s->zero && s->prec < 0))
		pad(o, ' ', fill);
	for (const char *p = sign; *p; p++)
		put(o, *p);
	if (!s->left && s->zero && s->prec < 0)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	for (int i = 0; i < ndigits; i++)
		put(o, digits[i]);
	if (s->left)
		pad(o, ' ', fill);
}

static void number(struct out *o, const struct spec *s, uint64_t v, bool neg, unsigned base, bool upper,
		   const char *prefix)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	/* C: a zero value with precision 0 prints no digits. */
	if (v != 0 || s->prec != 0) {
		do {
			tmp[n++] = set[v % base];
			v /= base;
		} while (v);
	}
	char digits[24];
	for (int i = 0; i < n; i++)
		digits[i] = tmp[n - 1 - i];
	emit(o, s, neg ? "-" : (s->plus ? "+" : prefix), digits, n);
}

static void string(struct out *o, const struct spec *s, const char *str)
{
	struct spec t = *s;
	int n = 0;

	if (!str)
		str = "(null)";
	/* Precision first: %.*s may point at bytes with no NUL within reach. */
	while ((t.prec < 0 || n < t.prec) && str[n])
		n++;
	t.prec = -1;
	t.zero = false;
	emit(o, &t, "", str, n);
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		struct spec s = { .prec = -1 };
		for (;; p++) {
			if (p[1] == '-')
				s.left = true;
			else if (p[1] == '0')
				s.zero = true;
			else if (p[1] == '+')
				s.plus = true;
			else if (p[1] == '#')
				s.alt = true;
			else
				break;
		}
		if (p[1] == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = true;
				s.width = -s.width;
			}
			p++;
		}
		while (p[1] >= '0' && p[1] <= '9')
			s.width = s.width * 10 + (*++p - '0');
		if (p[1] == '.') {
			p++;
			s.prec = 0;
			if (p[1] == '*') {
				s.prec = va_arg(ap, int);
				p++;
			}
			while (p[1] >= '0' && p[1] <= '9')
				s.prec = s.prec * 10 + (*++p - '0');
		}
		int lng = 0; /* 0 int, 1 long, 2 long long, 3 size_t, 4 intmax_t */
		if (p[1] == 'l') {
			p++;
			lng = 1;
			if (p[1] == 'l') {
				p++;
				lng = 2;
			}
		} else if (p[1] == 'z') {
			p++;
			lng = 3;
		} else if (p[1] == 'j') {
			p++;
			lng = 4;
		}
		char c = *++p;
		if (c == '\0')
			break;
		switch (c) {
		case 'd':
		case 'i': {
			int64_t v = lng == 0   ? va_arg(ap, int)
				    : lng == 1 ? va_arg(ap, long)
				    : lng == 2 ? va_arg(ap, long long)
				    : lng == 3 ? (int64_t)va_arg(ap, size_t)
					       : va_arg(ap, intmax_t);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			number(&o, &s, mag, v < 0, 10, false, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng == 0   ? va_arg(ap, unsigned)
				     : lng == 1 ? va_arg(ap, unsigned long)
				     : lng == 2 ? va_arg(ap, unsigned long long)
				     : lng == 3 ? va_arg(ap, size_t)
						: (uint64_t)va_arg(ap, uintmax_t);
			s.plus = false;
			number(&o, &s, v, false, c == 'u' ? 10 : 16, c == 'X',
			       s.alt && c != 'u' && v ? (c == 'X' ? "0X" : "0x") : "");
			break;
		}
		case 'p':
			s.plus = false;
			number(&o, &s, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 'c': {
			char ch = (char)va_arg(ap, int);
			struct spec t = s;
			t.prec = -1;
			t.zero = false;
			emit(&o, &t, "", &ch, 1);
			break;
		}
		case 's': string(&o, &s, va_arg(ap, const char *)); break;
		case '%': put(&o, '%'); break;
		default:
			/* Unknown conversions print verbatim so a bad format is visible, not silent. */
			put(&o, '%');
			put(&o, c);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
