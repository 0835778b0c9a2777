/*
 * test/mcu/semihost.c: ARM semihosting through `bkpt 0xab` (Thumb):
 * r0 is the operation, r1 its argument, r0 the result.
 */
#include "mcu.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;

    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void mcu_write0(const char *s)
{
    (void)semihost(SYS_WRITE0, s);
}

void mcu_exit(int code)
{
    uint32_t block[2];

    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)code;
    for (;;)
        (void)semihost(SYS_EXIT_EXTENDED, block);
}
