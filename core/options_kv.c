/* QEMU-style key=value option arguments and the option parsers' error reports. */
#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/options_internal.h"

int kv_parse(const char *arg, struct kv_list *l)
{
    l->buf = g_strdup(arg);
    l->n = 0;
    for (char *save = NULL, *item = strtok_r(l->buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        if (l->n == KV_MAX)
            return -E2BIG;
        char *eq = strchr(item, '=');
        if (eq) {
            *eq = '\0';
            l->key[l->n] = item;
            l->value[l->n] = eq + 1;
        } else if (l->n == 0) {
            l->key[l->n] = "";
            l->value[l->n] = item;
        } else {
            l->key[l->n] = item; /* a key without a value */
            l->value[l->n] = NULL;
        }
        l->n++;
    }
    return 0;
}

void kv_free(struct kv_list *l)
{
    g_free(l->buf);
}

const char *kv_get(const struct kv_list *l, const char *key)
{
    for (unsigned i = 0; i < l->n; i++)
        if (strcmp(l->key[i], key) == 0)
            return l->value[i];
    return NULL;
}

/* The first key not in allowed (a NULL-terminated list), or NULL. */
const char *kv_unknown(const struct kv_list *l, const char *const *allowed)
{
    for (unsigned i = 0; i < l->n; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(l->key[i], *a) == 0 && l->value[i];
        if (!ok)
            return l->key[i][0] ? l->key[i] : l->value[i];
    }
    return NULL;
}

enum options_result
usage_error(const char *option, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_error("%s: %s", option, msg);
    return OPTIONS_USAGE;
}

enum options_result not_built(const char *option, const char *what)
{
    log_error("%s: %s is not built yet in this version of kestrel", option, what);
    return OPTIONS_MISSING;
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;

    if (!s || !isdigit((unsigned char)*s))
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > max)
        return -EINVAL;
    *out = v;
    return 0;
}
