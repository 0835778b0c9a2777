/*
 * test/tools/error_names_off.c: hop_err_name and hop_strerror with the
 * table of names compiled out (HOP_CONF_ERROR_NAMES=0), built with
 * lib/core/error.c alone by `make check-knobs`. Exits 0 when they say
 * what hop/error.h promises.
 */
#include <hop.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    int bad = 0;

#if HOP_CONF_ERROR_NAMES
#error "build with -DHOP_CONF_ERROR_NAMES=0"
#endif
    bad |= strcmp(hop_err_name(HOP_OK), "HOP_OK") != 0;
    bad |= strcmp(hop_strerror(HOP_OK), "success") != 0;
    bad |= strcmp(hop_err_name(HOP_EINVAL), "HOP_ERROR") != 0;
    bad |= strcmp(hop_strerror(HOP_ETIMEDOUT), "error") != 0;
    bad |= strcmp(hop_err_name(12345), "HOP_ERROR") != 0;
    if (bad)
        fprintf(stderr, "error names compiled out: wrong answers\n");
    return bad;
}
