/*
 * test/mcu/size_tasks.c: the "tasks" configuration of doc/porting.md's
 * size table: a loop on the bare-metal backend, tasks that sleep and a
 * timer, run to the end by hop_bare_run; no scopes, groups, sync or
 * dump. Built with the knobs of MCU_CONF_KNOBS_tasks in mk/mcu.mk.
 *
 * Three tasks sleep 30, 50 and 70 ms at a time, 4, 3 and 2 times, and
 * return how often they woke; a timer fires once at 100 ms. The idle
 * hook plays the SysTick of a board: it moves the clock to the next
 * deadline, and stops the loop when none is left. main returns 0 only
 * when every task is done with its count, each woke at the right times,
 * the timer fired on time and the clock ended at 150 ms.
 * test/mcu/configs.sh builds it for Cortex-M0 with function sections and
 * --gc-sections and measures the .text hop's objects bring to the image;
 * make check-mcu also runs it on QEMU microbit.
 */
#include <hop.h>

#include "mcu.h" /* mcu_write0: semihosting output (test/mcu) */

#define NTASKS 3

typedef struct nap_frame {
    hop_frame hdr;
    hop_sleep_frame sl;  /* the child frame of the await */
    hop_time period;
    int times;
    int i;               /* survives the suspensions */
    int late;            /* wake-ups not at a multiple of the period */
} nap_frame;

static hop_loop loop;
static hop_bare bare;
static hop_bare_event ring[4];
static hop_task tasks[NTASKS];
static nap_frame frames[NTASKS];
static hop_timer timer;
static hop_time fired = -1;

static hop_step nap(hop_gen *g, hop_frame *f)
{
    nap_frame *self = (nap_frame *)f;
    HOP_BEGIN(g, self);
    for (self->i = 1; self->i <= self->times; self->i++) {
        HOP_AWAIT(self, hop_sleep(&self->sl, self->period));
        if (hop_loop_now(&loop) != self->i * self->period)
            self->late++;
    }
    HOP_RETURN(self, self->i - 1);
    HOP_END(self);
}

static void on_timer(hop_timer *t)
{
    (void)t;
    fired = hop_loop_now(&loop);
}

/* Nothing to do before deadline: tick up to it, or stop when none. */
static void idle(void *ctx, hop_time deadline)
{
    (void)ctx;
    if (deadline == HOP_FOREVER) {
        hop_loop_stop(&loop);
        return;
    }
    while (hop_bare_now(&bare) < deadline)
        hop_bare_advance(&bare, HOP_MSEC(1));
}

static int run(void)
{
    static const int times[NTASKS] = {4, 3, 2};
    int k;

    if (hop_loop_init_bare(&loop, &bare, ring, 4) != HOP_OK ||
        hop_bare_set_idle(&bare, idle, NULL) != HOP_OK ||
        hop_timer_init(&timer, on_timer) != HOP_OK ||
        hop_timer_start(&loop, &timer, HOP_MSEC(100)) != HOP_OK)
        return 1;
    for (k = 0; k < NTASKS; k++) {
        frames[k].period = HOP_MSEC(30 + 20 * k);
        frames[k].times = times[k];
        frames[k].late = 0;
        if (hop_frame_init(&frames[k].hdr, nap, HOP_COROUTINE) != HOP_OK ||
            hop_task_init(&tasks[k], &loop, &frames[k].hdr, "nap") !=
                HOP_OK ||
            hop_spawn(&tasks[k]) != HOP_OK)
            return 1;
    }
    if (hop_bare_run(&loop) != HOP_OK)
        return 1;
    for (k = 0; k < NTASKS; k++) {
        if (hop_task_status(&tasks[k]) != HOP_TASK_DONE ||
            hop_task_result(&tasks[k]) != times[k] || frames[k].late != 0 ||
            hop_task_cleanup(&tasks[k]) != HOP_OK)
            return 1;
    }
    if (fired != HOP_MSEC(100) || hop_bare_now(&bare) != HOP_MSEC(150))
        return 1;
    if (hop_loop_cleanup(&loop) != HOP_OK)
        return 1;
    return hop_bare_cleanup(&bare) != HOP_OK;
}

int main(void)
{
    int bad = run();

    mcu_write0(bad ? "size_tasks: FAIL\n" : "size_tasks: OK\n");
    return bad;
}
