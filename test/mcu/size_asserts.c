/*
 * test/mcu/size_asserts.c: the sizes doc/porting.md publishes for 32-bit
 * ARM, as static assertions, so that no public struct grows silently.
 *
 * `make mcu-size-asserts` (part of mcu-core and check-mcu) compiles this
 * file for each Cortex-M target with the default knobs, with
 * HOP_CONF_TRACE=0, with HOP_CONF_TIMER_BITS=1 and with
 * HOP_CONF_TASK_NAMES=0, and checks that every
 * SIZE32* line below appears in doc/porting.md's table: a change of
 * layout must update both. The test runner images compile it too (with
 * the default knobs). Nothing here generates code.
 */
#include <hop.h>

#if !defined(__arm__) || UINTPTR_MAX != 0xffffffffu
#error "test/mcu/size_asserts.c holds the sizes of 32-bit ARM (AAPCS)"
#endif

#define SIZE32_CHECK(type, bytes, tag)                                      \
    HOP_STATIC_ASSERT(sizeof(type) == (bytes), tag##_##type)

/* The 32-bit column of porting.md (default knobs). */
#define SIZE32(type, bytes) SIZE32_CHECK(type, bytes, size32)
/* Its "32-bit, HOP_CONF_TRACE=0" column. */
#define SIZE32_TRACE0(type, bytes) SIZE32_CHECK(type, bytes, trace0)
/* The row "hop_loop, HOP_CONF_TIMER_BITS=1". */
#define SIZE32_TIMER1(type, bytes) SIZE32_CHECK(type, bytes, timer1)
/* The row "hop_task, HOP_CONF_TASK_NAMES=0". */
#define SIZE32_NAMES0(type, bytes) SIZE32_CHECK(type, bytes, names0)

/* Independent of the knobs. */
SIZE32(hop_frame, 16);
SIZE32(hop_try, 16);
SIZE32(hop_step, 8);
SIZE32(hop_arena, 20);
SIZE32(hop_backend, 16);
SIZE32(hop_waitable_ops, 16);
SIZE32(hop_timer, 32);
SIZE32(hop_future, 32);
SIZE32(hop_sleep_frame, 80);
SIZE32(hop_join_frame, 32);
SIZE32(hop_scope, 56);
SIZE32(hop_timeout_frame, 160);
SIZE32(hop_group, 72);
SIZE32(hop_bare, 72);
SIZE32(hop_bare_event, 8);

#if HOP_CONF_TASK_NAMES
SIZE32(hop_task, 36);
#else
SIZE32_NAMES0(hop_task, 28);
#endif

#if HOP_CONF_TRACE == 8 && HOP_CONF_TIMER_BITS == 4
SIZE32(hop_gen, 116);
SIZE32(hop_loop, 4056);
#elif HOP_CONF_TRACE == 0 && HOP_CONF_TIMER_BITS == 4
SIZE32_TRACE0(hop_gen, 52);
SIZE32_TRACE0(hop_loop, 3992);
#elif HOP_CONF_TRACE == 8 && HOP_CONF_TIMER_BITS == 1
SIZE32_TIMER1(hop_loop, 1240);
#else
#error "sizes are published for the defaults, TRACE=0 and TIMER_BITS=1"
#endif
