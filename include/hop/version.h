/*
 * hop/version.h: the version of hop, the one place it is written down.
 *
 * The Makefile reads HOP_VERSION_MAJOR/MINOR/PATCH from here for the
 * shared library's name and soname and for hop.pc. hop_version() reports
 * the version the library was built as, so a program can compare it with
 * the header it was compiled against.
 */
#ifndef HOP_VERSION_H
#define HOP_VERSION_H

#define HOP_VERSION_MAJOR 0
#define HOP_VERSION_MINOR 1
#define HOP_VERSION_PATCH 0

/* The version as one integer, major * 10000 + minor * 100 + patch. */
#define HOP_VERSION_NUM                                                      \
    (HOP_VERSION_MAJOR * 10000 + HOP_VERSION_MINOR * 100 + HOP_VERSION_PATCH)

/* Export marker for public functions (the library hides everything else). */
#ifndef HOP_API
#if defined(__GNUC__)
#define HOP_API __attribute__((visibility("default")))
#else
#define HOP_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version as HOP_VERSION_NUM computes it. */
HOP_API int hop_version(void);

/* The library's version as a static "major.minor.patch" string. */
HOP_API const char *hop_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* HOP_VERSION_H */
