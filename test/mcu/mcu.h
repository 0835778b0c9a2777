/*
 * test/mcu/mcu.h: the bare-metal side of the libc-free QEMU runner:
 * semihosting output and exit, and the stack region the startup code
 * paints so the runner can report the deepest stack use.
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

/* Bytes of the stack region that were ever written (painted at reset). */
size_t mcu_stack_used(void);
size_t mcu_stack_size(void);

/* The byte the startup code fills the unused stack with. */
#define MCU_STACK_PAINT 0xa5u

int main(void);

#endif /* HOP_TEST_MCU_H */
