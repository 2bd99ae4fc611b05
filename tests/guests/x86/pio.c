/*
 * pio: a loop of port writes to port 0x80, each one a VM exit; timed for bench/. It runs
 * in ring 0: on the KVM of our CI hosts ring-3 code runs with IOPL forced to 0, so ring-3
 * port I/O faults (see docs/architecture.md).
 */
#include "runtime/guest.h"

/* The same loop bench/kvm_bare_loop.c runs, so the two measure the same guest work. */
static uint64_t port_write_loop(uint64_t count)
{
    __asm__ volatile("1: outb %%al, $0x80\n\t"
                     "dec %%rcx\n\t"
                     "jnz 1b"
                     : "+c"(count)
                     : "a"(0)
                     : "memory");
    return count;
}

void guest_main(void)
{
    uint64_t exits = cmdline_uint("exits", 1000);

    CHECK(exits > 0, "exits=0");
    uint64_t start = rdtsc();
    uint64_t left = port_write_loop(exits);
    uint64_t cycles = rdtsc() - start;
    CHECK(left == 0, "loop ended with %lu writes left", left);
    printf("pio: %lu port writes\n", exits);
    if (cmdline_has("bench"))
        printf("pio: cycles=%lu\n", cycles);
}
