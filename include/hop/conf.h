/*
 * hop/conf.h: compile-time knobs of hop.
 *
 * Every knob is a HOP_CONF_* macro with a default here. Override one with
 * -D on the command line, or name a header of your own in HOP_CONF_INCLUDE
 * and define the knobs there. Knobs that change the layout of a public
 * struct (HOP_CONF_TRACE, HOP_CONF_ERRMSG, HOP_CONF_TIMER_BITS,
 * HOP_CONF_TASK_NAMES, HOP_CONF_GROUP_ERRORS) must have the same value
 * in the library and in every program that uses it. HOP_CONF_RESUME
 * only changes how the coroutine macros expand, so each translation
 * unit may choose its own.
 *
 * This header is freestanding: it includes nothing.
 */
#ifndef HOP_CONF_H
#define HOP_CONF_H

#ifdef HOP_CONF_INCLUDE
#include HOP_CONF_INCLUDE
#endif

/* The two resume implementations of the coroutine macros. */
#define HOP_RESUME_SWITCH 1 /* Duff's-device switch: portable C99 */
#define HOP_RESUME_LABELS 2 /* GCC/Clang labels as values */

/*
 * HOP_CONF_RESUME picks the resume implementation. The labels variant
 * also allows a suspension inside the user's own switch statement; it is
 * the default wherever the compiler speaks GNU C.
 */
#ifndef HOP_CONF_RESUME
#if defined(__GNUC__)
#define HOP_CONF_RESUME HOP_RESUME_LABELS
#else
#define HOP_CONF_RESUME HOP_RESUME_SWITCH
#endif
#endif

#if HOP_CONF_RESUME != HOP_RESUME_SWITCH && HOP_CONF_RESUME != HOP_RESUME_LABELS
#error "HOP_CONF_RESUME must be HOP_RESUME_SWITCH or HOP_RESUME_LABELS"
#endif
#if HOP_CONF_RESUME == HOP_RESUME_LABELS && !defined(__GNUC__)
#error "HOP_RESUME_LABELS needs GCC or Clang (labels as values)"
#endif

/*
 * HOP_CONF_TRACE is the number of file:line entries a raised error keeps
 * as it crosses frames (its traceback). 0 compiles tracebacks out and
 * keeps __FILE__ strings out of the image.
 */
#ifndef HOP_CONF_TRACE
#define HOP_CONF_TRACE 8
#endif

/*
 * HOP_CONF_ERRMSG is the size in bytes of the buffer that keeps an error
 * message formatted by HOP_RAISE_FMT, one in each generator handle and
 * in each task (with its terminating zero; longer messages end in
 * "..."). 0 leaves the buffers out: HOP_RAISE_FMT then raises its format
 * string as a static message.
 */
#ifndef HOP_CONF_ERRMSG
#define HOP_CONF_ERRMSG 64
#endif
#if HOP_CONF_ERRMSG != 0 && HOP_CONF_ERRMSG < 8
#error "HOP_CONF_ERRMSG must be 0 or at least 8"
#endif

/*
 * HOP_CONF_TIMER_BITS is the width in bits (1, 2 or 4) of one digit of
 * the timer queue's radix heap. Wider digits move a timer fewer times
 * before it fires (faster with a million timers) and cost more lists in
 * each loop: 1 + (64 / bits) * (2^bits - 1) of them, two pointers and a
 * deadline each (65, 97 or 241). 0 makes the queue one list in deadline
 * order instead: one pointer in the loop, and a start costs a walk of
 * the timers due earlier (for a microcontroller with a few timers).
 * Changes the layout of hop_loop.
 */
#ifndef HOP_CONF_TIMER_BITS
#define HOP_CONF_TIMER_BITS 4
#endif
#if HOP_CONF_TIMER_BITS != 0 && HOP_CONF_TIMER_BITS != 1 &&                 \
    HOP_CONF_TIMER_BITS != 2 && HOP_CONF_TIMER_BITS != 4
#error "HOP_CONF_TIMER_BITS must be 0, 1, 2 or 4"
#endif

/*
 * HOP_CONF_ERROR_NAMES keeps the table of hop's error names and messages
 * (hop_err_name, hop_strerror). 0 leaves it out of the image: the two
 * then give "HOP_ERROR" and "error" for every code but HOP_OK. Does not
 * change any layout.
 */
#ifndef HOP_CONF_ERROR_NAMES
#define HOP_CONF_ERROR_NAMES 1
#endif

/*
 * HOP_CONF_TASK_NAMES keeps in every task its static name and the
 * "file:line" where it was spawned, for hop_dump: two pointers a task.
 * 0 leaves them out (two pointers less in every hop_task) and hop_dump
 * identifies tasks by id and await chain. Changes the layout of
 * hop_task.
 */
#ifndef HOP_CONF_TASK_NAMES
#define HOP_CONF_TASK_NAMES 1
#endif

/*
 * HOP_CONF_DESCRIBE has hop's own waitables describe what a task waits
 * on to hop_dump ("deadline +120 ms", "task 12", "fd 7 readable"). 0
 * leaves their describing code out of the library (about half a KiB on
 * Cortex-M0, with the decimal writer it pulls in): hop_dump then prints
 * each waitable's kind ("sleep", "task", "fd"). Changes no layout.
 */
#ifndef HOP_CONF_DESCRIBE
#define HOP_CONF_DESCRIBE 1
#endif

/*
 * HOP_CONF_BUDGET is a loop's default cooperative budget: how many units
 * of work (one for each operation of hop's io and sync that could go on
 * at once: a read, a write, a flush, an accept, a channel operation...)
 * a task may do in one turn before such an operation gives way to the
 * other ready tasks first (see hop_loop_set_budget). 0: no budget. Does
 * not change any layout.
 */
#ifndef HOP_CONF_BUDGET
#define HOP_CONF_BUDGET 128
#endif

/*
 * HOP_CONF_GROUP_ERRORS is the number of failed children's errors (code
 * and message) a task group keeps for hop_group_error, besides the
 * body's own error; failures past it are counted (hop_group_dropped).
 * The group keeps copies, so a child's task struct is free to reuse or
 * release as soon as it has ended. At least 1. Changes the layout of
 * hop_group.
 */
#ifndef HOP_CONF_GROUP_ERRORS
#define HOP_CONF_GROUP_ERRORS 4
#endif
#if HOP_CONF_GROUP_ERRORS < 1 || HOP_CONF_GROUP_ERRORS > 255
#error "HOP_CONF_GROUP_ERRORS must be between 1 and 255"
#endif

#endif /* HOP_CONF_H */
