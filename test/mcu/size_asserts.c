/*
 * test/mcu/size_asserts.c: the sizes doc/porting.md publishes for 32-bit
 * ARM, as static assertions, so that no public struct grows silently.
 *
 * The table in porting.md has one row per type with the default knobs,
 * and rows for the types a knob changes ("`hop_loop`,
 * `HOP_CONF_TIMER_BITS=1`"); each row gives the size on 32-bit and on
 * 64-bit, then both again with HOP_CONF_TRACE=0. `make mcu-size-asserts`
 * (part of mcu-core and check-mcu) compiles this file for each Cortex-M
 * target once per 32-bit cell of the table: with the knobs of each row
 * below, with and without HOP_CONF_TRACE=0. Each compilation checks the
 * sizes of its row and column, and fails on any other set of knobs. The
 * same target then checks (test/mcu/published.sh) that porting.md
 * publishes every number asserted here in its row and column: a change
 * of layout must update both. The test runner images compile this file
 * too (with the default knobs). Nothing here generates code.
 *
 * The name of an assertion macro says its cell: SIZE32 is the 32-bit
 * column of a type's default row; the words after it name the knobs of
 * the row (TIMER1: HOP_CONF_TIMER_BITS=1, NAMES0: HOP_CONF_TASK_NAMES=0,
 * ERRMSG0: HOP_CONF_ERRMSG=0, GROUPERR1: HOP_CONF_GROUP_ERRORS=1), and a
 * final TRACE0 the "32-bit, HOP_CONF_TRACE=0" column.
 */
#include <hop.h>

#if !defined(__arm__) || UINTPTR_MAX != 0xffffffffu
#error "test/mcu/size_asserts.c holds the sizes of 32-bit ARM (AAPCS)"
#endif

#define SIZE32_CHECK(type, bytes, tag)                                      \
    HOP_STATIC_ASSERT(sizeof(type) == (bytes), tag##_##type)

#define SIZE32(type, bytes) SIZE32_CHECK(type, bytes, size32)
#define SIZE32_TRACE0(type, bytes) SIZE32_CHECK(type, bytes, trace0)
#define SIZE32_TIMER1(type, bytes) SIZE32_CHECK(type, bytes, timer1)
#define SIZE32_TIMER1_TRACE0(type, bytes)                                   \
    SIZE32_CHECK(type, bytes, timer1_trace0)
#define SIZE32_NAMES0(type, bytes) SIZE32_CHECK(type, bytes, names0)
#define SIZE32_NAMES0_TRACE0(type, bytes)                                   \
    SIZE32_CHECK(type, bytes, names0_trace0)
#define SIZE32_ERRMSG0(type, bytes) SIZE32_CHECK(type, bytes, errmsg0)
#define SIZE32_ERRMSG0_TRACE0(type, bytes)                                  \
    SIZE32_CHECK(type, bytes, errmsg0_trace0)
#define SIZE32_GROUPERR1(type, bytes) SIZE32_CHECK(type, bytes, grouperr1)
#define SIZE32_GROUPERR1_TRACE0(type, bytes)                                \
    SIZE32_CHECK(type, bytes, grouperr1_trace0)
#define SIZE32_NAMES0_ERRMSG0(type, bytes)                                  \
    SIZE32_CHECK(type, bytes, names0_errmsg0)
#define SIZE32_NAMES0_ERRMSG0_TRACE0(type, bytes)                           \
    SIZE32_CHECK(type, bytes, names0_errmsg0_trace0)
#define SIZE32_TIMER1_ERRMSG0(type, bytes)                                  \
    SIZE32_CHECK(type, bytes, timer1_errmsg0)
#define SIZE32_TIMER1_ERRMSG0_TRACE0(type, bytes)                           \
    SIZE32_CHECK(type, bytes, timer1_errmsg0_trace0)

/* The rows: the layout knobs other than HOP_CONF_TRACE. */
#define ROW_KNOBS(errmsg, timer_bits, task_names, group_errors)             \
    (HOP_CONF_ERRMSG == (errmsg) && HOP_CONF_TIMER_BITS == (timer_bits) &&  \
     HOP_CONF_TASK_NAMES == (task_names) &&                                 \
     HOP_CONF_GROUP_ERRORS == (group_errors))
#define ROW_DEFAULT ROW_KNOBS(64, 4, 1, 4)
#define ROW_TIMER1 ROW_KNOBS(64, 1, 1, 4)
#define ROW_NAMES0 ROW_KNOBS(64, 4, 0, 4)
#define ROW_ERRMSG0 ROW_KNOBS(0, 4, 1, 4)
#define ROW_GROUPERR1 ROW_KNOBS(64, 4, 1, 1)
#define ROW_NAMES0_ERRMSG0 ROW_KNOBS(0, 4, 0, 4)
#define ROW_TIMER1_ERRMSG0 ROW_KNOBS(0, 1, 1, 4)

#if HOP_CONF_TRACE != 8 && HOP_CONF_TRACE != 0
#error "sizes are published for HOP_CONF_TRACE 8 (the default) and 0"
#endif

#if ROW_DEFAULT && HOP_CONF_TRACE == 8
SIZE32(hop_frame, 16);
SIZE32(hop_try, 16);
SIZE32(hop_step, 8);
SIZE32(hop_exc, 168);
SIZE32(hop_gen, 208);
SIZE32(hop_arena, 24);
SIZE32(hop_loop, 4176);
SIZE32(hop_backend, 16);
SIZE32(hop_waitable_ops, 16);
SIZE32(hop_task, 208);
SIZE32(hop_timer, 32);
SIZE32(hop_future, 32);
SIZE32(hop_sleep_frame, 80);
SIZE32(hop_join_frame, 32);
SIZE32(hop_scope, 64);
SIZE32(hop_timeout_frame, 168);
SIZE32(hop_group, 116);
SIZE32(hop_bare, 72);
SIZE32(hop_bare_event, 8);
#elif ROW_DEFAULT
SIZE32_TRACE0(hop_frame, 16);
SIZE32_TRACE0(hop_try, 16);
SIZE32_TRACE0(hop_step, 8);
SIZE32_TRACE0(hop_exc, 104);
SIZE32_TRACE0(hop_gen, 144);
SIZE32_TRACE0(hop_arena, 24);
SIZE32_TRACE0(hop_loop, 4112);
SIZE32_TRACE0(hop_backend, 16);
SIZE32_TRACE0(hop_waitable_ops, 16);
SIZE32_TRACE0(hop_task, 144);
SIZE32_TRACE0(hop_timer, 32);
SIZE32_TRACE0(hop_future, 32);
SIZE32_TRACE0(hop_sleep_frame, 80);
SIZE32_TRACE0(hop_join_frame, 32);
SIZE32_TRACE0(hop_scope, 64);
SIZE32_TRACE0(hop_timeout_frame, 168);
SIZE32_TRACE0(hop_group, 116);
SIZE32_TRACE0(hop_bare, 72);
SIZE32_TRACE0(hop_bare_event, 8);
#elif ROW_TIMER1 && HOP_CONF_TRACE == 8
SIZE32_TIMER1(hop_loop, 1360);
#elif ROW_TIMER1
SIZE32_TIMER1_TRACE0(hop_loop, 1296);
#elif ROW_NAMES0 && HOP_CONF_TRACE == 8
SIZE32_NAMES0(hop_task, 200);
#elif ROW_NAMES0
SIZE32_NAMES0_TRACE0(hop_task, 136);
#elif ROW_ERRMSG0 && HOP_CONF_TRACE == 8
SIZE32_ERRMSG0(hop_exc, 104);
SIZE32_ERRMSG0(hop_gen, 144);
SIZE32_ERRMSG0(hop_loop, 4112);
SIZE32_ERRMSG0(hop_task, 144);
#elif ROW_ERRMSG0
SIZE32_ERRMSG0_TRACE0(hop_exc, 40);
SIZE32_ERRMSG0_TRACE0(hop_gen, 80);
SIZE32_ERRMSG0_TRACE0(hop_loop, 4048);
SIZE32_ERRMSG0_TRACE0(hop_task, 80);
#elif ROW_GROUPERR1 && HOP_CONF_TRACE == 8
SIZE32_GROUPERR1(hop_group, 92);
#elif ROW_GROUPERR1
SIZE32_GROUPERR1_TRACE0(hop_group, 92);
#elif ROW_NAMES0_ERRMSG0 && HOP_CONF_TRACE == 8
SIZE32_NAMES0_ERRMSG0(hop_task, 136);
#elif ROW_NAMES0_ERRMSG0
SIZE32_NAMES0_ERRMSG0_TRACE0(hop_task, 72);
#elif ROW_TIMER1_ERRMSG0 && HOP_CONF_TRACE == 8
SIZE32_TIMER1_ERRMSG0(hop_loop, 1296);
#elif ROW_TIMER1_ERRMSG0
SIZE32_TIMER1_ERRMSG0_TRACE0(hop_loop, 1232);
#else
#error "sizes are published for the defaults and the knobs of the rows above"
#endif
