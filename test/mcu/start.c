/*
 * test/mcu/start.c: reset and fault handlers and the vector table for a
 * Cortex-M0/M3 under QEMU. The linker script (one per board) places the
 * stack at the bottom of RAM, below .data and .bss, so an overflow runs
 * off the start of RAM and faults instead of silently overwriting data.
 *
 * The table is written as a union of a function pointer and a pointer to
 * object: ISO C has no cast between the two.
 */
#include "mcu.h"

/* From the linker script. */
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern unsigned char __stack_bottom[], __stack_top[];

typedef union {
    void (*fn)(void);
    void *p;
} vector;

void reset_handler(void);
void fault_handler(void);
void fault_report(void);
void default_handler(void);

/* Fill the stack below the caller's frame with the paint byte. The loop
 * keeps its pointers in registers and writes only below the stack
 * pointer, which nothing else uses while it runs (the runner enables no
 * interrupt). Not inlined, so that the caller's frame is left whole. */
void __attribute__((noinline)) mcu_stack_paint(void)
{
    volatile unsigned char *p = __stack_bottom;
    unsigned char *sp;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    while ((unsigned char *)p < sp)
        *p++ = MCU_STACK_PAINT;
}

void reset_handler(void)
{
    uint32_t *src = __data_load, *dst = __data_start;

    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
    mcu_stack_paint();
    mcu_exit(main());
}

size_t mcu_stack_size(void)
{
    return (size_t)(__stack_top - __stack_bottom);
}

size_t mcu_stack_used(void)
{
    const unsigned char *p = __stack_bottom;

    while (p < __stack_top && *p == MCU_STACK_PAINT)
        p++;
    return (size_t)(__stack_top - p);
}

/* A fault ends the run. An overflow leaves the stack pointer below RAM,
 * so the handler is naked: it puts the stack pointer back at the top of
 * the stack before anything is pushed, then reports and exits. */
__attribute__((naked)) void fault_handler(void)
{
    __asm__ volatile("ldr r0, =__stack_top\n\t"
                     "msr msp, r0\n\t"
                     "bl fault_report\n\t"
                     ".ltorg");
}

void fault_report(void)
{
    mcu_write0("FAIL: hard fault (stack overflow or bad access)\n");
    mcu_exit(1);
}

void default_handler(void)
{
    mcu_write0("FAIL: unexpected interrupt\n");
    mcu_exit(1);
}

__attribute__((section(".vectors"), used)) const vector vectors[16] = {
    {.p = __stack_top},         /* initial stack pointer */
    {.fn = reset_handler},
    {.fn = default_handler},    /* NMI */
    {.fn = fault_handler},      /* HardFault */
    {.fn = fault_handler},      /* MemManage (M3) */
    {.fn = fault_handler},      /* BusFault (M3) */
    {.fn = fault_handler},      /* UsageFault (M3) */
    {.p = 0},
    {.p = 0},
    {.p = 0},
    {.p = 0},
    {.fn = default_handler},    /* SVCall */
    {.fn = default_handler},    /* DebugMonitor */
    {.p = 0},
    {.fn = default_handler},    /* PendSV */
    {.fn = default_handler},    /* SysTick */
};
