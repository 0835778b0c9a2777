/*
 * test/e2e/http.h: the document root that the HTTP tests (http.c,
 * http_clients.c) serve.
 */
#ifndef HOP_TEST_E2E_HTTP_H
#define HOP_TEST_E2E_HTTP_H

#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif
#include "e2e.h"
#include "t.h"

#define GET(fd, path, body)                                                  \
    exchange((fd), "GET " path " HTTP/1.1\r\nHost: t\r\n\r\n",               \
             strlen("GET " path " HTTP/1.1\r\nHost: t\r\n\r\n"), (body),       \
             sizeof(body))

#endif /* HOP_TEST_E2E_HTTP_H */
