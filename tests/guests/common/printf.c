/*
 * A small vsnprintf shared by the x86 and RISC-V guest runtimes: %d %i %u %x %X %p %s %c %%,
 * flags 0 - #, width, l/ll/z. Each runtime's guest.h provides console_putc and the C basics.
 */
#include "guest.h"

struct out {
    char *buf;
    size_t size, len;
};

static void out_char(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

static void out_number(struct out *o, uint64_t v, unsigned base, bool neg, int width, char pad,
                       bool left, const char *prefix, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24];
    int n = 0;

    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    int fill = width - n - (int)strlen(prefix) - (neg ? 1 : 0);
    if (!left && pad == ' ')
        out_pad(o, ' ', fill);
    if (neg)
        out_char(o, '-');
    while (*prefix)
        out_char(o, *prefix++);
    if (!left && pad == '0')
        out_pad(o, '0', fill);
    while (n)
        out_char(o, digits[--n]);
    if (left)
        out_pad(o, ' ', fill);
}

static void out_string(struct out *o, const char *s, int width, bool left)
{
    int n = (int)strlen(s);

    if (!left)
        out_pad(o, ' ', width - n);
    while (*s)
        out_char(o, *s++);
    if (left)
        out_pad(o, ' ', width - n);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        bool left = false, alt = false;
        char pad = ' ';
        for (;; fmt++) {
            if (fmt[1] == '-')
                left = true;
            else if (fmt[1] == '0')
                pad = '0';
            else if (fmt[1] == '#')
                alt = true;
            else
                break;
        }
        fmt++;
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        uint64_t u;
        int64_t s;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            out_number(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, width, pad, left,
                       "", false);
            break;
        case 'u':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            out_number(&o, u, 10, false, width, pad, left, "", false);
            break;
        case 'x':
        case 'X':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            out_number(&o, u, 16, false, width, pad, left, alt ? "0x" : "", *fmt == 'X');
            break;
        case 'p':
            u = (uint64_t)(uintptr_t)va_arg(ap, void *);
            out_number(&o, u, 16, false, width, pad, left, "0x", false);
            break;
        case 's':
            out_string(&o, va_arg(ap, const char *), width, left);
            break;
        case 'c':
            out_char(&o, (char)va_arg(ap, int));
            break;
        case '%':
            out_char(&o, '%');
            break;
        default:
            out_char(&o, '?');
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++)
        console_putc(*p);
    return n;
}
