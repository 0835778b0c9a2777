/*
 * test/e2e.h: what the end-to-end tables share: start a sample server on
 * an ephemeral loopback port, talk to it over real sockets, stop it.
 * (Hosted only.)
 */
#ifndef HOP_TEST_E2E_H
#define HOP_TEST_E2E_H

#include <stddef.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    int out;   /* the server's standard output */
    int err;   /* its standard error (start_logged), or -1 */
    int port;
    const char *name;
} server;

void nap_ms(int ms);

/* Start samples/<name> --port 0 with the extra options in args
 * (NULL-ended), and wait for its "<name>: listening on ADDR:PORT". */
void start(server *s, const char *name, const char *const *args);

/* start, with child called in the child process before it runs the
 * server (NULL: none). */
void start_with(server *s, const char *name, const char *const *args,
                void (*child)(void));

/* start, with the server's standard error in a pipe (s->err) that
 * read_log reads. */
void start_logged(server *s, const char *name, const char *const *args);

/* What the server wrote to its standard error, for up to ms
 * milliseconds or until cap - 1 bytes came: a string in buf. */
size_t read_log(server *s, char *buf, size_t cap, int ms);

/* The server's resident set size in KiB (VmRSS in /proc/PID/status). */
long rss_kb(const server *s);

/* SIGTERM; the server must say "<name>: stopped" and exit 0. */
void stop(server *s);

/* A blocking TCP connection to the server. */
int dial(const server *s);

void send_all(int fd, const char *p, size_t n);

/*
 * Read until want bytes came (or the peer closed or reset, or 5 s
 * passed) into buf; returns the count. With wait_close, go on reading
 * one byte at a time until the peer closes. *closed says whether it did.
 */
size_t recv_n(int fd, char *buf, size_t want, int wait_close, int *closed);

/* Send req and expect exactly the reply rep. */
void expect(int fd, const char *req, const char *rep);

/* Send len bytes of req, expect the reply rep and then the end of the
 * stream. */
void expect_close(int fd, const char *req, size_t len, const char *rep);

#endif /* HOP_TEST_E2E_H */
