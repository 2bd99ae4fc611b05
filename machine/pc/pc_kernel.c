/* -kernel on the PC board: boot protocol detection, validation, and loading on each boot. */
#include "machine/pc/pc_kernel.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/file.h"
#include "core/log.h"

struct pc_boot_protocol {
    const char *name;
    /* True when the image is of this protocol (even if it is then found malformed). */
    bool (*detect)(const uint8_t *file, size_t len);
    /* Validates the image; NULL: the protocol is not built yet. */
    int (*open)(struct pc_kernel *k, const char **why);
    int (*load)(const struct pc_kernel *k, const struct pc_boot_memory *bm,
                struct x86_cpu_state *bsp, const char **why);
};

static int multiboot_open(struct pc_kernel *k, const char **why)
{
    return multiboot_parse(k->file, k->len, &k->multiboot, why);
}

static int multiboot_boot(const struct pc_kernel *k, const struct pc_boot_memory *bm,
                          struct x86_cpu_state *bsp, const char **why)
{
    struct multiboot_boot b = {
        .kernel = &k->multiboot,
        .cmdline = k->cmdline,
        .modules = k->modules,
        .nr_modules = k->nr_modules,
        .e820 = bm->e820,
        .low_ram_end = bm->low_ram_end,
    };
    uint32_t info_addr;

    int ret = multiboot_load(bm->mem, &b, &info_addr, why);
    if (ret == 0)
        multiboot_entry_state(bsp, (uint32_t)k->multiboot.entry, info_addr);
    return ret;
}

/* The Linux x86 boot protocol's setup header carries "HdrS" at offset 0x202. */
static bool linux_detect(const uint8_t *file, size_t len)
{
    return len > 0x206 && memcmp(file + 0x202, "HdrS", 4) == 0;
}

static const struct pc_boot_protocol pc_boot_protocols[] = {
    {"multiboot", multiboot_has_header, multiboot_open, multiboot_boot},
    {"Linux bzImage", linux_detect, NULL, NULL},
};

static const struct pc_boot_protocol *pc_kernel_detect(const uint8_t *file, size_t len)
{
    for (size_t i = 0; i < sizeof(pc_boot_protocols) / sizeof(pc_boot_protocols[0]); i++)
        if (pc_boot_protocols[i].detect(file, len))
            return &pc_boot_protocols[i];
    return NULL;
}

/* -initrd "path args,path2 args": each item becomes a module, as in QEMU. */
static int pc_kernel_read_modules(struct pc_kernel *k, const char *initrd, uint64_t max_size)
{
    gchar **items = g_strsplit(initrd, ",", -1);
    int ret = 0;

    for (unsigned i = 0; items[i] && ret == 0; i++) {
        if (i == MULTIBOOT_MAX_MODULES) {
            log_error("-initrd: at most %d modules are supported", MULTIBOOT_MAX_MODULES);
            ret = -E2BIG;
            break;
        }
        char *cmdline = g_strdup(g_strstrip(items[i]));
        gchar *path = g_strndup(cmdline, strcspn(cmdline, " "));
        size_t len = 0;
        ret = file_read_all("-initrd", path, max_size, &k->module_files[i], &len);
        g_free(path);
        k->module_cmdlines[i] = cmdline;
        k->modules[i] = (struct multiboot_module){k->module_files[i], len, cmdline};
        k->nr_modules = i + 1;
    }
    g_strfreev(items);
    return ret;
}

int pc_kernel_open(struct pc_kernel *k, const struct vm_config *cfg, uint64_t max_size)
{
    const char *why = "unrecognised format";

    memset(k, 0, sizeof(*k));
    k->path = cfg->kernel;
    if (file_read_all("-kernel", k->path, max_size, &k->file, &k->len) < 0)
        return -EINVAL;
    k->protocol = pc_kernel_detect(k->file, k->len);
    if (!k->protocol) {
        log_error("-kernel %s: not a bootable kernel: no multiboot header in the first 8 KiB "
                  "and no Linux setup header", k->path);
        return -ENOEXEC;
    }
    if (!k->protocol->open) {
        log_error("-kernel %s: this is a %s; its boot protocol is not built yet in kestrel "
                  "(the pc machine boots multiboot kernels)", k->path, k->protocol->name);
        return -ENOTSUP;
    }
    if (k->protocol->open(k, &why) < 0) {
        log_error("-kernel %s: not a bootable %s kernel: %s", k->path, k->protocol->name, why);
        return -EINVAL;
    }
    k->cmdline = g_strdup_printf("%s %s", k->path, cfg->append ? cfg->append : "");
    return cfg->initrd ? pc_kernel_read_modules(k, cfg->initrd, max_size) : 0;
}

void pc_kernel_append_cmdline(struct pc_kernel *k, const char *words)
{
    if (!words || !*words)
        return;
    bool space = *k->cmdline && k->cmdline[strlen(k->cmdline) - 1] != ' ';
    char *joined = g_strconcat(k->cmdline, space ? " " : "", words, NULL);
    g_free(k->cmdline);
    k->cmdline = joined;
}

int pc_kernel_load(const struct pc_kernel *k, const struct pc_boot_memory *bm,
                   struct x86_cpu_state *bsp)
{
    const char *why = NULL;
    int ret = k->protocol->load(k, bm, bsp, &why);

    if (ret < 0)
        log_error("-kernel %s: %s", k->path, why);
    return ret;
}

void pc_kernel_close(struct pc_kernel *k)
{
    free(k->file);
    g_free(k->cmdline);
    for (unsigned i = 0; i < k->nr_modules; i++) {
        free(k->module_files[i]);
        g_free(k->module_cmdlines[i]);
    }
    memset(k, 0, sizeof(*k));
}
