/* Unit tests for accel/tcg/x86_64_asm: GNU as-derived encodings, rel32 patching, call reach,
 * buffer overflow and the -d out_asm listing. */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "accel/tcg/x86_64_asm.h"

/* Branch targets in vectors.inc reach this far either side of the buffer (gen_vectors.py). */
#define TARGET_REACH 0x1000
/* The buffer each case is emitted into; the longest case is far shorter. */
#define CASE_ROOM 64
#define MAX_CASE_BYTES 32
/* What the area holds where nothing may be written. */
#define SENTINEL 0xa5

static uint8_t area[TARGET_REACH + CASE_ROOM + TARGET_REACH];

/* A fresh assembler on size bytes in the middle of area; all of area reset to SENTINEL. */
static void start_case(struct x86_asm *a, size_t size)
{
    memset(area, SENTINEL, sizeof(area));
    x86_asm_init(a, area + TARGET_REACH, size);
}

/* Nothing in area outside [start, end) was written. */
static bool untouched_outside(const uint8_t *start, const uint8_t *end)
{
    for (const uint8_t *p = area; p < area + sizeof(area); p++) {
        if ((p < start || p >= end) && *p != SENTINEL)
            return false;
    }
    return true;
}

/* A memory operand with a scaled index or no base, which x86_64_asm.h has no helper for. */
static struct x86_mem mem_sib(int base, int index, unsigned scale, int32_t disp)
{
    return (struct x86_mem){base, index, scale, disp};
}

struct asm_case {
    void (*emit)(struct x86_asm *a);
    const char *text; /* what GNU as assembles to bytes */
    uint8_t bytes[MAX_CASE_BYTES];
    size_t len;
};

/* Each CASE line of vectors.inc is included twice: its call becomes a function named after
 * the line, then a table entry pointing at that function. */
#define CASE_FN(line) CASE_FN_(line)
#define CASE_FN_(line) emit_case_##line

#define CASE(call, text, ...)                                                                      \
    static void CASE_FN(__LINE__)(struct x86_asm * a)                                              \
    {                                                                                              \
        call;                                                                                      \
    }
#include "vectors.inc"
#undef CASE

#define CASE(call, text, ...)                                                                      \
    {CASE_FN(__LINE__), text, __VA_ARGS__, sizeof((const uint8_t[])__VA_ARGS__)},
static const struct asm_case gas_cases[] = {
#include "vectors.inc"
};
#undef CASE

static const char *hex(const uint8_t *p, size_t n, char *out, size_t out_size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && used + 4 <= out_size; i++)
        used += (size_t)snprintf(out + used, out_size - used, i ? " %02x" : "%02x", p[i]);
    return out;
}

static void report_mismatch(const struct asm_case *c, const struct x86_asm *a, const char *why)
{
    char got[4 * CASE_ROOM], want[4 * MAX_CASE_BYTES];

    g_test_message("%s: %s: got [%s]%s, want [%s]", c->text, why,
                   hex(a->buf, x86_asm_offset(a), got, sizeof(got)),
                   a->overflow ? " (overflow)" : "", hex(c->bytes, c->len, want, sizeof(want)));
}

/* Emits c into a roomy buffer; true if exactly its bytes came out and nothing else changed. */
static bool case_matches(const struct asm_case *c)
{
    struct x86_asm a;

    start_case(&a, CASE_ROOM);
    c->emit(&a);
    if (a.overflow || x86_asm_offset(&a) != c->len || memcmp(a.buf, c->bytes, c->len) != 0) {
        report_mismatch(c, &a, "bytes differ");
        return false;
    }
    if (!untouched_outside(a.buf, a.ptr)) {
        report_mismatch(c, &a, "wrote outside its bytes");
        return false;
    }
    return true;
}

static void test_gas_vectors(void)
{
    unsigned failures = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(gas_cases); i++)
        failures += !case_matches(&gas_cases[i]);
    g_test_message("%zu cases, %u mismatches", G_N_ELEMENTS(gas_cases), failures);
    g_assert_cmpuint(failures, ==, 0);
}

/*
 * ALU and TEST with an imm32 on rax: the encoder uses the ModRM form it uses for every other
 * register; gas always takes the accumulator opcodes (05 id ... 3d id, a9 id), a byte shorter,
 * and 2.40 has no .insn to spell the other. Bytes from the SDM's 81 /digit id and f7 /0 id.
 */
static const struct rax_imm_case {
    int alu; /* enum x86_alu, or -1 for test */
    bool w;
    int32_t imm;
    uint8_t bytes[7];
} rax_imm_cases[] = {
    {ALU_ADD, false, 128, {0x81, 0xc0, 0x80, 0x00, 0x00, 0x00}},
    {ALU_OR, true, -129, {0x48, 0x81, 0xc8, 0x7f, 0xff, 0xff, 0xff}},
    {ALU_ADC, false, INT32_MAX, {0x81, 0xd0, 0xff, 0xff, 0xff, 0x7f}},
    {ALU_SBB, true, INT32_MIN, {0x48, 0x81, 0xd8, 0x00, 0x00, 0x00, 0x80}},
    {ALU_AND, false, 0x12345678, {0x81, 0xe0, 0x78, 0x56, 0x34, 0x12}},
    {ALU_SUB, true, 0x7fff, {0x48, 0x81, 0xe8, 0xff, 0x7f, 0x00, 0x00}},
    {ALU_XOR, false, -129, {0x81, 0xf0, 0x7f, 0xff, 0xff, 0xff}},
    {ALU_CMP, true, 128, {0x48, 0x81, 0xf8, 0x80, 0x00, 0x00, 0x00}},
    {-1, false, 1, {0xf7, 0xc0, 0x01, 0x00, 0x00, 0x00}},
    {-1, true, -1, {0x48, 0xf7, 0xc0, 0xff, 0xff, 0xff, 0xff}},
};

static void test_rax_imm32(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(rax_imm_cases); i++) {
        const struct rax_imm_case *c = &rax_imm_cases[i];
        size_t len = c->w ? 7 : 6;
        struct x86_asm a;

        start_case(&a, CASE_ROOM);
        if (c->alu < 0)
            x86_test_ri(&a, c->w, RAX, c->imm);
        else
            x86_alu_ri(&a, (enum x86_alu)c->alu, c->w, RAX, c->imm);
        g_assert_false(a.overflow);
        g_assert_cmpmem(a.buf, x86_asm_offset(&a), c->bytes, len);
    }
}

/* Emits c into a buffer of size bytes, too small for it: true if it wrote exactly the bytes
 * that fit, flagged the overflow and wrote nothing past the end. */
static bool case_truncates(const struct asm_case *c, size_t size)
{
    struct x86_asm a;

    start_case(&a, size);
    c->emit(&a);
    if (!a.overflow || x86_asm_offset(&a) != size || memcmp(a.buf, c->bytes, size) != 0 ||
        !untouched_outside(a.buf, a.buf + size)) {
        report_mismatch(c, &a, size ? "truncated emission" : "emission into no room");
        return false;
    }
    return true;
}

static void test_truncated_cases(void)
{
    unsigned failures = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(gas_cases); i++) {
        for (size_t size = 0; size < gas_cases[i].len; size++)
            failures += !case_truncates(&gas_cases[i], size);
    }
    g_assert_cmpuint(failures, ==, 0);
}

/* Once set, overflow stays set, and later emissions write nothing. */
static void test_overflow_sticky(void)
{
    struct x86_asm a;

    start_case(&a, 3);
    x86_mov_rr(&a, true, RAX, RBX);
    g_assert_false(a.overflow);
    g_assert_cmpuint(x86_asm_offset(&a), ==, 3);
    x86_ret(&a);
    g_assert_true(a.overflow);
    x86_nop(&a, 9);
    x86_mov_ri(&a, R15, UINT64_C(0x123456789abcdef0));
    g_assert_true(a.overflow);
    g_assert_true(a.ptr == a.end);
    g_assert_true(untouched_outside(a.buf, a.buf + 3));

    x86_asm_init(&a, a.buf, 3); /* a new buffer starts clean */
    g_assert_false(a.overflow);
}

static void test_nop_zero(void)
{
    struct x86_asm a;

    start_case(&a, CASE_ROOM);
    x86_nop(&a, 0);
    g_assert_false(a.overflow);
    g_assert_cmpuint(x86_asm_offset(&a), ==, 0);
    g_assert_true(untouched_outside(a.buf, a.buf));
}

static int32_t rel_at(const uint8_t *field)
{
    uint32_t v;

    memcpy(&v, field, sizeof(v));
    return (int32_t)v;
}

/*
 * Branches emitted with no target fall through (rel32 0); x86_patch_rel32 then points them
 * anywhere, relative to the end of the field, touching nothing but the field. The jmp and jcc
 * fields are 4-byte aligned as the backend aligns patched jumps; the call's is not.
 */
static void test_patch_rel32(void)
{
    static const uint8_t want[] = {
        0x0f, 0x1f, 0x00,                   /* nop3 */
        0xe9, 0xf8, 0x00, 0x00, 0x00,       /* jmp buf+0x100 */
        0x66, 0x90,                         /* nop2 */
        0x0f, 0x85, 0xf0, 0xf7, 0xff, 0xff, /* jne buf-0x800 */
        0xe8, 0x2b, 0x00, 0x00, 0x00,       /* call buf+0x40 */
        0xc3,
    };
    struct x86_asm a;

    start_case(&a, CASE_ROOM);
    x86_nop(&a, 3);
    uint8_t *jmp = x86_jmp32(&a, NULL);
    x86_nop(&a, 2);
    uint8_t *jcc = x86_jcc32(&a, CC_NE, NULL);
    g_assert_true(x86_call_abs(&a, a.buf));
    x86_ret(&a);
    uint8_t *call = a.buf + 17;
    g_assert_true(jmp == a.buf + 4);
    g_assert_true(jcc == a.buf + 12);
    g_assert_cmpint(rel_at(jmp), ==, 0);
    g_assert_cmpint(rel_at(jcc), ==, 0);
    g_assert_cmpint(rel_at(call), ==, -21);

    x86_patch_rel32(jmp, a.buf + 0x100);
    x86_patch_rel32(jcc, a.buf - 0x800);
    x86_patch_rel32(call, a.buf + 0x40);
    g_assert_cmpmem(a.buf, x86_asm_offset(&a), want, sizeof(want));
    g_assert_true(untouched_outside(a.buf, a.ptr));

    /* Patching again replaces the displacement, back to falling through included. */
    x86_patch_rel32(jmp, jmp + 4);
    x86_patch_rel32(jcc, a.buf + TARGET_REACH);
    g_assert_cmpint(rel_at(jmp), ==, 0);
    g_assert_cmpint(rel_at(jcc), ==, TARGET_REACH - 16);
    g_assert_cmpmem(a.buf, 4, want, 4);
    g_assert_cmpmem(a.buf + 8, 4, want + 8, 4);
    g_assert_cmpmem(a.buf + 16, 6, want + 16, 6);
}

/* Calls at rel (from the end of the call) from a's position, if x86_call_abs takes it. */
static bool call_at_rel(struct x86_asm *a, int64_t rel)
{
    uintptr_t next = (uintptr_t)a->ptr + 5;
    size_t before = x86_asm_offset(a);

    if (!x86_call_abs(a, (const void *)(next + (uintptr_t)rel))) {
        g_assert_cmpuint(x86_asm_offset(a), ==, before); /* refused: nothing emitted */
        return false;
    }
    g_assert_cmpuint(x86_asm_offset(a), ==, before + 5);
    g_assert_cmphex(a->buf[before], ==, 0xe8);
    g_assert_cmpint(rel_at(a->buf + before + 1), ==, rel);
    return true;
}

/* x86_call_abs takes exactly the targets a rel32 reaches and leaves the rest to the caller. */
static void test_call_abs_reach(void)
{
    struct x86_asm a;

    start_case(&a, CASE_ROOM);
    g_assert_true(call_at_rel(&a, INT32_MAX));
    g_assert_false(call_at_rel(&a, (int64_t)INT32_MAX + 1));
    g_assert_true(call_at_rel(&a, INT32_MIN));
    g_assert_false(call_at_rel(&a, (int64_t)INT32_MIN - 1));
    g_assert_true(call_at_rel(&a, 0));
    g_assert_false(call_at_rel(&a, INT64_C(1) << 40));
    g_assert_false(call_at_rel(&a, -(INT64_C(1) << 40)));
    g_assert_false(a.overflow);
    g_assert_cmpuint(x86_asm_offset(&a), ==, 15);
}

/* The listing line of one emission: offset, text, then the bytes in hex. */
static void test_listing_text(void)
{
    static const char want[] = "  0000: mov rax, rbx                     488bc3\n"
                               "  0003: movzx ecx, byte [rsp+8]          0fb64c2408\n"
                               "  0008: movsx r9, word [r13+r8*4-129]    4f0fbf8c857fffffff\n"
                               "  0011: mov 8-byte [r12+0], -1           49c70424ffffffff\n";
    struct x86_asm a;

    start_case(&a, CASE_ROOM);
    x86_asm_enable_listing(&a);
    x86_mov_rr(&a, true, RAX, RBX);
    x86_load(&a, RCX, x86_mem_base(RSP, 8), 1, false);
    x86_load(&a, R9, mem_sib(R13, R8, 2, -129), 2, true);
    x86_store_imm(&a, x86_mem_base(R12, 0), -1, 8);
    g_assert_cmpstr(a.listing, ==, want);
    g_assert_cmpuint(a.listing_len, ==, strlen(want));
    x86_asm_free_listing(&a);
    g_assert_null(a.listing);
    g_assert_cmpuint(a.listing_len, ==, 0);
}

/* The listing grows past its first allocation without losing a line. */
static void test_listing_grows(void)
{
    enum { RETS = 500 };
    struct x86_asm a;

    start_case(&a, CASE_ROOM);
    a.end = a.buf + RETS; /* within area's far side; only sentinel bytes there */
    x86_asm_enable_listing(&a);
    for (unsigned i = 0; i < RETS; i++)
        x86_ret(&a);
    g_assert_false(a.overflow);
    g_assert_cmpuint(a.listing_len, ==, strlen(a.listing));
    g_assert_cmpuint(a.listing_len, >, 4096);

    unsigned lines = 0;
    for (const char *p = a.listing; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    g_assert_cmpuint(lines, ==, RETS);
    g_assert_nonnull(strstr(a.listing, "  01f3: ret "));
    x86_asm_free_listing(&a);
}

/* With the listing on, every case still emits its bytes and lists them on one line. */
static bool case_listed(const struct asm_case *c)
{
    char want[4 * MAX_CASE_BYTES] = "";
    struct x86_asm a;
    bool ok;

    start_case(&a, CASE_ROOM);
    x86_asm_enable_listing(&a);
    c->emit(&a);
    for (size_t i = 0; i < c->len; i++)
        snprintf(want + 2 * i, sizeof(want) - 2 * i, "%02x", c->bytes[i]);
    const char *last_space = strrchr(a.listing, ' ');
    ok = x86_asm_offset(&a) == c->len && memcmp(a.buf, c->bytes, c->len) == 0 &&
         strncmp(a.listing, "  0000: ", 8) == 0 && last_space &&
         strncmp(last_space + 1, want, strlen(want)) == 0 &&
         strcmp(last_space + 1 + strlen(want), "\n") == 0;
    if (!ok)
        g_test_message("%s: listed as \"%s\", want bytes %s", c->text, a.listing, want);
    x86_asm_free_listing(&a);
    return ok;
}

static void test_listing_all_cases(void)
{
    unsigned failures = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(gas_cases); i++)
        failures += !case_listed(&gas_cases[i]);
    g_assert_cmpuint(failures, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86_asm/gas-vectors", test_gas_vectors);
    g_test_add_func("/x86_asm/rax-imm32", test_rax_imm32);
    g_test_add_func("/x86_asm/truncated", test_truncated_cases);
    g_test_add_func("/x86_asm/overflow-sticky", test_overflow_sticky);
    g_test_add_func("/x86_asm/nop-zero", test_nop_zero);
    g_test_add_func("/x86_asm/patch-rel32", test_patch_rel32);
    g_test_add_func("/x86_asm/call-abs-reach", test_call_abs_reach);
    g_test_add_func("/x86_asm/listing-text", test_listing_text);
    g_test_add_func("/x86_asm/listing-grows", test_listing_grows);
    g_test_add_func("/x86_asm/listing-all-cases", test_listing_all_cases);
    return g_test_run();
}
