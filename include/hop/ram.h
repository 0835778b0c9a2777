/*
 * hop/ram.h: the RAM a task needs, known at compile time.
 *
 * A task is a hop_task plus its root frame. Child frames are embedded in
 * their parent's frame (a sleep, a join, a deadline scope's timer, every
 * awaited coroutine), so sizeof the root frame's struct already counts
 * the whole await tree below it, at its deepest. HOP_TASK_RAM gives the
 * sum as an integer constant expression, and HOP_STATIC_ASSERT checks it
 * against a budget when the program is compiled, in C99:
 *
 *     HOP_STATIC_ASSERT(HOP_TASK_RAM(blink_frame) <= 256, blink_fits);
 *
 * Not counted: frames taken from an arena (recursion; add the arena's
 * size), objects the task only points to (futures, channels, other
 * tasks), the loop itself (one per program, shared by its tasks) and the
 * C stack, whose use does not grow with the depth of the await tree.
 *
 * This header is freestanding.
 */
#ifndef HOP_RAM_H
#define HOP_RAM_H

#include "task.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The bytes a task whose root frame is a root_frame_type needs: the
 * hop_task and the root frame with every frame embedded in it. An
 * integer constant expression of type size_t, usable in an array size, a
 * case label or HOP_STATIC_ASSERT. (Two objects placed side by side in
 * one struct may add padding between them; sizeof that struct is then
 * the exact figure.)
 */
#define HOP_TASK_RAM(root_frame_type)                                       \
    (sizeof(hop_task) + sizeof(root_frame_type))

/*
 * Fail the compilation when the integer constant expression expr is 0.
 * The check is C99's negative array size: the compiler reports an array
 * of negative size at the assertion's line, where name (an identifier of
 * the caller's, e.g. task_fits) shows what failed. Valid in C99, C11
 * and C++, at file scope and inside a function, any number of times (one
 * per line); a non-constant expr is an error too. Expands to a
 * declaration (an enum with one constant), so it takes a semicolon after
 * it and, in C99, stands where a declaration may.
 */
#define HOP_STATIC_ASSERT(expr, name)                                       \
    enum { HOP__SA_NAME(name, __LINE__) = sizeof(char[(expr) ? 1 : -1]) }
#define HOP__SA_NAME(name, line) HOP__SA_NAME2(name, line)
#define HOP__SA_NAME2(name, line) hop__static_assert_##name##_##line

#ifdef __cplusplus
}
#endif

#endif /* HOP_RAM_H */
