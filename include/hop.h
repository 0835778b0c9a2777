/*
 * hop.h: the umbrella header of hop, resumable functions for C.
 *
 * Include this one header to get the core: frames, the coroutine macros,
 * generator handles, errors and the version.
 */
#ifndef HOP_H
#define HOP_H

#include "hop/conf.h"
#include "hop/version.h"
#include "hop/error.h"
#include "hop/core.h"
#include "hop/coro.h"
#include "hop/time.h"
#include "hop/loop.h"
#include "hop/backend.h"
#include "hop/task.h"
#include "hop/future.h"
#include "hop/scope.h"
#include "hop/ram.h"
#include "hop/waitable.h"
#include "hop/libevent.h"
#include "hop/io.h"
#include "hop/bare.h"
#include "hop/sync.h"

#endif /* HOP_H */
