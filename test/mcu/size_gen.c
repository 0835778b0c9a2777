/*
 * test/mcu/size_gen.c: the "gen" configuration of doc/porting.md's size
 * table: the generator layer alone (frames, the handle, next, send,
 * throw and close, a try block with a handler and a cleanup), with no
 * loop, no task and no time. Built with HOP_CONF_TRACE=0 and
 * HOP_CONF_ERROR_NAMES=0 (MCU_CONF_KNOBS_gen in mk/mcu.mk) and linked
 * with lib/gen's objects only.
 *
 * The generator keeps a running sum: it yields the sum, adds each value
 * sent to it, returns the sum when E_STOP is thrown in, and counts its
 * cleanups. The first run ends by a throw, the second by a close; main
 * returns 0 only when every outcome and value is the expected one.
 * test/mcu/configs.sh builds it for Cortex-M0 with function sections and
 * --gc-sections and measures the .text hop's objects bring to the image;
 * make check-mcu also runs it on QEMU microbit.
 */
#include <hop.h>

#include "mcu.h" /* mcu_write0: semihosting output (test/mcu) */

#define E_STOP 1 /* the program's own error: stop and return the sum */

typedef struct sum_frame {
    hop_frame hdr;
    HOP_TRIES(1);
    hop_value sum;    /* survives the suspensions */
    int *cleanups;    /* counted by the cleanup block */
} sum_frame;

static hop_step sum_gen(hop_gen *g, hop_frame *f)
{
    sum_frame *self = (sum_frame *)f;
    HOP_BEGIN(g, self);
    HOP_TRY(self);
        for (;;) {
            HOP_YIELD(self, self->sum);
            if (HOP_VALUE(self) != HOP_EMPTY)
                self->sum += HOP_VALUE(self);
        }
    HOP_CATCH(self, E_STOP);
        HOP_RETURN(self, self->sum);
    HOP_FINALLY(self);
        (*self->cleanups)++;
    HOP_END_TRY(self);
    HOP_END(self);
}

static hop_gen gen;
static sum_frame frame;
static int cleanups;

/* Start a fresh generator on frame; 0 when its first yield is 0. */
static int start(void)
{
    hop_value v = -1;

    frame.sum = 0;
    frame.cleanups = &cleanups;
    if (hop_frame_init(&frame.hdr, sum_gen, HOP_GENERATOR) != HOP_OK ||
        hop_gen_init(&gen, &frame.hdr) != HOP_OK)
        return 1;
    return hop_gen_next(&gen, &v) != HOP_YIELDED || v != 0;
}

/* Send v; 0 when the generator yields the sum want. */
static int send_sum(hop_value v, hop_value want)
{
    hop_value got = -1;

    return hop_gen_send(&gen, v, &got) != HOP_YIELDED || got != want;
}

static int run(void)
{
    hop_value v = -1;

    /* A throw that the handler turns into a return of the sum. */
    if (start() || send_sum(5, 5) || send_sum(7, 12))
        return 1;
    if (hop_gen_next(&gen, &v) != HOP_YIELDED || v != 12)
        return 1;
    if (hop_gen_throw(&gen, E_STOP, "stop", &v) != HOP_RETURNED ||
        v != 12 || cleanups != 1)
        return 1;
    if (hop_gen_next(&gen, &v) != HOP_RETURNED || v != HOP_EMPTY)
        return 1;
    if (hop_gen_cleanup(&gen) != HOP_OK)
        return 1;

    /* A close: HOP_EEXIT is no E_STOP, so only the cleanup runs. */
    if (start() || send_sum(3, 3))
        return 1;
    if (hop_gen_close(&gen, &v) != HOP_RETURNED || v != HOP_EMPTY ||
        cleanups != 2)
        return 1;
    return hop_gen_cleanup(&gen) != HOP_OK;
}

int main(void)
{
    int bad = run();

    mcu_write0(bad ? "size_gen: FAIL\n" : "size_gen: OK\n");
    return bad;
}
