/* Code whose placement matters: a 32-bit instruction that straddles a page boundary. */

    .section .text.rvc_cross, "ax"
    .balign 4096
    .skip 4092
/* rvc_cross_page(): returns 42; its addi occupies the last 2 bytes of a page and the first
   2 bytes of the next. */
    .globl rvc_cross_page
rvc_cross_page:
    c.li a0, 1
    .option push
    .option norvc
    addi a0, a0, 41
    .option pop
    c.jr ra

/* rvc_odd_entry(): a function entered at an address that is 2 mod 4, all 32-bit code. */
    .balign 4
    c.nop
    .globl rvc_odd_entry
rvc_odd_entry:
    .option push
    .option norvc
    li a0, 5
    slli a0, a0, 3
    addi a0, a0, 2
    ret
    .option pop
