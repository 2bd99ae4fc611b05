/* Parsing the network parts of the command line: hostfwd= rules and MAC addresses. */
#ifndef KESTREL_CORE_NETOPTS_H
#define KESTREL_CORE_NETOPTS_H

#include <stdint.h>

#include "core/config.h"

/*
 * QEMU's hostfwd syntax: [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, IPv4 dotted
 * quads. Returns 0, or -1 with *why saying what is wrong.
 */
int hostfwd_parse(const char *spec, struct vm_hostfwd_config *out, const char **why);
/* "52:54:00:12:34:56": six hex bytes separated by colons. A multicast address is refused,
 * since it cannot be a NIC's own. 0 or -1. */
int mac_parse(const char *s, uint8_t mac[6]);

#endif
