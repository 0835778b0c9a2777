/*
 * hop/error.h: hop's error codes.
 *
 * Every hop function that can fail returns an int: HOP_OK (0) or a
 * negative code. hop's own codes live in a reserved band, HOP_ERR_FIRST to
 * HOP_ERR_LAST (-4095 to -4000), so they never collide with -errno values,
 * which the event and io layers pass through unchanged, nor with a
 * program's own codes: any nonzero int outside the band may be raised as
 * an error and travels through hop untouched.
 *
 * HOP_ERRNO_MAP is the one table of hop's codes; hop_strerror() and
 * hop_err_name() are generated from it. This header is freestanding.
 */
#ifndef HOP_ERROR_H
#define HOP_ERROR_H

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * XX(name, value, message) for each of hop's error codes. HOP_<name> is
 * the code, "HOP_<name>" its name and message its static description.
 */
#define HOP_ERRNO_MAP(XX)                                                    \
    XX(EINVAL, -4001, "invalid argument")                                    \
    XX(ENOMEM, -4002, "out of memory")                                       \
    XX(EBUSY, -4003, "resource busy or still in use")                        \
    XX(ESTATE, -4004, "operation not valid in the current state")            \
    XX(ECANCELED, -4005, "operation cancelled")                              \
    XX(ETIMEDOUT, -4006, "operation timed out")                              \
    XX(ECLOSED, -4007, "channel or stream closed")                           \
    XX(EOF, -4008, "end of file")                                            \
    XX(EEXIT, -4009, "coroutine closed")                                     \
    XX(ERUNNING, -4010, "coroutine already running")                         \
    XX(ENOTSTARTED, -4011, "value sent to a coroutine that has not started") \
    XX(EIGNORED, -4012, "coroutine ignored close")                           \
    XX(EREUSED, -4013, "coroutine already finished")                         \
    XX(ESELFJOIN, -4014, "a task cannot join itself")                        \
    XX(ENOTASK, -4015, "no task is running")                                 \
    XX(EGROUP, -4016, "tasks of a group failed")                            \
    XX(ERESOLVE, -4017, "name resolution failed")

/* HOP_OK and one enumerator per row of HOP_ERRNO_MAP. */
enum hop_errno {
    HOP_OK = 0,
#define HOP__ERRNO_ENUM(name, value, msg) HOP_##name = (value),
    HOP_ERRNO_MAP(HOP__ERRNO_ENUM)
#undef HOP__ERRNO_ENUM
    HOP_ERR_FIRST = -4095, /* lowest code of hop's reserved band */
    HOP_ERR_LAST = -4000   /* highest code of hop's reserved band */
};

/*
 * The static message of an error code: hop's own codes have one each,
 * 0 is "success", anything else is "unknown error". Never NULL. (With
 * HOP_CONF_ERROR_NAMES 0: "error" for every code but 0.)
 */
HOP_API const char *hop_strerror(int err);

/*
 * The name of an error code as a static string ("HOP_EINVAL"), "HOP_OK"
 * for 0, or "HOP_UNKNOWN" for a code hop does not know. Never NULL. (With
 * HOP_CONF_ERROR_NAMES 0: "HOP_ERROR" for every code but 0.)
 */
HOP_API const char *hop_err_name(int err);

#ifdef __cplusplus
}
#endif

#endif /* HOP_ERROR_H */
