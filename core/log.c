/* Logging: user-facing errors, -d debug categories and the -D log file. */
#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

uint32_t log_mask;
static FILE *log_file;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

struct log_item {
    const char *name;
    uint32_t bit;
    const char *help;
};

static const struct log_item log_items[] = {
    {"in_asm", LOG_IN_ASM, "show guest code being translated (TCG)"},
    {"op", LOG_OP, "show the IR of each translated block (TCG)"},
    {"op_opt", LOG_OP_OPT, "show the IR after optimization (TCG)"},
    {"out_asm", LOG_OUT_ASM, "show generated host code (TCG)"},
    {"exec", LOG_EXEC, "show each block executed (TCG)"},
    {"int", LOG_INT, "show interrupts and exceptions"},
    {"unimp", LOG_UNIMP, "log each unclaimed device address once"},
    {"guest_errors", LOG_GUEST_ERROR, "log invalid guest device programming"},
    {"tb_flush", LOG_TB_FLUSH, "log each time the TCG code cache fills and is emptied"},
};

static int log_parse_one(const char *item, size_t len, uint32_t *mask)
{
    if (len == 3 && strncmp(item, "all", 3) == 0) {
        for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++)
            *mask |= log_items[i].bit;
        return 0;
    }
    for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++) {
        if (strlen(log_items[i].name) == len && strncmp(item, log_items[i].name, len) == 0) {
            *mask |= log_items[i].bit;
            return 0;
        }
    }
    return -EINVAL;
}

int log_parse_mask(const char *list, uint32_t *mask, const char **bad_item)
{
    const char *p = list;

    *mask = 0;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len && log_parse_one(p, len, mask) < 0) {
            *bad_item = p;
            return -EINVAL;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

void log_print_mask_help(void)
{
    printf("Log items (comma separated) for -d:\n");
    for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++)
        printf("%-14s %s\n", log_items[i].name, log_items[i].help);
    printf("%-14s %s\n", "all", "every item above");
}

void log_set_mask(uint32_t mask)
{
    log_mask = mask;
}

int log_set_file(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return -errno;
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    return 0;
}

void log_close(void)
{
    if (log_file)
        fclose(log_file);
    log_file = NULL;
}

FILE *log_stream(void)
{
    return log_file ? log_file : stderr;
}

void log_debug(const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&log_lock);
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&log_lock);
}

static void log_to_stderr(const char *fmt, va_list ap)
{
    pthread_mutex_lock(&log_lock);
    fputs("kestrel: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&log_lock);
}

void log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_to_stderr(fmt, ap);
    va_end(ap);
}

void log_notice(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_to_stderr(fmt, ap);
    va_end(ap);
}
