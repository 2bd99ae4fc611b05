/* The SiFive test finisher: power off, exit with a code, or reset. */
#include "hw/misc/sifive_test.h"

#include "core/log.h"
#include "core/runstate.h"

enum { FINISHER_FAIL = 0x3333, FINISHER_PASS = 0x5555, FINISHER_RESET = 0x7777 };

void sifive_test_io(void *opaque, struct io_access *a)
{
    struct sifive_test *t = opaque;

    if (!a->is_write) {
        a->data = 0;
        return;
    }
    if (a->offset != 0)
        return;
    switch (a->data & 0xffff) {
    case FINISHER_PASS:
        runstate_request_exit(t->runstate, 0);
        break;
    case FINISHER_FAIL:
        runstate_request_exit(t->runstate, (int)((a->data >> 16) & 0xffff));
        break;
    case FINISHER_RESET:
        runstate_request_reset(t->runstate);
        break;
    default:
        if (log_enabled(LOG_GUEST_ERROR))
            log_debug("sifive_test: ignored write 0x%llx\n", (unsigned long long)a->data);
        break;
    }
}
