/* Choosing an accelerator from a QEMU-style -accel list such as "kvm:tcg". */
#include "accel/accel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"

extern const struct accel_ops kvm_accel_ops;
extern const struct accel_ops tcg_accel_ops;

struct accel_entry {
    const char *name;
    const struct accel_ops *ops; /* NULL: known to kestrel but not built yet */
};

static const struct accel_entry accel_table[] = {
    {"kvm", &kvm_accel_ops},
    {"tcg", &tcg_accel_ops},
};

static const struct accel_entry *accel_lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(accel_table) / sizeof(accel_table[0]); i++)
        if (strlen(accel_table[i].name) == len && strncmp(accel_table[i].name, name, len) == 0)
            return &accel_table[i];
    return NULL;
}

int accel_list_valid(const char *list)
{
    for (const char *p = list;;) {
        size_t len = strcspn(p, ":");
        if (!accel_lookup(p, len))
            return -EINVAL;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* Tries one accelerator; on failure *why says what stops it. Main thread only. */
static bool accel_try(const struct accel_entry *e, enum cpu_arch arch, struct accel *accel,
                      const char **why)
{
    static char not_built[96];

    snprintf(not_built, sizeof(not_built),
             "the %s accelerator is not built yet in this version of kestrel", e->name);
    *why = not_built;
    if (!e->ops || e->ops->probe(why) < 0 || !e->ops->supports(arch, why))
        return false;
    *accel = (struct accel){.ops = e->ops};
    return true;
}

int accel_select(const char *list, enum cpu_arch arch, struct accel *accel)
{
    if (accel_list_valid(list) < 0) {
        log_error("-accel %s: unknown accelerator (choose kvm, tcg or kvm:tcg)", list);
        return ACCEL_UNKNOWN;
    }
    for (const char *p = list;;) {
        size_t len = strcspn(p, ":");
        const struct accel_entry *e = accel_lookup(p, len);
        const char *why;
        if (accel_try(e, arch, accel, &why))
            return ACCEL_OK;
        if (!p[len]) {
            log_error("-accel %s: %s%s", list, why,
                      strchr(list, ':') ? "; no accelerator in the list is usable" : "");
            return ACCEL_UNAVAILABLE;
        }
        p += len + 1;
        len = strcspn(p, ":");
        log_notice("%s is not usable (%s); falling back to %.*s", e->name, why, (int)len, p);
    }
}
