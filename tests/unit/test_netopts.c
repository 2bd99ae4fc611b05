/* Unit tests for core/netopts: hostfwd= rules and MAC addresses, good and malformed. */
#include <glib.h>

#include "core/netopts.h"

static void test_hostfwd_forms(void)
{
    struct vm_hostfwd_config f;
    const char *why = NULL;

    g_assert_cmpint(hostfwd_parse("tcp:127.0.0.1:2222-:22", &f, &why), ==, 0);
    g_assert_false(f.udp);
    g_assert_cmphex(f.host_addr, ==, 0x7f000001);
    g_assert_cmpuint(f.host_port, ==, 2222);
    g_assert_cmphex(f.guest_addr, ==, 0);
    g_assert_cmpuint(f.guest_port, ==, 22);

    g_assert_cmpint(hostfwd_parse("udp::5555-10.0.2.16:65535", &f, &why), ==, 0);
    g_assert_true(f.udp);
    g_assert_cmphex(f.host_addr, ==, 0);
    g_assert_cmphex(f.guest_addr, ==, 0x0a000210);
    g_assert_cmpuint(f.guest_port, ==, 65535);

    g_assert_cmpint(hostfwd_parse("::8080-:80", &f, &why), ==, 0); /* protocol left out */
    g_assert_false(f.udp);
    g_assert_cmpuint(f.host_port, ==, 8080);
}

static void test_hostfwd_refusals(void)
{
    static const char *const bad[] = {
        "", "tcp", "sctp:1.2.3.4:1-:2", "tcp:127.0.0.1:2222", "tcp:127.0.0.1:0-:22",
        "tcp:127.0.0.1:65536-:22", "tcp:127.0.0.1:22-:", "tcp:127.0.0.1:-:22",
        "tcp:300.0.0.1:22-:22", "tcp:127.0.0.1:2x-:22", "tcp:127.0.0.1:22-:22x",
        "tcp:localhost:22-:22", "tcp:127.0.0.1:22-22", "tcp:127.0.0.1:123456-:1",
        "tcp:1.2.3.4.5.6.7.8.9.10.11.12:1-:2",
    };
    struct vm_hostfwd_config f;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *why = NULL;
        g_assert_cmpint(hostfwd_parse(bad[i], &f, &why), ==, -1);
        g_assert_nonnull(why);
    }
}

static void test_mac(void)
{
    uint8_t mac[6];
    static const uint8_t want[6] = {0x52, 0x54, 0x00, 0xab, 0xCD, 0xef};

    g_assert_cmpint(mac_parse("52:54:00:ab:CD:ef", mac), ==, 0);
    g_assert_cmpmem(mac, 6, want, 6);
    g_assert_cmpint(mac_parse("53:54:00:12:34:56", mac), ==, -1); /* multicast */
    g_assert_cmpint(mac_parse("52:54:00:12:34", mac), ==, -1);
    g_assert_cmpint(mac_parse("52:54:00:12:34:5g", mac), ==, -1);
    g_assert_cmpint(mac_parse("52-54-00-12-34-56", mac), ==, -1);
    g_assert_cmpint(mac_parse("52:54:00:12:34:567", mac), ==, -1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netopts/hostfwd_forms", test_hostfwd_forms);
    g_test_add_func("/netopts/hostfwd_refusals", test_hostfwd_refusals);
    g_test_add_func("/netopts/mac", test_mac);
    return g_test_run();
}
