/* Logging: user-facing errors, -d debug categories and the -D log file. */
#ifndef KESTREL_CORE_LOG_H
#define KESTREL_CORE_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Debug categories selectable with -d, named as in QEMU (tb_flush is kestrel's own). */
enum log_mask_bit {
    LOG_IN_ASM = 1u << 0,
    LOG_OP = 1u << 1,
    LOG_OP_OPT = 1u << 2,
    LOG_OUT_ASM = 1u << 3,
    LOG_EXEC = 1u << 4,
    LOG_INT = 1u << 5,
    LOG_UNIMP = 1u << 6,
    LOG_GUEST_ERROR = 1u << 7,
    LOG_TB_FLUSH = 1u << 8,
};

/* Parses a comma-separated -d list into *mask; 0 or -EINVAL naming the bad item. */
int log_parse_mask(const char *list, uint32_t *mask, const char **bad_item);
void log_print_mask_help(void);

void log_set_mask(uint32_t mask);
/* Redirects debug logging (not errors) to PATH; 0 or -errno. */
int log_set_file(const char *path);
void log_close(void);

extern uint32_t log_mask;
static inline bool log_enabled(uint32_t bit)
{
    return (log_mask & bit) != 0;
}

/* Where debug output goes: the -D file or stderr. */
FILE *log_stream(void);

/* Debug output for an enabled category, to the -D file or stderr. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Messages for people, always on stderr, prefixed with "kestrel: ". */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
