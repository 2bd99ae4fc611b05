/* The SiFive test finisher: 0x5555 powers off (status 0), (code << 16) | 0x3333 exits with
 * code, 0x7777 resets. */
#ifndef KESTREL_HW_MISC_SIFIVE_TEST_H
#define KESTREL_HW_MISC_SIFIVE_TEST_H

#include "core/io.h"

struct runstate;

struct sifive_test {
    struct runstate *runstate;
};

#define SIFIVE_TEST_SIZE 0x1000

io_handler_fn sifive_test_io;

#endif
