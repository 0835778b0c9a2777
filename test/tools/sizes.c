/*
 * test/sizes.c: print the sizes that doc/reference/core.md publishes, one
 * "name bytes" line each; `make check-sizes` compares them with the doc.
 */
#include <hop.h>
#include <stdio.h>

int main(void)
{
    printf("hop_frame %u\n", (unsigned)sizeof(hop_frame));
    printf("hop_try %u\n", (unsigned)sizeof(hop_try));
    printf("hop_gen %u\n", (unsigned)sizeof(hop_gen));
    printf("hop_step %u\n", (unsigned)sizeof(hop_step));
    printf("hop_arena %u\n", (unsigned)sizeof(hop_arena));
    return 0;
}
