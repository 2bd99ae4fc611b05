/*
 * kvm-bare-loop: the smallest KVM program that runs pio.elf's port-write loop, so that
 * kestrel's cost per PIO exit can be compared with a bare KVM_RUN loop. Only <linux/kvm.h>
 * and libc: one vCPU, one RAM slot, the vCPU put straight into 64-bit mode at CPL 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define BARE_RAM_SIZE 0x200000ull /* one 2 MiB page */
#define BARE_PML4 0x1000ull
#define BARE_PDPT 0x2000ull
#define BARE_PD 0x3000ull
#define BARE_CODE 0x10000ull
#define BARE_STACK_TOP BARE_RAM_SIZE

#define BARE_LOOP_PORT 0x80
#define BARE_DONE_PORT 0xf4

/* The same addresses kestrel's PC board gives KVM (machine/pc/pc_memmap.h). */
#define BARE_KVM_IDENTITY_MAP 0xfeffc000ull
#define BARE_KVM_TSS 0xfeffd000ull

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

/*
 * The guest code: pio.elf's loop (tests/guests/x86/pio.c), rdtsc before and after as the
 * guest does, start in r8 and end in r9, then a write to 0xf4 says it is done. The loop
 * count is the imm64 of the movabs, patched at bare_code_count before the copy.
 */
extern const uint8_t bare_code_start[], bare_code_count[], bare_code_end[];
__asm__(".pushsection .rodata\n"
        ".global bare_code_start, bare_code_count, bare_code_end\n"
        "bare_code_start:\n"
        "    rdtsc\n"
        "    shl $32, %rdx\n"
        "    or %rdx, %rax\n"
        "    mov %rax, %r8\n"
        "    .byte 0x48, 0xb9\n" /* movabs $imm64, %rcx */
        "bare_code_count:\n"
        "    .quad 0\n"
        "    xor %eax, %eax\n"
        "1:  outb %al, $0x80\n"
        "    dec %rcx\n"
        "    jnz 1b\n"
        "    rdtsc\n"
        "    shl $32, %rdx\n"
        "    or %rdx, %rax\n"
        "    mov %rax, %r9\n"
        "    outb %al, $0xf4\n"
        "2:  hlt\n"
        "    jmp 2b\n"
        "bare_code_end:\n"
        ".popsection\n");

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...)
{
    va_list ap;
    int err = errno;

    fputs("kvm-bare-loop: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", strerror(err));
    exit(1);
}

static int bare_ioctl(int fd, unsigned long req, void *arg)
{
    int ret;

    do {
        ret = ioctl(fd, req, arg);
    } while (ret < 0 && errno == EINTR);
    return ret;
}

/* 4-level tables: PML4[0] -> PDPT[0] -> PD[0], a 2 MiB page identity-mapping the slot. */
static void bare_build_page_tables(uint8_t *ram)
{
    uint64_t *pml4 = (uint64_t *)(ram + BARE_PML4);
    uint64_t *pdpt = (uint64_t *)(ram + BARE_PDPT);
    uint64_t *pd = (uint64_t *)(ram + BARE_PD);

    pml4[0] = BARE_PDPT | PTE_P | PTE_RW;
    pdpt[0] = BARE_PD | PTE_P | PTE_RW;
    pd[0] = 0 | PTE_P | PTE_RW | PTE_PS;
}

static void bare_set_segment(struct kvm_segment *s, uint16_t sel, uint8_t type, int code)
{
    memset(s, 0, sizeof(*s));
    s->base = 0;
    s->limit = 0xffffffff;
    s->selector = sel;
    s->type = type;
    s->present = 1;
    s->dpl = 0;
    s->s = 1;
    s->g = 1;
    s->l = code;  /* 64-bit code segment */
    s->db = !code; /* L=1 requires D=0 */
}

static void bare_setup_sregs(int vcpu_fd)
{
    struct kvm_sregs sregs;

    if (bare_ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
        die("KVM_GET_SREGS");
    bare_set_segment(&sregs.cs, 0x08, 0xb, 1); /* execute/read, accessed */
    bare_set_segment(&sregs.ds, 0x10, 0x3, 0); /* read/write, accessed */
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    sregs.cr3 = BARE_PML4;
    sregs.cr4 = CR4_PAE;
    sregs.cr0 = CR0_PE | CR0_ET | CR0_PG;
    sregs.efer = EFER_LME | EFER_LMA;
    if (bare_ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
        die("KVM_SET_SREGS (64-bit mode)");
}

/* CPUID as KVM supports it, as kestrel sets it (long mode must be visible to the vCPU). */
static void bare_setup_cpuid(int kvm_fd, int vcpu_fd)
{
    for (uint32_t n = 64; n <= 1024; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
        if (!c)
            die("calloc");
        c->nent = n;
        if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            if (bare_ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0)
                die("KVM_SET_CPUID2");
            free(c);
            return;
        }
        free(c);
        if (errno != E2BIG)
            die("KVM_GET_SUPPORTED_CPUID");
    }
    die("KVM_GET_SUPPORTED_CPUID (too many entries)");
}

/* The in-kernel PC platform, as kestrel's PC board creates it (accel/kvm/kvm.c). */
static void bare_setup_platform(int vm_fd)
{
    uint64_t idmap = BARE_KVM_IDENTITY_MAP;
    struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};

    if (bare_ioctl(vm_fd, KVM_SET_TSS_ADDR, (void *)(uintptr_t)BARE_KVM_TSS) < 0)
        die("KVM_SET_TSS_ADDR");
    if (bare_ioctl(vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0)
        die("KVM_SET_IDENTITY_MAP_ADDR");
    if (bare_ioctl(vm_fd, KVM_CREATE_IRQCHIP, NULL) < 0)
        die("KVM_CREATE_IRQCHIP");
    if (bare_ioctl(vm_fd, KVM_CREATE_PIT2, &pit) < 0)
        die("KVM_CREATE_PIT2");
}

static uint64_t bare_parse_exits(int argc, char **argv)
{
    uint64_t exits = 1000;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--exits") && i + 1 < argc) {
            char *end;
            errno = 0;
            exits = strtoull(argv[++i], &end, 0);
            if (errno || end == argv[i] || *end || argv[i][0] == '-' || exits == 0) {
                fprintf(stderr, "kvm-bare-loop: --exits: need a positive number, got %s\n",
                        argv[i]);
                exit(2);
            }
        } else {
            fprintf(stderr, "usage: %s [--exits N]\n"
                            "Runs N guest port writes (N KVM_EXIT_IO exits) in a bare "
                            "KVM_RUN loop; prints exits=N cycles=C.\n",
                    argv[0]);
            exit(strcmp(argv[i], "--help") ? 2 : 0);
        }
    }
    return exits;
}

int main(int argc, char **argv)
{
    uint64_t exits = bare_parse_exits(argc, argv);

    int kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm_fd < 0)
        die("/dev/kvm");
    int vm_fd = bare_ioctl(kvm_fd, KVM_CREATE_VM, 0);
    if (vm_fd < 0)
        die("KVM_CREATE_VM");
    bare_setup_platform(vm_fd);

    uint8_t *ram = mmap(NULL, BARE_RAM_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        die("mmap guest RAM");
    struct kvm_userspace_memory_region slot = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = BARE_RAM_SIZE,
        .userspace_addr = (uint64_t)(uintptr_t)ram,
    };
    if (bare_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        die("KVM_SET_USER_MEMORY_REGION");

    bare_build_page_tables(ram);
    size_t code_size = (size_t)(bare_code_end - bare_code_start);
    memcpy(ram + BARE_CODE, bare_code_start, code_size);
    memcpy(ram + BARE_CODE + (bare_code_count - bare_code_start), &exits, sizeof(exits));

    int vcpu_fd = bare_ioctl(vm_fd, KVM_CREATE_VCPU, 0);
    if (vcpu_fd < 0)
        die("KVM_CREATE_VCPU");
    int run_size = bare_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
    if (run_size < (int)sizeof(struct kvm_run))
        die("KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                               vcpu_fd, 0);
    if (run == MAP_FAILED)
        die("mmap kvm_run");
    bare_setup_cpuid(kvm_fd, vcpu_fd);
    bare_setup_sregs(vcpu_fd);

    struct kvm_regs regs = {.rip = BARE_CODE, .rsp = BARE_STACK_TOP, .rflags = 0x2};
    if (bare_ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
        die("KVM_SET_REGS");

    /* The loop being measured: one KVM_RUN per guest port write, nothing else. */
    uint64_t seen = 0;
    for (;;) {
        if (ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            die("KVM_RUN");
        }
        if (run->exit_reason != KVM_EXIT_IO) {
            fprintf(stderr, "kvm-bare-loop: unexpected exit reason %u\n",
                    run->exit_reason);
            return 1;
        }
        if (run->io.port == BARE_LOOP_PORT) {
            seen++;
            continue;
        }
        if (run->io.port == BARE_DONE_PORT)
            break;
        fprintf(stderr, "kvm-bare-loop: unexpected write to port 0x%x\n", run->io.port);
        return 1;
    }

    if (bare_ioctl(vcpu_fd, KVM_GET_REGS, &regs) < 0)
        die("KVM_GET_REGS");
    if (seen != exits) {
        fprintf(stderr, "kvm-bare-loop: saw %" PRIu64 " port-0x80 exits, expected %" PRIu64 "\n",
                seen, exits);
        return 1;
    }
    printf("exits=%" PRIu64 " cycles=%" PRIu64 "\n", exits, (uint64_t)(regs.r9 - regs.r8));
    /* The rate the guest's TSC ticks at, so cycles can be turned into time. */
    int tsc_khz = bare_ioctl(vcpu_fd, KVM_GET_TSC_KHZ, NULL);
    if (tsc_khz > 0)
        printf("tsc_khz=%d\n", tsc_khz);
    return 0;
}
