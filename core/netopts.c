/* Parsing hostfwd= rules and MAC addresses; see netopts.h. */
#include "core/netopts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A decimal port 1..65535 spanning exactly [s, end). */
static int parse_port(const char *s, const char *end, uint16_t *port)
{
    unsigned long v = 0;

    if (s == end || end - s > 5)
        return -1;
    for (const char *p = s; p < end; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v == 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* An IPv4 address spanning [s, end), or the empty string for 0. */
static int parse_addr(const char *s, const char *end, uint32_t *addr)
{
    char buf[INET_ADDRSTRLEN];
    struct in_addr in;

    *addr = 0;
    if (s == end)
        return 0;
    if ((size_t)(end - s) >= sizeof(buf))
        return -1;
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = '\0';
    if (inet_pton(AF_INET, buf, &in) != 1)
        return -1;
    *addr = ntohl(in.s_addr);
    return 0;
}

/* "ADDR:PORT" spanning [s, end). */
static int parse_endpoint(const char *s, const char *end, uint32_t *addr, uint16_t *port)
{
    const char *colon = memchr(s, ':', (size_t)(end - s));

    if (!colon || parse_addr(s, colon, addr) < 0)
        return -1;
    return parse_port(colon + 1, end, port);
}

int hostfwd_parse(const char *spec, struct vm_hostfwd_config *out, const char **why)
{
    const char *p = spec;

    *out = (struct vm_hostfwd_config){0};
    if (strncmp(p, "tcp:", 4) == 0) {
        p += 4;
    } else if (strncmp(p, "udp:", 4) == 0) {
        out->udp = true;
        p += 4;
    } else if (*p != ':') {
        *why = "it starts with tcp:, udp: or ':' (tcp)";
        return -1;
    } else {
        p++;
    }
    const char *dash = strchr(p, '-');
    if (!dash) {
        *why = "the host and guest sides are separated by '-'";
        return -1;
    }
    if (parse_endpoint(p, dash, &out->host_addr, &out->host_port) < 0) {
        *why = "the host side is [ADDRESS]:PORT, an IPv4 address and a port 1-65535";
        return -1;
    }
    if (parse_endpoint(dash + 1, dash + 1 + strlen(dash + 1), &out->guest_addr,
                       &out->guest_port) < 0) {
        *why = "the guest side is [ADDRESS]:PORT, an IPv4 address and a port 1-65535";
        return -1;
    }
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int mac_parse(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 17)
        return -1;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
            return -1;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return mac[0] & 1 ? -1 : 0;
}
