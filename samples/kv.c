/*
 * samples/kv.c: a key-value protocol handler written as resumable
 * functions, fed its input in small pieces.
 *
 * The protocol is the inline form of the Redis protocol: one command per
 * line ("SET key value", "GET key", "DEL key", "PING"), one reply per
 * command ("+OK", "$3 bar", ":1", "-ERR ..."). The handler is straight-line
 * code: a session awaits read_line, which suspends (yields) whenever the
 * input runs dry and resumes when the driver feeds more bytes, however the
 * bytes were split. A line that is too long is answered with an error and
 * the session goes on; the session's cleanup runs when the driver closes
 * it. Only hop's public API is used.
 *
 * Run it: ./kv prints a transcript of a scripted client whose bytes
 * arrive three at a time.
 */
#include <hop.h>
#include <stdio.h>
#include <string.h>

#define LINE_MAX_LEN 64
#define KV_SLOTS 16
#define E_TOOLONG 1 /* the sample's own error code */

/* The connection: unread input, and the replies written so far. */
typedef struct conn {
    const char *in;  /* unread input bytes */
    size_t in_len;   /* how many */
    char out[1024];  /* replies not yet printed */
    size_t out_len;
} conn;

static void reply(conn *c, const char *a, const char *b)
{
    int n = snprintf(c->out + c->out_len, sizeof c->out - c->out_len,
                     "%s%s\r\n", a, b);
    if (n > 0 && (size_t)n < sizeof c->out - c->out_len)
        c->out_len += (size_t)n;
}

/* -- read_line: a sub-coroutine that returns one line ------------------- */

typedef struct {
    hop_frame hdr;
    conn *c;
    char *buf;     /* where the line goes (NUL-terminated, no CR LF) */
    size_t max;    /* room in buf */
    size_t len;    /* bytes stored so far */
    int overflow;  /* the line did not fit */
} read_line_frame;

static hop_step read_line(hop_gen *g, hop_frame *f)
{
    read_line_frame *self = (read_line_frame *)f;
    HOP_BEGIN(g, self);
    self->len = 0;
    self->overflow = 0;
    for (;;) {
        while (self->c->in_len == 0)
            HOP_YIELD(self, HOP_EMPTY); /* wait for more input */
        {
            char ch = *self->c->in++;
            self->c->in_len--;
            if (ch == '\n')
                break;
            if (ch == '\r')
                continue;
            if (self->len + 1 < self->max)
                self->buf[self->len++] = ch;
            else
                self->overflow = 1;
        }
    }
    self->buf[self->len] = '\0';
    if (self->overflow)
        HOP_RAISE_MSG(self, E_TOOLONG, "line too long");
    HOP_RETURN(self, (hop_value)self->len);
    HOP_END(self);
}

static hop_frame *read_line_init(read_line_frame *f, conn *c, char *buf,
                                 size_t max)
{
    hop_frame_init(&f->hdr, read_line, HOP_COROUTINE);
    f->c = c;
    f->buf = buf;
    f->max = max;
    return &f->hdr;
}

/* -- the store ----------------------------------------------------------- */

typedef struct {
    char key[24];
    char val[24];
    int used;
} slot;

static slot store[KV_SLOTS];

static slot *find(const char *key)
{
    int i;

    for (i = 0; i < KV_SLOTS; i++)
        if (store[i].used && strcmp(store[i].key, key) == 0)
            return &store[i];
    return NULL;
}

/* Run one command line and write its reply. */
static void execute(conn *c, char *line)
{
    char *cmd = strtok(line, " ");
    char *key = strtok(NULL, " ");
    char *val = strtok(NULL, " ");
    slot *s;

    if (cmd == NULL) {
        reply(c, "-ERR empty command", "");
    } else if (strcmp(cmd, "PING") == 0) {
        reply(c, "+PONG", "");
    } else if (strcmp(cmd, "SET") == 0 && key != NULL && val != NULL &&
               strlen(key) < sizeof s->key && strlen(val) < sizeof s->val) {
        s = find(key);
        for (int i = 0; s == NULL && i < KV_SLOTS; i++)
            if (!store[i].used)
                s = &store[i];
        if (s == NULL) {
            reply(c, "-ERR store full", "");
            return;
        }
        strcpy(s->key, key);
        strcpy(s->val, val);
        s->used = 1;
        reply(c, "+OK", "");
    } else if (strcmp(cmd, "GET") == 0 && key != NULL) {
        s = find(key);
        if (s == NULL)
            reply(c, "$-1", "");
        else
            reply(c, "+", s->val);
    } else if (strcmp(cmd, "DEL") == 0 && key != NULL) {
        s = find(key);
        if (s != NULL)
            s->used = 0;
        reply(c, s != NULL ? ":1" : ":0", "");
    } else {
        reply(c, "-ERR unknown command or wrong arguments: ", cmd);
    }
}

/* -- session: the protocol handler --------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    conn *c;
    char line[LINE_MAX_LEN];
    int commands;
    read_line_frame rl;
} session_frame;

static hop_step session(hop_gen *g, hop_frame *f)
{
    session_frame *self = (session_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            int err;
            HOP_AWAIT_CATCH(self, read_line_init(&self->rl, self->c,
                                                 self->line,
                                                 sizeof self->line), err);
            if (err == E_TOOLONG) {
                reply(self->c, "-ERR line too long", "");
                continue;
            }
            if (err != 0)
                HOP_RAISE(self, err);
            self->commands++;
            execute(self->c, self->line);
        }
    HOP_FINALLY(self);
        /* Runs however the session ends: here, when the driver closes it. */
        printf("   (session closed after %d commands)\n", self->commands);
    HOP_END_TRY(self);
    HOP_END(self);
}

/* -- the driver: feed the script three bytes at a time ------------------- */

int main(void)
{
    static const char script[] =
        "PING\r\nSET greeting hello\r\nGET greeting\r\n"
        "GET missing\r\nSET counter 42\r\nDEL greeting\r\nGET greeting\r\n"
        "THIS-LINE-IS-FAR-TOO-LONG-FOR-THE-SERVER-TO-ACCEPT-IT-AS-A-COMMAND"
        "-AT-ALL\r\nFLY away\r\nGET counter\r\n";
    static session_frame s;
    conn c;
    hop_gen g;
    hop_value v;
    size_t off = 0;
    int rc;

    memset(&c, 0, sizeof c);
    hop_frame_init(&s.hdr, session, HOP_COROUTINE);
    s.c = &c;
    hop_gen_init(&g, &s.hdr);
    printf("kv: a protocol handler written as resumable functions\n");
    printf("client sends %zu bytes, 3 at a time\n", sizeof script - 1);
    rc = hop_gen_start(&g, &v);
    while (rc == HOP_YIELDED && off < sizeof script - 1) {
        size_t n = sizeof script - 1 - off < 3 ? sizeof script - 1 - off : 3;
        c.in = script + off;
        c.in_len = n;
        off += n;
        rc = hop_gen_next(&g, &v);
        if (c.out_len > 0) {
            fwrite("<- ", 1, 3, stdout);
            for (size_t i = 0; i < c.out_len; i++) {
                putchar(c.out[i] == '\r' ? ' ' : c.out[i]);
                if (c.out[i] == '\n' && i + 1 < c.out_len)
                    fwrite("<- ", 1, 3, stdout);
            }
            c.out_len = 0;
        }
    }
    if (rc != HOP_YIELDED) {
        fprintf(stderr, "kv: session ended early (%d)\n", rc);
        return 1;
    }
    rc = hop_gen_close(&g, &v);
    if (rc != HOP_RETURNED || hop_gen_cleanup(&g) != HOP_OK)
        return 1;
    printf("kv: done, %d commands served\n", s.commands);
    return s.commands == 9 ? 0 : 1;
}
