/*
 * samples/resp/proto.h: the request parser of samples/resp-server: a
 * command in RESP2 ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") or inline ("GET
 * k"), read from a hop_reader into an argument list as nested resumable
 * functions. A pipeline of commands already buffered is parsed without
 * suspending at all; the same functions parse what is buffered when the
 * parser suspends for more.
 */
#ifndef SAMPLES_RESP_PROTO_H
#define SAMPLES_RESP_PROTO_H

#include <hop.h>
#include <stddef.h>

/* The sample's own error: a malformed request. Its message says what is
 * wrong ("invalid bulk length"). */
#define E_PROTO 1

/* An argument: its bytes in resp_args.buf. */
typedef struct {
    size_t off;
    size_t len;
} resp_arg;

/* The arguments of the command being parsed: each one's bytes are
 * followed by a NUL. */
typedef struct {
    char *buf;           /* the arguments' bytes */
    size_t len, cap;
    resp_arg *v;
    long n, vcap;        /* n: the count (the name included) */
} resp_args;

/* What a request may be. */
typedef struct {
    long max_bulk;       /* bytes of an argument */
    long max_args;       /* arguments of a command */
    size_t bufsize;      /* the reader's buffer: a line's limit */
} resp_limits;

/* read_bulk: one bulk string into the arguments. */
typedef struct {
    hop_frame hdr;
    hop_reader_frame rf;
    hop_reader *r;
    resp_args *a;
    const resp_limits *lim;
    long len;            /* the string's length, or -1 before its header */
} resp_bulk_frame;

/* resp_read_command: one command into the arguments. */
typedef struct {
    hop_frame hdr;
    resp_bulk_frame bulk;
    hop_reader_frame rf;
    hop_reader *r;
    resp_args *a;
    const resp_limits *lim;
    long nargs;
    long i;
} resp_command_frame;

/*
 * Read one command from r into a (emptied first), within lim: returns
 * the count of arguments (0 for an empty inline line). Raises E_PROTO for
 * a malformed command, -EMSGSIZE for a line longer than the reader's
 * buffer, HOP_ENOMEM, and the errors of the reader.
 */
hop_frame *resp_read_command(resp_command_frame *f, hop_reader *r,
                             resp_args *a, const resp_limits *lim);

/* The bytes of argument i (NUL-terminated) and their count. */
#define RESP_ARG(a, i) ((a)->buf + (a)->v[i].off)
#define RESP_ARGLEN(a, i) ((a)->v[i].len)

/* Whether argument i is name, in any case. */
int resp_arg_is(const resp_args *a, long i, const char *name);

/* Empty a, giving back each buffer larger than keep bytes (0: all). */
void resp_args_shrink(resp_args *a, size_t keep);

/*
 * The decimal integer that is all of p[0, n), in *v, read as Redis reads
 * one: an optional '-', then digits without a leading zero (or "0"); no
 * '+', no blank, nothing after. 0, or -1 when it is not one or does not
 * fit in a long long.
 */
int resp_parse_ll(const char *p, size_t n, long long *v);

#endif /* SAMPLES_RESP_PROTO_H */
