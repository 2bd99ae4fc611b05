/* The few libc functions the runtime and compiler need, and command-line lookups. */
#include "guest.h"

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

/* Finds word as a whole space-separated token, or as "word=" prefix; returns its start. */
static const char *cmdline_find(const char *word, bool with_value)
{
    size_t n = strlen(word);

    for (const char *p = cmdline(); *p;) {
        while (*p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ' ')
            end++;
        if ((size_t)(end - p) >= n && strncmp(p, word, n) == 0 &&
            (with_value ? p[n] == '=' : p + n == end))
            return p;
        p = end;
    }
    return NULL;
}

bool cmdline_has(const char *word)
{
    return cmdline_find(word, false) != NULL;
}

uint64_t cmdline_uint(const char *key, uint64_t fallback)
{
    const char *p = cmdline_find(key, true);
    uint64_t v = 0;

    if (!p)
        return fallback;
    for (p += strlen(key) + 1; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return v;
}

size_t cmdline_string(const char *key, char *buf, size_t size)
{
    const char *p = cmdline_find(key, true);
    size_t n = 0;

    if (!p || size == 0)
        return 0;
    for (p += strlen(key) + 1; *p && *p != ' ' && n + 1 < size; p++)
        buf[n++] = *p;
    buf[n] = 0;
    return n;
}

bool parse_uint(const char **p, uint64_t *v)
{
    const char *s = *p;
    unsigned base = 10;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    const char *start = s;
    for (*v = 0;; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            break;
        *v = *v * base + d;
    }
    *p = s;
    return s != start;
}
