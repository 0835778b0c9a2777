/*
 * samples/mcu/lines.c: a line-protocol handler on a microcontroller, on
 * the bare-metal backend, with no OS, no libc and no allocator.
 *
 * The same parsing style as samples/kv.c: a session awaits read_line, a
 * sub-coroutine that returns one line, and answers each line with one
 * reply. Here the bytes come from a UART receive interrupt that posts
 * each byte with hop_bare_post; the posted event (run in the main loop)
 * puts it in a channel that read_line receives from. Every line must be
 * complete within LINE_TIMEOUT of its first byte (a deadline scope,
 * HOP_TIMEOUT, around the read_line await): a line that times out is
 * dropped and the rest of it skipped. A line longer than the buffer is
 * rejected. Beside the session, a heartbeat task sleeps and counts; the
 * session cancels it when the client says QUIT.
 *
 * The interrupt is simulated. When nothing is ready the loop calls the
 * idle hook, where a real board would arm a wake-up timer for the next
 * deadline and sleep (WFI) until an interrupt. Here the hook instead
 * moves the clock to whichever comes first, that deadline or the next
 * byte of a scripted client, and in the second case "fires the UART
 * interrupt": it posts the next few bytes, as the handler would. The
 * script has a fast stretch, a slow client whose line times out, and an
 * overlong line.
 *
 * The transcript goes out through semihosting; main's status (0 on the
 * expected outcome, else 1) is the exit status of QEMU. The last line is
 * "lines: OK". Built and run on QEMU microbit (Cortex-M0) and mps2-an385
 * (Cortex-M3) by `make mcu-sample` (part of `make check-mcu`), linked with
 * test/mcu's startup code, semihosting port and mem* functions.
 */
#include <hop.h>

#include "mcu.h" /* mcu_write0: semihosting output (test/mcu) */

#define LINE_MAX_LEN 32          /* the line buffer, NUL included */
#define LINE_TIMEOUT HOP_MSEC(500) /* from a line's first byte to its end */
#define BEAT HOP_MSEC(250)       /* the heartbeat's period */
#define RING_CAP 8               /* the backend's event ring */
#define RX_CAP 16                /* the receive channel's buffer */
#define RUN_LIMIT HOP_SEC(10)    /* simulated time after which we give up */
#define E_TOOLONG 1              /* the sample's own error code */

/* -- output: one transcript line at a time, through semihosting ---------- */

static char out_buf[96];
static int out_len;

static void out_str(const char *s)
{
    while (*s != '\0' && out_len < (int)sizeof out_buf - 2)
        out_buf[out_len++] = *s++;
}

static void out_num(uint32_t v, int width)
{
    char d[10];
    int n = 0;

    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (width-- > n)
        out_str(" ");
    while (n > 0 && out_len < (int)sizeof out_buf - 2)
        out_buf[out_len++] = d[--n];
}

static void out_end(void)
{
    out_buf[out_len++] = '\n';
    out_buf[out_len] = '\0';
    mcu_write0(out_buf);
    out_len = 0;
}

/* -- the board: loop, backend, critical section ----------------------------- */

static hop_loop loop;
static hop_bare bare;
static hop_bare_event ring[RING_CAP];
static hop_chan rx;              /* received bytes, oldest first */
static hop_value rx_buf[RX_CAP];
static uint32_t rx_overruns;     /* bytes lost: the channel was full */

/* Start a transcript line with the time: "[ 1234 ms] ". */
static void out_time(void)
{
    out_str("[");
    out_num((uint32_t)(hop_bare_now(&bare) / HOP_MSEC(1)), 5);
    out_str(" ms] ");
}

/* Mask interrupts (PRIMASK) around every access to the ring and clock. */
static unsigned crit_enter(void *ctx)
{
    unsigned primask;

    (void)ctx;
    __asm__ volatile("mrs %0, primask\n\tcpsid i"
                     : "=r"(primask)
                     :
                     : "memory");
    return primask;
}

static void crit_leave(void *ctx, unsigned primask)
{
    (void)ctx;
    __asm__ volatile("msr primask, %0" : : "r"(primask) : "memory");
}

/* A posted event, run in the main loop: hand the byte to the session. */
static void rx_event(void *arg)
{
    if (hop_chan_try_send(&rx, (hop_value)(uintptr_t)arg) != HOP_OK)
        rx_overruns++;
}

/* -- the simulated UART ------------------------------------------------------ */

/*
 * The client: stretches of bytes, each arriving `chunk` bytes per
 * interrupt, one interrupt every `gap_ms`.
 */
static const struct stretch {
    const char *note;
    unsigned gap_ms;
    unsigned chunk;
    const char *text;
} script[] = {
    {"4 bytes every 5 ms", 5, 4,
     "PING\r\nLED ON\r\nECHO hello, board\r\nFLY away\r\n"},
    {"slow client: 1 byte every 150 ms", 150, 1, "LED OFF\r\n"},
    {"4 bytes every 5 ms", 5, 4,
     "THIS-LINE-IS-FAR-TOO-LONG-FOR-A-32-BYTE-BUFFER\r\n"
     "LED OFF\r\nSTATUS\r\nQUIT\r\n"},
};
#define NSTRETCH (sizeof script / sizeof script[0])

static struct {
    unsigned stretch;  /* the stretch being sent */
    unsigned off;      /* bytes of it sent */
    hop_time next;     /* when the next interrupt fires */
    uint32_t irqs;     /* interrupts fired */
} uart;

static int uart_done(void)
{
    return uart.stretch >= NSTRETCH;
}

/*
 * The UART receive interrupt: on a board, read the data register until
 * the FIFO is empty and post each byte. Posting is interrupt-safe.
 */
static void uart_irq(void)
{
    const struct stretch *s = &script[uart.stretch];
    unsigned n;

    if (uart.off == 0) {
        out_time();
        out_str("uart: ");
        out_str(s->note);
        out_end();
    }
    uart.irqs++;
    for (n = 0; n < s->chunk && s->text[uart.off] != '\0'; n++)
        (void)hop_bare_post(&bare, rx_event,
                            (void *)(uintptr_t)(unsigned char)s->text[uart.off++]);
    if (s->text[uart.off] == '\0') {
        uart.stretch++;
        uart.off = 0;
    }
    if (!uart_done())
        uart.next = hop_bare_now(&bare) +
                    HOP_MSEC(script[uart.stretch].gap_ms);
}

static int stuck; /* the loop went idle forever with tasks left */

/*
 * The idle hook: nothing is ready, queued or due before `deadline`. A
 * board would arm a timer for the deadline and WFI; the simulation moves
 * the clock to the deadline or to the next interrupt, whichever is first.
 */
static void idle(void *ctx, hop_time deadline)
{
    (void)ctx;
    if (hop_bare_now(&bare) > RUN_LIMIT) {
        stuck = 1;
        hop_loop_stop(&loop);
    } else if (!uart_done() && uart.next <= deadline) {
        if (uart.next > hop_bare_now(&bare))
            (void)hop_bare_tick(&bare, uart.next);
        uart_irq();
    } else if (deadline != HOP_FOREVER) {
        (void)hop_bare_tick(&bare, deadline);
    } else {
        /* Nothing can ever happen again: the end, or a hang. */
        if (hop_loop_tasks(&loop) != 0)
            stuck = 1;
        hop_loop_stop(&loop);
    }
}

/* -- read_line: a sub-coroutine that returns one line ----------------------- */

typedef struct {
    hop_frame hdr;
    hop_chan_op op;  /* receiving one byte */
    char *buf;       /* where the line goes (NUL-terminated, no CR LF) */
    size_t max;      /* room in buf */
    size_t len;      /* bytes stored so far */
    int first;       /* a byte already received, or -1 */
    int overflow;    /* the line did not fit */
    int ended;       /* the newline came */
} read_line_frame;

/* Take the byte ch into the line; 1 when it ends the line. */
static int take(read_line_frame *self, int ch)
{
    if (ch == '\n')
        return 1;
    if (ch == '\r')
        return 0;
    if (self->len + 1 < self->max)
        self->buf[self->len++] = (char)ch;
    else
        self->overflow = 1;
    return 0;
}

static hop_step read_line(hop_gen *g, hop_frame *f)
{
    read_line_frame *self = (read_line_frame *)f;
    HOP_BEGIN(g, self);
    self->len = 0;
    self->overflow = 0;
    self->ended = self->first >= 0 && take(self, self->first);
    while (!self->ended) {
        HOP_AWAIT(self, hop_chan_recv(&self->op, &rx, HOP_FOREVER));
        self->ended = take(self, (int)HOP_VALUE(self));
    }
    self->buf[self->len] = '\0';
    if (self->overflow)
        HOP_RAISE_MSG(self, E_TOOLONG, "line too long");
    HOP_RETURN(self, (hop_value)self->len);
    HOP_END(self);
}

static hop_frame *read_line_init(read_line_frame *f, char *buf, size_t max,
                                 int first)
{
    hop_frame_init(&f->hdr, read_line, HOP_COROUTINE);
    f->buf = buf;
    f->max = max;
    f->first = first;
    f->len = 0;
    return &f->hdr;
}

/* -- the commands ------------------------------------------------------------ */

static int led;              /* the board's LED */
static uint32_t beats;       /* the heartbeat's count */

/* Cut the next space-separated word off *p (in place); NULL when none. */
static char *word(char **p)
{
    char *w = *p;

    while (*w == ' ')
        w++;
    if (*w == '\0')
        return NULL;
    *p = w;
    while (**p != '\0' && **p != ' ')
        (*p)++;
    if (**p == ' ')
        *(*p)++ = '\0';
    return w;
}

static int same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void reply(const char *a, const char *b)
{
    out_time();
    out_str("<- ");
    out_str(a);
    out_str(b);
    out_end();
}

/* Run one command line and write its reply; 1 when the client quits. */
static int execute(char *line)
{
    char *rest = line;
    char *cmd = word(&rest);
    char *arg;

    if (cmd == NULL) {
        reply("-ERR empty command", "");
    } else if (same(cmd, "PING")) {
        reply("+PONG", "");
    } else if (same(cmd, "LED")) {
        arg = word(&rest);
        if (arg != NULL && (same(arg, "ON") || same(arg, "OFF"))) {
            led = same(arg, "ON");
            reply("+OK", "");
        } else {
            reply("-ERR usage: LED ON|OFF", "");
        }
    } else if (same(cmd, "ECHO")) {
        reply("+", rest);
    } else if (same(cmd, "STATUS")) {
        out_time();
        out_str("<- +led ");
        out_str(led ? "on" : "off");
        out_str(", ");
        out_num(beats, 0);
        out_str(" heartbeats");
        out_end();
    } else if (same(cmd, "QUIT")) {
        reply("+BYE", "");
        return 1;
    } else {
        reply("-ERR unknown command: ", cmd);
    }
    return 0;
}

/* -- heartbeat: a timer task beside the session ------------------------------ */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_sleep_frame sl;
} heartbeat_frame;

static hop_step heartbeat(hop_gen *g, hop_frame *f)
{
    heartbeat_frame *self = (heartbeat_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_AWAIT(self, hop_sleep(&self->sl, BEAT));
            beats++;
            out_time();
            out_str("heartbeat ");
            out_num(beats, 0);
            out_str(led ? " (led on)" : " (led off)");
            out_end();
        }
    HOP_FINALLY(self);
        /* Runs however it ends: here, when the session cancels it. */
        out_time();
        out_str("heartbeat stopped after ");
        out_num(beats, 0);
        out_str(" beats");
        out_end();
    HOP_END_TRY(self);
    HOP_END(self);
}

/* -- session: the protocol handler ------------------------------------------- */

typedef struct {
    hop_frame hdr;
    HOP_TRIES(3);
    hop_chan_op op;        /* receiving a line's first byte */
    hop_scope sc;          /* the line's deadline */
    read_line_frame rl;
    hop_task *beside;      /* the heartbeat, cancelled at the end */
    char line[LINE_MAX_LEN];
    int first;
    int err;
    int quit;
    uint32_t commands, timeouts, toolong;
} session_frame;

static hop_step session(hop_gen *g, hop_frame *f)
{
    session_frame *self = (session_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        while (!self->quit) {
            /* An idle link waits without a deadline for a line to start. */
            HOP_AWAIT(self, hop_chan_recv(&self->op, &rx, HOP_FOREVER));
            self->first = (int)HOP_VALUE(self);
            self->err = 0;
            HOP_TRY(self);
                HOP_TIMEOUT(self, &self->sc, LINE_TIMEOUT);
                    HOP_AWAIT(self, read_line_init(&self->rl, self->line,
                                                   sizeof self->line,
                                                   self->first));
                HOP_END_TIMEOUT(self, &self->sc);
            HOP_CATCH(self, HOP_ETIMEDOUT);
                self->err = HOP_ETIMEDOUT;
            HOP_CATCH(self, E_TOOLONG);
                self->err = E_TOOLONG;
            HOP_END_TRY(self);
            if (self->err == HOP_ETIMEDOUT) {
                self->timeouts++;
                out_time();
                out_str("<- -ERR line timed out, ");
                out_num((uint32_t)self->rl.len, 0);
                out_str(" bytes dropped");
                out_end();
                /* Skip the rest of the line, however long it takes. */
                HOP_AWAIT_CATCH(self, read_line_init(&self->rl, self->line,
                                                     sizeof self->line, -1),
                                self->err);
                out_time();
                out_str("   (skipped the rest: \"");
                out_str(self->line);
                out_str("\")");
                out_end();
                continue;
            }
            if (self->err == E_TOOLONG) {
                self->toolong++;
                reply("-ERR line too long", "");
                continue;
            }
            if (self->line[0] == '\0')
                continue; /* an empty line: nothing to answer */
            self->commands++;
            out_time();
            out_str("-> ");
            out_str(self->line);
            out_end();
            self->quit = execute(self->line);
        }
    HOP_FINALLY(self);
        /* Runs however the session ends. */
        (void)hop_task_cancel(self->beside, "session over");
        out_time();
        out_str("session closed after ");
        out_num(self->commands, 0);
        out_str(" commands");
        out_end();
    HOP_END_TRY(self);
    HOP_RETURN(self, (hop_value)self->commands);
    HOP_END(self);
}

/* -- main ------------------------------------------------------------------- */

static session_frame sess;
static heartbeat_frame hb;
static hop_task sess_task, hb_task;

/* The outcome the script must give. */
#define WANT_COMMANDS 7 /* PING LED ECHO FLY LED STATUS QUIT */
#define WANT_BEATS 5

static const char *verdict(int run_rc)
{
    if (run_rc != HOP_OK)
        return "hop_bare_run failed";
    if (stuck)
        return "the loop went idle with tasks left, or ran too long";
    if (!uart_done())
        return "the script was not all sent";
    if (hop_task_status(&sess_task) != HOP_TASK_DONE ||
        hop_task_result(&sess_task) != WANT_COMMANDS)
        return "the session did not serve the expected commands";
    if (hop_task_status(&hb_task) != HOP_TASK_CANCELLED)
        return "the heartbeat was not cancelled";
    if (sess.timeouts != 1 || sess.toolong != 1)
        return "expected one timed-out line and one overlong line";
    if (beats != WANT_BEATS)
        return "unexpected heartbeat count";
    if (led != 0)
        return "the LED should be off";
    if (hop_bare_dropped(&bare) != 0 || rx_overruns != 0)
        return "bytes were lost";
    return NULL;
}

int main(void)
{
    const char *why;
    int rc;

    out_str("lines: a line protocol on the bare backend, fed by a UART "
            "interrupt");
    out_end();
    if (hop_loop_init_bare(&loop, &bare, ring, RING_CAP) != HOP_OK ||
        hop_bare_set_critical(&bare, crit_enter, crit_leave, NULL) != HOP_OK ||
        hop_bare_set_idle(&bare, idle, NULL) != HOP_OK ||
        hop_chan_init(&rx, rx_buf, RX_CAP) != HOP_OK)
        return 1;

    hop_frame_init(&sess.hdr, session, HOP_COROUTINE);
    sess.beside = &hb_task;
    hop_frame_init(&hb.hdr, heartbeat, HOP_COROUTINE);
    if (hop_task_init(&sess_task, &loop, &sess.hdr, "session") != HOP_OK ||
        hop_task_init(&hb_task, &loop, &hb.hdr, "heartbeat") != HOP_OK ||
        hop_spawn(&sess_task) != HOP_OK || hop_spawn(&hb_task) != HOP_OK)
        return 1;

    uart.next = HOP_MSEC(script[0].gap_ms);
    rc = hop_bare_run(&loop);

    out_str("lines: ");
    out_num(sess.commands, 0);
    out_str(" commands, ");
    out_num(sess.timeouts, 0);
    out_str(" timed out, ");
    out_num(sess.toolong, 0);
    out_str(" too long, ");
    out_num(beats, 0);
    out_str(" heartbeats, ");
    out_num(uart.irqs, 0);
    out_str(" interrupts, ");
    out_num(hop_bare_dropped(&bare) + rx_overruns, 0);
    out_str(" bytes lost");
    out_end();

    why = verdict(rc);
    if (why == NULL &&
        (hop_task_cleanup(&sess_task) != HOP_OK ||
         hop_task_cleanup(&hb_task) != HOP_OK ||
         hop_chan_cleanup(&rx) != HOP_OK ||
         hop_loop_cleanup(&loop) != HOP_OK ||
         hop_bare_cleanup(&bare) != HOP_OK))
        why = "cleanup failed";
    if (why != NULL) {
        out_str("lines: FAIL: ");
        out_str(why);
        out_end();
        return 1;
    }
    out_str("lines: OK");
    out_end();
    return 0;
}
