/* Ring 3: the TSS that brings interrupts back to ring 0, entry by iretq, system calls. */
#include "guest.h"
#include "layout.h"

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2, reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

static struct tss64 tss __attribute__((aligned(16)));
static uint8_t interrupt_stack[16384] __attribute__((aligned(16)));
static uint8_t user_stack[65536] __attribute__((aligned(16)));
extern uint64_t gdt_tss[2];

uint64_t user_enter(uint64_t rip, uint64_t rsp, uint64_t rflags);
void user_return(uint64_t value) __attribute__((noreturn));

static uint64_t (*user_fn)(uint64_t);
static uint64_t user_arg;

/*
 * System calls are a ud2 at one known address, not "int $0x80": the KVM on our CI hosts
 * emulates guest code and its instruction emulator cannot deliver software interrupts
 * in protected mode, while it does deliver exceptions. See docs/architecture.md.
 */
void user_syscall_ud2(void);
__asm__(".text\n"
        ".global user_syscall_ud2\n"
        "user_syscall_ud2:\n"
        "    ud2\n"
        "    ret\n");

static bool syscall_handler(struct trap_frame *f)
{
    if (f->vector != 6 || (f->cs & 3) != 3 || f->rip != (uint64_t)(uintptr_t)user_syscall_ud2)
        return false;
    f->rip += 2;
    switch (f->rax) {
    case SYS_EXIT:
        user_return(f->rdi);
    case SYS_PUTS:
        printf("%s", (const char *)(uintptr_t)f->rdi);
        return true;
    default:
        fail("unknown system call %lu", f->rax);
    }
}

void user_init(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;

    tss.rsp0 = (uint64_t)(uintptr_t)(interrupt_stack + sizeof(interrupt_stack));
    tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 port access needs IOPL 3 */
    gdt_tss[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt_tss[1] = base >> 32;
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
    trap_syscall_hook = syscall_handler;
}

static uint64_t user_syscall(uint64_t nr, uint64_t arg)
{
    uint64_t ret;
    __asm__ volatile("call user_syscall_ud2" : "=a"(ret) : "a"(nr), "D"(arg) : "memory");
    return ret;
}

void user_puts(const char *s)
{
    user_syscall(SYS_PUTS, (uint64_t)(uintptr_t)s);
}

/* Runs in ring 3. */
static void user_thunk(void)
{
    user_syscall(SYS_EXIT, user_fn(user_arg));
    for (;;)
        ;
}

uint64_t run_in_user_mode(uint64_t (*fn)(uint64_t), uint64_t arg, bool iopl3)
{
    uint64_t rflags = 0x2 | (iopl3 ? 0x3000 : 0); /* interrupts stay off in ring 3 */
    /* As if called: the return-address slot makes rsp + 8 16-byte aligned. */
    uint64_t rsp = (uint64_t)(uintptr_t)(user_stack + sizeof(user_stack)) - 8;

    user_fn = fn;
    user_arg = arg;
    return user_enter((uint64_t)(uintptr_t)user_thunk, rsp, rflags);
}
