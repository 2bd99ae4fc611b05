/*
 * libslirp in the GLib main loop; see net_user.h. Slirp asks for its descriptors before each
 * poll (slirp_pollfds_fill) and is told what happened after it (slirp_pollfds_poll); a GSource
 * of our own carries both steps, and slirp's timers are GSources with a ready time.
 */
#include "hw/net/net_user.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <slirp/libslirp.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/timer.h"

#define GUEST_ADDR 0x0a00020fu /* 10.0.2.15 */

/*
 * GLib wakes its loop whenever a poll record is added or removed, so records are kept from one
 * poll to the next and only their events change; a descriptor gets a record when slirp first
 * asks for it and loses it when slirp stops asking.
 */
struct slirp_poll_source {
    GSource source;
    struct net_user *net;
    GPollFD **fds;    /* each record allocated on its own, so it never moves */
    bool *wanted;     /* asked for by this round of slirp_pollfds_fill */
    unsigned nr_fds, cap_fds;
    int64_t deadline_us; /* when slirp's own timeout (TCP timers) runs out; -1: none */
};

struct net_user {
    Slirp *slirp;
    struct net_peer peer;
    struct slirp_poll_source *poll;
    char id[64];
};

struct slirp_timer {
    GSource source;
    struct net_user *net;
    SlirpTimerId timer_id;
    void *cb_opaque;
};

/* ---- descriptors: fill before polling, report after ---- */

static gushort glib_events(int events)
{
    return (gushort)((events & SLIRP_POLL_IN ? G_IO_IN : 0) |
                     (events & SLIRP_POLL_OUT ? G_IO_OUT : 0) |
                     (events & SLIRP_POLL_PRI ? G_IO_PRI : 0));
}

static unsigned find_or_add_fd(struct slirp_poll_source *p, int fd)
{
    for (unsigned i = 0; i < p->nr_fds; i++)
        if (p->fds[i]->fd == fd)
            return i;
    if (p->nr_fds == p->cap_fds) {
        p->cap_fds = p->cap_fds ? 2 * p->cap_fds : 16;
        p->fds = g_renew(GPollFD *, p->fds, p->cap_fds);
        p->wanted = g_renew(bool, p->wanted, p->cap_fds);
    }
    p->fds[p->nr_fds] = g_new0(GPollFD, 1);
    p->fds[p->nr_fds]->fd = fd;
    g_source_add_poll(&p->source, p->fds[p->nr_fds]);
    return p->nr_fds++;
}

static int add_poll_fd(int fd, int events, void *opaque)
{
    struct slirp_poll_source *p = opaque;
    unsigned i = find_or_add_fd(p, fd);

    /* GLib reads events when it builds the poll set, after every prepare: no re-add needed. */
    p->fds[i]->events = glib_events(events);
    p->fds[i]->revents = 0;
    p->wanted[i] = true;
    return (int)i;
}

static int get_revents(int idx, void *opaque)
{
    const struct slirp_poll_source *p = opaque;
    gushort r;

    if (idx < 0 || (unsigned)idx >= p->nr_fds)
        return 0;
    r = p->fds[idx]->revents;
    return (r & G_IO_IN ? SLIRP_POLL_IN : 0) | (r & G_IO_OUT ? SLIRP_POLL_OUT : 0) |
           (r & G_IO_PRI ? SLIRP_POLL_PRI : 0) | (r & G_IO_ERR ? SLIRP_POLL_ERR : 0) |
           (r & G_IO_HUP ? SLIRP_POLL_HUP : 0);
}

/* Drops the records slirp did not ask for this round (all of them when keep is false). */
static void drop_unwanted_fds(struct slirp_poll_source *p, bool keep)
{
    unsigned kept = 0;

    for (unsigned i = 0; i < p->nr_fds; i++) {
        if (keep && p->wanted[i]) {
            p->fds[kept++] = p->fds[i];
            continue;
        }
        g_source_remove_poll(&p->source, p->fds[i]);
        g_free(p->fds[i]);
    }
    p->nr_fds = kept;
}

static gboolean poll_prepare(GSource *source, gint *timeout)
{
    struct slirp_poll_source *p = (struct slirp_poll_source *)source;
    uint32_t slirp_timeout = UINT32_MAX;

    /* slirp keeps the indices it was given until its poll step: compact only now, before it
     * is asked again. Descriptors slirp closed are among the unwanted. */
    drop_unwanted_fds(p, true);
    for (unsigned i = 0; i < p->nr_fds; i++)
        p->wanted[i] = false;
    slirp_pollfds_fill(p->net->slirp, &slirp_timeout, add_poll_fd, p);
    for (unsigned i = 0; i < p->nr_fds; i++)
        if (!p->wanted[i])
            p->fds[i]->events = 0;
    if (slirp_timeout == UINT32_MAX) {
        p->deadline_us = -1;
        *timeout = -1;
    } else {
        p->deadline_us = g_get_monotonic_time() + (int64_t)slirp_timeout * 1000;
        *timeout = (gint)slirp_timeout;
    }
    return FALSE;
}

static gboolean poll_check(GSource *source)
{
    struct slirp_poll_source *p = (struct slirp_poll_source *)source;

    for (unsigned i = 0; i < p->nr_fds; i++)
        if (p->wanted[i] && p->fds[i]->revents)
            return TRUE;
    return p->deadline_us >= 0 && g_get_monotonic_time() >= p->deadline_us;
}

static gboolean poll_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    struct slirp_poll_source *p = (struct slirp_poll_source *)source;
    (void)cb, (void)data;

    slirp_pollfds_poll(p->net->slirp, 0, get_revents, p);
    return G_SOURCE_CONTINUE;
}

static void poll_finalize(GSource *source)
{
    struct slirp_poll_source *p = (struct slirp_poll_source *)source;

    g_free(p->fds);
    g_free(p->wanted);
}

static GSourceFuncs poll_funcs = {
    .prepare = poll_prepare,
    .check = poll_check,
    .dispatch = poll_dispatch,
    .finalize = poll_finalize,
};

/* ---- timers ---- */

static gboolean timer_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    struct slirp_timer *t = (struct slirp_timer *)source;
    (void)cb, (void)data;

    g_source_set_ready_time(source, -1);
    slirp_handle_timer(t->net->slirp, t->timer_id, t->cb_opaque);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_funcs = {.dispatch = timer_dispatch};

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct slirp_timer *t =
        (struct slirp_timer *)g_source_new(&timer_funcs, sizeof(struct slirp_timer));

    t->net = opaque;
    t->timer_id = id;
    t->cb_opaque = cb_opaque;
    g_source_set_ready_time(&t->source, -1);
    g_source_attach(&t->source, NULL);
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    g_source_destroy(timer);
    g_source_unref(timer);
}

/* expire_ms is on the clock cb_clock_get_ns gives: CLOCK_MONOTONIC, as GLib's. */
static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    g_source_set_ready_time(timer, expire_ms * 1000);
}

/* ---- the rest of slirp's callbacks ---- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_user *n = opaque;

    n->peer.receive(n->peer.opaque, buf, len);
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    struct net_user *n = opaque;

    if (log_enabled(LOG_GUEST_ERROR))
        log_debug("netdev %s: %s\n", n->id, msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    (void)opaque;
    return host_clock_ns();
}

static void cb_register_poll_fd(int fd, void *opaque)
{
    (void)fd, (void)opaque; /* descriptors are collected afresh before every poll */
}

/* slirp says a guestfwd socket can take data again; kestrel has no guestfwd, and waking the
 * loop on every call would only spin it while TCP data flows. */
static void cb_notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb slirp_callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_register_poll_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

/* ---- set-up ---- */

static struct in_addr ipv4(uint32_t host_order)
{
    return (struct in_addr){.s_addr = htonl(host_order)};
}

static struct in6_addr ipv6(const char *text)
{
    struct in6_addr a;

    inet_pton(AF_INET6, text, &a);
    return a;
}

static Slirp *start_slirp(const struct vm_netdev_config *cfg, struct net_user *n)
{
    SlirpConfig sc = {
        .version = 4,
        .restricted = cfg->restricted,
        .in_enabled = true,
        .vnetwork = ipv4(0x0a000200u),     /* 10.0.2.0 */
        .vnetmask = ipv4(0xffffff00u),     /* /24 */
        .vhost = ipv4(0x0a000202u),        /* 10.0.2.2 */
        .in6_enabled = cfg->ipv6,
        .vprefix_addr6 = ipv6("fec0::"),
        .vprefix_len = 64,
        .vhost6 = ipv6("fec0::2"),
        .vdhcp_start = ipv4(GUEST_ADDR),
        .vnameserver = ipv4(0x0a000203u),  /* 10.0.2.3 */
        .vnameserver6 = ipv6("fec0::3"),
    };
    return slirp_new(&sc, &slirp_callbacks, n);
}

static int add_hostfwds(struct net_user *n, const struct vm_netdev_config *cfg)
{
    for (unsigned i = 0; i < cfg->nr_hostfwd; i++) {
        const struct vm_hostfwd_config *f = &cfg->hostfwd[i];
        uint32_t guest = f->guest_addr ? f->guest_addr : GUEST_ADDR;
        char host[INET_ADDRSTRLEN];
        struct in_addr h = ipv4(f->host_addr);
        errno = 0;
        if (slirp_add_hostfwd(n->slirp, f->udp, h, f->host_port, ipv4(guest),
                              f->guest_port) < 0) {
            inet_ntop(AF_INET, &h, host, sizeof(host));
            log_error("-netdev %s: hostfwd=%s:%s:%u: cannot listen on the host%s%s; choose "
                      "another port", cfg->id, f->udp ? "udp" : "tcp",
                      f->host_addr ? host : "", f->host_port, errno ? ": " : "",
                      errno ? strerror(errno) : "");
            return -1;
        }
    }
    return 0;
}

struct net_user *net_user_new(const struct vm_netdev_config *cfg, const struct net_peer *peer)
{
    struct net_user *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->peer = *peer;
    snprintf(n->id, sizeof(n->id), "%s", cfg->id);
    if (!(n->slirp = start_slirp(cfg, n))) {
        log_error("-netdev %s: libslirp could not start the user network", cfg->id);
        free(n);
        return NULL;
    }
    if (add_hostfwds(n, cfg) < 0) {
        net_user_free(n);
        return NULL;
    }
    n->poll = (struct slirp_poll_source *)g_source_new(&poll_funcs, sizeof(*n->poll));
    n->poll->net = n;
    n->poll->deadline_us = -1;
    g_source_attach(&n->poll->source, NULL);
    return n;
}

void net_user_send(struct net_user *n, const uint8_t *frame, size_t len)
{
    slirp_input(n->slirp, frame, (int)len);
}

void net_user_free(struct net_user *n)
{
    if (!n)
        return;
    if (n->poll) {
        drop_unwanted_fds(n->poll, false);
        g_source_destroy(&n->poll->source);
        g_source_unref(&n->poll->source);
    }
    slirp_cleanup(n->slirp);
    free(n);
}
