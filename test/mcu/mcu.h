/*
 * test/mcu/mcu.h: the bare-metal side of the libc-free QEMU runner:
 * semihosting output and exit, and the painted stack region by which the
 * runner starts each case on a clean stack and reports the deepest stack
 * use.
 */
#ifndef HOP_TEST_MCU_H
#define HOP_TEST_MCU_H

#include <stddef.h>
#include <stdint.h>

/* Write the NUL-terminated string s to the host (SYS_WRITE0). */
void mcu_write0(const char *s);

/* End the run with status code (SYS_EXIT_EXTENDED); QEMU exits with it. */
void mcu_exit(int code)
#if defined(__GNUC__)
    __attribute__((noreturn))
#endif
    ;

/*
 * Fill the stack below the caller's frame with MCU_STACK_PAINT. The
 * startup code does it before main; the runner does it again before each
 * case. Then mcu_stack_used gives the bytes of the stack region written
 * since.
 */
void mcu_stack_paint(void);
size_t mcu_stack_used(void);
size_t mcu_stack_size(void);

/* The byte mcu_stack_paint fills the unused stack with. */
#define MCU_STACK_PAINT 0xa5u

int main(void);

#endif /* HOP_TEST_MCU_H */
