/*
 * What the option parsers share (core/options*.c): QEMU-style key=value lists, the error
 * reports, and the handlers each parser file provides to the option table.
 */
#ifndef KESTREL_CORE_OPTIONS_INTERNAL_H
#define KESTREL_CORE_OPTIONS_INTERNAL_H

#include <stdint.h>

#include "core/config.h"
#include "core/options.h"

#define KV_MAX 16

/* A QEMU-style "bare,key=value,key=value" argument. The bare item has key "". */
struct kv_list {
    char *buf;
    const char *key[KV_MAX];
    const char *value[KV_MAX];
    unsigned n;
};

/* Splits arg (copied); free with kv_free. -E2BIG past KV_MAX items. */
int kv_parse(const char *arg, struct kv_list *l);
void kv_free(struct kv_list *l);
/* The first value of key, NULL if absent (or given without a value). */
const char *kv_get(const struct kv_list *l, const char *key);
/* The first key not in allowed (a NULL-terminated list), or NULL. */
const char *kv_unknown(const struct kv_list *l, const char *const *allowed);

/* Reports "OPTION: message" and returns OPTIONS_USAGE. */
__attribute__((format(printf, 2, 3))) enum options_result usage_error(const char *option,
                                                                     const char *fmt, ...);
/* Reports that what is not built yet and returns OPTIONS_MISSING. */
enum options_result not_built(const char *option, const char *what);
/* A decimal or 0x number up to max; 0 or -EINVAL. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

typedef enum options_result option_handler(struct vm_config *cfg, const char *opt,
                                           const char *arg);

/* options_virtio.c: virtio devices, drives and user networking. */
enum options_result add_virtio(struct vm_config *cfg, const char *opt, struct vm_virtio_config dev);
int parse_ioeventfd(const struct kv_list *l, int *out);
enum options_result opt_device_virtio_blk(struct vm_config *cfg, const char *opt,
                                          const char *arg, const struct kv_list *l);
enum options_result opt_device_virtio_net(struct vm_config *cfg, const char *opt,
                                          const char *arg, const struct kv_list *l);
option_handler opt_global, opt_drive, opt_netdev, opt_nic;
/* After every option is read: connect devices to their -drive and -netdev. */
enum options_result resolve_drives(struct vm_config *cfg);
enum options_result resolve_netdevs(struct vm_config *cfg);

/* options_chardev.c: -chardev, virtio-serial-device and its ports. */
enum options_result opt_device_virtio_serial(struct vm_config *cfg, const char *opt,
                                             const char *arg, const struct kv_list *l);
enum options_result opt_device_serial_port(struct vm_config *cfg, const char *opt,
                                           const char *arg, const struct kv_list *l,
                                           bool console);
option_handler opt_chardev;
/* After every option is read: connect ports to their -chardev. */
enum options_result resolve_console_ports(struct vm_config *cfg);

#endif
