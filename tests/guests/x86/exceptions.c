/* exceptions: #DE, #UD, #PF and #GP in ring 0, and #PF and #GP taken from ring 3. */
#include "runtime/guest.h"

#define UNMAPPED_ADDR 0x4000000000ull /* beyond the 4 GiB identity map */

static void report(const char *name, uint64_t want_vector, uint64_t want_error, bool show_cr2)
{
    CHECK(last_trap.taken, "%s was not raised", name);
    CHECK(last_trap.vector == want_vector, "%s: vector %lu, expected %lu", name,
          last_trap.vector, want_vector);
    CHECK(last_trap.error_code == want_error, "%s: error code 0x%lx, expected 0x%lx", name,
          last_trap.error_code, want_error);
    if (show_cr2)
        printf("exception %s vector=%lu error=0x%lx cr2=0x%lx\n", name, last_trap.vector,
               last_trap.error_code, last_trap.cr2);
    else
        printf("exception %s vector=%lu error=0x%lx\n", name, last_trap.vector,
               last_trap.error_code);
}

static uint64_t user_faults(uint64_t unused)
{
    (void)unused;
    EXPECT_TRAP("mov $" "0x4000000000" ", %%rcx\n\tmovq $1, (%%rcx)", "rcx");
    if (!last_trap.taken)
        return 1;
    uint64_t pf_error = last_trap.error_code, pf_cr2 = last_trap.cr2;
    EXPECT_TRAP("cli"); /* privileged at CPL 3 with IOPL 0 */
    if (!last_trap.taken || last_trap.vector != 13)
        return 2;
    return pf_error << 32 | (pf_cr2 == UNMAPPED_ADDR ? 0 : 3);
}

void guest_main(void)
{
    EXPECT_TRAP("xor %%ecx, %%ecx\n\tmov $1, %%eax\n\txor %%edx, %%edx\n\tdiv %%ecx", "rax",
                "rcx", "rdx");
    report("#DE", 0, 0, false);

    EXPECT_TRAP("ud2");
    report("#UD", 6, 0, false);

    EXPECT_TRAP("mov $" "0x4000000000" ", %%rcx\n\tmov (%%rcx), %%rax", "rax", "rcx");
    report("#PF", 14, 0, true); /* read, page not present, supervisor */
    CHECK(last_trap.cr2 == UNMAPPED_ADDR, "#PF: cr2 0x%lx", last_trap.cr2);

    EXPECT_TRAP("mov $" "0x4000000000" ", %%rcx\n\tmovq $1, (%%rcx)", "rcx");
    report("#PF", 14, 2, true); /* write */

    EXPECT_TRAP("mov $0x8000000000000000, %%rcx\n\tmov (%%rcx), %%rax", "rax", "rcx");
    report("#GP", 13, 0, false); /* non-canonical address */

    user_init();
    uint64_t r = run_in_user_mode(user_faults, 0, false);
    CHECK((r & 0xffffffff) == 0, "ring-3 faults: step %lu went wrong", r & 0xffffffff);
    printf("exception #PF from ring 3 error=0x%lx\n", r >> 32); /* user, write, not present */
    CHECK(r >> 32 == 6, "ring-3 #PF error code 0x%lx, expected 0x6", r >> 32);
    printf("exception #GP from ring 3 (cli at IOPL 0)\n");
}
