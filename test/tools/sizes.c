/*
 * test/tools/sizes.c: print the sizes that the pages of doc/reference
 * publish, one "name bytes" line each; `make check-sizes` compares them
 * with the pages.
 */
#include <hop.h>
#include <stdio.h>

int main(void)
{
    printf("hop_frame %u\n", (unsigned)sizeof(hop_frame));
    printf("hop_try %u\n", (unsigned)sizeof(hop_try));
    printf("hop_exc %u\n", (unsigned)sizeof(hop_exc));
    printf("hop_gen %u\n", (unsigned)sizeof(hop_gen));
    printf("hop_step %u\n", (unsigned)sizeof(hop_step));
    printf("hop_arena %u\n", (unsigned)sizeof(hop_arena));
    printf("hop_loop %u\n", (unsigned)sizeof(hop_loop));
    printf("hop_backend %u\n", (unsigned)sizeof(hop_backend));
    printf("hop_waitable_ops %u\n", (unsigned)sizeof(hop_waitable_ops));
    printf("hop_task %u\n", (unsigned)sizeof(hop_task));
    printf("hop_timer %u\n", (unsigned)sizeof(hop_timer));
    printf("hop_future %u\n", (unsigned)sizeof(hop_future));
    printf("hop_sleep_frame %u\n", (unsigned)sizeof(hop_sleep_frame));
    printf("hop_join_frame %u\n", (unsigned)sizeof(hop_join_frame));
    printf("hop_scope %u\n", (unsigned)sizeof(hop_scope));
    printf("hop_timeout_frame %u\n", (unsigned)sizeof(hop_timeout_frame));
    printf("hop_group %u\n", (unsigned)sizeof(hop_group));
    printf("hop_bare %u\n", (unsigned)sizeof(hop_bare));
    return 0;
}
