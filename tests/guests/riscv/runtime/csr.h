/* CSR bit and cause numbers, shared by the runtime's assembly and C. */
#ifndef CSR_H
#define CSR_H

#define MSTATUS_SIE 0x2
#define MSTATUS_MIE 0x8
#define MSTATUS_MPIE 0x80
#define MSTATUS_MPP 0x1800
#define MSTATUS_MPP_S 0x0800
#define MSTATUS_MPP_U 0x0000
#define MSTATUS_FS 0x6000
#define MSTATUS_FS_INITIAL 0x2000
#define MSTATUS_FS_CLEAN 0x4000
#define MSTATUS_FS_DIRTY 0x6000
#define MSTATUS_MPRV 0x20000
#define MSTATUS_SUM 0x40000
#define MSTATUS_MXR 0x80000
#define MSTATUS_TVM 0x100000
#define MSTATUS_SD (1ul << 63)

#define MIP_MSIP 0x8
#define MIP_MTIP 0x80
#define MIP_MEIP 0x800

#define MCAUSE_INTERRUPT (1ul << 63)
#define IRQ_M_SOFT 3
#define IRQ_M_TIMER 7
#define IRQ_M_EXT 11

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_MACHINE_ECALL 11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15

/* fflags bits */
#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

/* The trap frame the entry code builds on the stack (offsets in bytes). */
#define TF_X(n) ((n) * 8)
#define TF_MCAUSE 256
#define TF_MEPC 264
#define TF_MTVAL 272
#define TF_VECTOR 280
#define TF_SIZE 288

#endif
