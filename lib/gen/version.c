/*
 * lib/gen/version.c: the library's version at run time.
 */
#include "hop/version.h"

#define HOP__STR2(x) #x
#define HOP__STR(x) HOP__STR2(x)

int hop_version(void)
{
    return HOP_VERSION_NUM;
}

const char *hop_version_string(void)
{
    return HOP__STR(HOP_VERSION_MAJOR) "." HOP__STR(
        HOP_VERSION_MINOR) "." HOP__STR(HOP_VERSION_PATCH);
}
