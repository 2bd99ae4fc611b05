/* Checks that report every mismatch of a group, then pass or fail the group as a whole. */
#include "guest.h"

unsigned check_count, check_errors;
static unsigned group_errors;

void check_failed(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    check_count++;
    check_errors++;
    /* Enough lines to see a pattern; the group fails anyway. */
    if (check_errors <= 40)
        printf("mismatch: %s\n", buf);
}

void check(const char *what, uint64_t got, uint64_t want)
{
    if (got == want)
        check_count++;
    else
        check_failed("%s: got 0x%lx, want 0x%lx", what, got, want);
}

void group_done(const char *name)
{
    if (check_errors != group_errors)
        fail("%s: %u of %u checks failed", name, check_errors - group_errors, check_count);
    printf("%s: %u checks\n", name, check_count);
    check_count = 0;
    check_errors = group_errors = 0;
}
