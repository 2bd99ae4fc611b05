/* The test-guest runtime: console, port and MMIO access, traps, ring 3, timers, SMP, exit. */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- port and memory-mapped I/O ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint8_t mmio_read8(uint64_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t mmio_read16(uint64_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t mmio_read64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void mmio_write8(uint64_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_write16(uint64_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline void cpu_relax(void) { __asm__ volatile("pause"); }
static inline void irq_enable(void) { __asm__ volatile("sti"); }
static inline void irq_disable(void) { __asm__ volatile("cli"); }
/* Enables interrupts and sleeps until one arrives, without a lost-wakeup window. */
static inline void wait_for_interrupt(void) { __asm__ volatile("sti; hlt; cli"); }

/* ---- console (COM1) and formatted output ---- */
void console_init(void);
void console_putc(char c);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- small libc ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
/* The multiboot command line, and "key=value" / bare-word lookups in it. */
const char *cmdline(void);
/* Reads a number (decimal, or hex after 0x) at *p and moves *p past it; false if none. */
bool parse_uint(const char **p, uint64_t *v);
bool cmdline_has(const char *word);
/* Multiboot modules (-initrd): their data, length and command line. */
struct boot_module {
    const uint8_t *data;
    uint32_t len;
    const char *cmdline;
};
unsigned boot_modules(struct boot_module *mods, unsigned max);
uint64_t cmdline_uint(const char *key, uint64_t fallback);
/* Copies the value of "key=value" (up to the next space, at most size - 1 bytes) into buf,
 * NUL-terminated; its length, or 0 if key is absent. */
size_t cmdline_string(const char *key, char *buf, size_t size);

/* ---- ending the test: isa-debug-exit at 0xf4 ---- */
#define DEBUG_EXIT_PORT 0xf4
void exit_code(uint32_t code) __attribute__((noreturn));
void pass(void) __attribute__((noreturn)); /* prints PASS, exit status 1 */
void fail(const char *why, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* ---- traps ---- */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
typedef void trap_handler(struct trap_frame *f);
void idt_init(void);
void idt_set_handler(uint8_t vector, trap_handler *h, int dpl);
/* The next exception of any vector resumes at rip instead of failing the test. */
void trap_expect(uint64_t resume_rip);
extern uint64_t trap_resume_rip;
/*
 * Runs the instructions in insn (a string of assembly) expecting them to fault; execution
 * resumes after them. The trap is recorded in last_trap.
 */
#define EXPECT_TRAP(insn, ...)                                                            \
    do {                                                                                  \
        last_trap.taken = false;                                                          \
        __asm__ volatile("lea 1f(%%rip), %%r11\n\tmov %%r11, trap_resume_rip(%%rip)\n\t" \
                         insn "\n1:" ::: "r11", "memory", ##__VA_ARGS__);                \
    } while (0)
struct trap_record { uint64_t vector, error_code, cr2, rip; bool taken; };
extern volatile struct trap_record last_trap;

/* ---- ring 3 ---- */
enum { SYS_EXIT = 0, SYS_PUTS = 1 };
/* Claims traps that are system calls from ring 3; set by user_init. */
extern bool (*trap_syscall_hook)(struct trap_frame *f);
void user_init(void);
/* Runs fn(arg) in ring 3 on its own stack; returns what fn returned. iopl3 grants port I/O. */
uint64_t run_in_user_mode(uint64_t (*fn)(uint64_t), uint64_t arg, bool iopl3);
void user_puts(const char *s); /* from ring 3 */

/* ---- interrupt controllers and timers ---- */
#define PIC_VECTOR_BASE 0x20
void pic_init(void);
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
void pic_eoi(unsigned irq);
void pit_start_periodic(unsigned hz);
void pit_stop(void);
#define LAPIC_BASE 0xfee00000ull
void lapic_enable(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_timer_periodic(uint8_t vector, uint32_t initial_count);
void lapic_timer_stop(void);
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);
/* TSC ticks per millisecond, measured against PIT channel 2 over 10 ms; 0 if the PIT never
 * counted down. */
uint64_t tsc_per_ms(void);

/* The IOAPIC: pin -> vector on one CPU, active high; level- or edge-triggered. */
void ioapic_route(unsigned pin, uint8_t vector, bool level, uint8_t apic_id);
void ioapic_mask(unsigned pin);

/* ---- SMP ---- */
#define MAX_CPUS 64
/* APIC IDs of the enabled processors in the MP table; the count, or 0 without a table. */
unsigned mptable_cpus(uint8_t *apic_ids, unsigned max);
/* The same from the ACPI MADT (QEMU's firmware lists only the BSP in its MP table). */
unsigned acpi_cpus(uint8_t *apic_ids, unsigned max);
/* Starts one AP; it runs entry() on its own stack. 0 once it checked in, else -1. */
int smp_start_ap(uint8_t apic_id, void (*entry)(unsigned cpu_index), unsigned cpu_index);

/* ---- the guest's main ---- */
void guest_main(void);

#endif
