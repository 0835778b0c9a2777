/*
 * samples/http/parse.h: the request reader of samples/http-server: the
 * request line, the header lines up to a limit, a body by Content-Length
 * or chunked and the trailers after it, read from a hop_reader as nested
 * resumable functions. A request that is malformed or past a limit
 * raises the HTTP status to answer with (400, 413, 414, 431, 501...).
 */
#ifndef SAMPLES_HTTP_PARSE_H
#define SAMPLES_HTTP_PARSE_H

#include <hop.h>
#include <stddef.h>

/*
 * The sample's own errors are HTTP statuses: the request reader raises
 * the status to answer with (400 to 599, which no errno value nor hop's
 * codes can be), and the session answers it and closes.
 */
#define IS_STATUS(err) ((err) >= 400 && (err) <= 599)

/* The request being read. */
typedef struct {
    char method[8];
    char path[1024];    /* the target, without its query, unescaped */
    int minor;          /* HTTP/1.minor */
    int keep_alive;     /* the connection persists after the reply */
    int conn_close;     /* Connection: close */
    int conn_keep;      /* Connection: keep-alive */
    int chunked;        /* Transfer-Encoding: chunked */
    int has_length;     /* a Content-Length came */
    int expect;         /* Expect: 100-continue */
    long long length;   /* Content-Length */
    size_t head;        /* bytes of the head (or trailers) read so far */
} http_request;

/* A request's body, in a buffer that grows as the body comes. */
typedef struct {
    char *p;            /* the bytes, or NULL */
    size_t len;         /* how many */
    size_t cap;         /* the room at p */
} http_body;

/* What a request may be. */
typedef struct {
    long max_header;    /* bytes of the head, and of the trailers */
    long max_body;      /* bytes of the body */
} http_limits;

/* A line of the head, the chunked framing or the trailers. */
typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_reader_frame rf;
    hop_reader *r;
    size_t max;         /* the line's limit */
    int too_long;       /* the status to raise past it */
    size_t *head;       /* the bytes of the head, the line's added, or
                           NULL: not counted */
    size_t head_max;    /* too_long, too, when *head passes it */
    size_t n;           /* the line's length */
} http_line_frame;

/* The body: Content-Length or chunked. */
typedef struct {
    hop_frame hdr;
    http_line_frame ln;
    hop_reader_frame rf;
    hop_reader *r;
    http_request *req;
    http_body *body;
    const http_limits *lim;
    long long size;     /* of the chunk being read */
} http_body_frame;

/* http_read_request: the request line, the headers, the body. */
typedef struct {
    hop_frame hdr;
    http_line_frame ln;
    http_body_frame bd;
    hop_reader *r;
    hop_writer *w;
    http_request *req;
    http_body *body;
    const http_limits *lim;
} http_request_frame;

/*
 * Read one request from r into req (cleared first) and body (emptied
 * first), within lim; empty lines before the request line are skipped.
 * "100 Continue" goes into w when the request expects it and has a body
 * to send. Raises the status to answer for a request that is malformed
 * (400), too big (413, 414, 431), of a transfer coding other than
 * chunked (501) or that does not fit in memory (500), and the errors of
 * the reader.
 */
hop_frame *http_read_request(http_request_frame *f, hop_reader *r,
                             hop_writer *w, http_request *req,
                             http_body *body, const http_limits *lim);

/*
 * After a request: the body emptied and its buffer back to its idle
 * size, so that a client that sent a big one holds nothing for it
 * afterwards.
 */
void http_body_shrink(http_body *b);

/* Free the body's buffer. */
void http_body_free(http_body *b);

#endif /* SAMPLES_HTTP_PARSE_H */
