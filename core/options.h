/* Command-line parsing: QEMU's option names and syntax, into one struct vm_config. */
#ifndef KESTREL_CORE_OPTIONS_H
#define KESTREL_CORE_OPTIONS_H

#include "core/config.h"

enum options_result {
    OPTIONS_RUN = 0,      /* cfg is complete: build and run the VM */
    OPTIONS_DONE = 1,     /* help or version printed: exit 0 */
    OPTIONS_USAGE = 2,    /* unknown or invalid option, already reported: exit 2 */
    OPTIONS_MISSING = 3,  /* a real option kestrel has not built yet, reported: exit 1 */
};

enum options_result options_parse(int argc, char **argv, struct vm_config *cfg);
/* The process exit status for a result other than OPTIONS_RUN. */
int options_exit_status(enum options_result r);

/* Parses a QEMU -m size: plain numbers are MiB; K, M, G, T suffixes. 0 or -EINVAL. */
int options_parse_size(const char *s, uint64_t *bytes);

#endif
