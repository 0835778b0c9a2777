/*
 * test/mcu/sizes.c: sizeof of hop's public structs on a cross target,
 * read without running anything: each sz_<type> is an array of exactly
 * sizeof(<type>) bytes, and `nm -S` on the object prints its size.
 * test/mcu/sizeof.sh (`make sizes`) compiles this for Cortex-M0 and for
 * the host, with the knobs of each row of doc/porting.md's table, and
 * prints the rows in the order of this file.
 */
#include <hop.h>

#define SZ(type) char sz_##type[sizeof(type)]

SZ(hop_frame);
SZ(hop_try);
SZ(hop_step);
SZ(hop_exc);
SZ(hop_gen);
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
SZ(hop_bare);
SZ(hop_bare_event);
