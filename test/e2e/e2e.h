/*
 * test/e2e/e2e.h: what the end-to-end tables share: start a sample server on
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

/* Run samples/<name> with the options in args (NULL-ended, 6 at most),
 * its output dropped: its exit status, or -1 when it still ran after
 * 2 s (it was killed then). */
int exit_status(const char *name, const char *const *args);

/* Each of the n option lists in bad (an option, its value or NULL, and
 * NULL) must make samples/<name> exit with status 2. */
void expect_refused(const char *name, const char *const (*bad)[3], size_t n);

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

/* RESP: send SET key with n bytes of ch (without waiting for the
 * reply). */
void send_set_big(int fd, const char *key, size_t n, char ch);

/* SET key to n bytes of ch. */
void set_big(int fd, const char *key, size_t n, char ch);

/* The number of descriptors the server has open (in /proc/PID/fd). */
int open_fds(const server *s);

/* Wait up to 5 s for the server to have n descriptors open; the last
 * count. */
int fds_back_to(const server *s, int n);

/* HTTP: read the head of a response, to the empty line, into head (hcap
 * bytes); its status, or -1. */
int read_head(int fd, char *head, size_t hcap);

/* The Content-Length of a head, or 0. */
long head_length(const char *head);

/*
 * Send req (NULL: nothing) and read one response: its head into head
 * (hcap bytes), its body (by Content-Length) into body. A reply to HEAD
 * has no body: say so with a req that starts with "HEAD " (len 0 sends
 * nothing). Returns the status, or -1.
 */
int exchange_head(int fd, const char *req, size_t len, char *head,
                  size_t hcap, char *body, size_t cap);

/* exchange_head without the head. */
int exchange(int fd, const char *req, size_t len, char *body, size_t cap);

#endif /* HOP_TEST_E2E_H */
