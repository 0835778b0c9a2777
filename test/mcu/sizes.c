/*
 * test/mcu/sizes.c: sizeof of hop's public structs on a cross target,
 * read without running anything: each sz_<type> is an array of exactly
 * sizeof(<type>) bytes, and `nm -S` on the object prints its size.
 * `make sizes` compiles this for a 32-bit Cortex-M.
 */
#include <hop.h>

#define SZ(type) char sz_##type[sizeof(type)]

SZ(hop_frame);
SZ(hop_try);
SZ(hop_gen);
SZ(hop_step);
SZ(hop_arena);
SZ(hop_loop);
SZ(hop_backend);
SZ(hop_waitable_ops);
SZ(hop_task);
SZ(hop_timer);
SZ(hop_future);
SZ(hop_sleep_frame);
SZ(hop_join_frame);
SZ(hop_scope);
SZ(hop_timeout_frame);
SZ(hop_group);
