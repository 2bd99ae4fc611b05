/* Runtime start-up on the boot CPU: console, traps, command line, then guest_main. */
#include "guest.h"

extern uint32_t mb_magic, mb_info;

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};

struct multiboot_mod {
    uint32_t start, end, cmdline, reserved;
};

static char cmdline_buf[256];

static void cmdline_capture(void)
{
    const struct multiboot_info *mbi = (const struct multiboot_info *)(uintptr_t)mb_info;

    if (mb_magic != 0x2badb002 || !(mbi->flags & (1u << 2)))
        return;
    const char *s = (const char *)(uintptr_t)mbi->cmdline;
    size_t n = strlen(s);
    if (n >= sizeof(cmdline_buf))
        n = sizeof(cmdline_buf) - 1;
    memcpy(cmdline_buf, s, n);
    cmdline_buf[n] = '\0';
}

const char *cmdline(void)
{
    return cmdline_buf;
}

unsigned boot_modules(struct boot_module *mods, unsigned max)
{
    const struct multiboot_info *mbi = (const struct multiboot_info *)(uintptr_t)mb_info;
    unsigned n = 0;

    if (mb_magic != 0x2badb002 || !(mbi->flags & (1u << 3)))
        return 0;
    const struct multiboot_mod *m = (const struct multiboot_mod *)(uintptr_t)mbi->mods_addr;
    for (; n < mbi->mods_count && n < max; n++)
        mods[n] = (struct boot_module){(const uint8_t *)(uintptr_t)m[n].start,
                                       m[n].end - m[n].start,
                                       (const char *)(uintptr_t)m[n].cmdline};
    return n;
}

void runtime_start(void);
void runtime_start(void)
{
    console_init();
    if (mb_magic != 0x2badb002)
        fail("not started by a multiboot loader (eax=0x%x)", mb_magic);
    cmdline_capture();
    idt_init();
    guest_main();
    pass();
}
