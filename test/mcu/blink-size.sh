#!/bin/sh
# test/mcu/blink-size.sh: the .text of a minimal program, as
# doc/porting.md publishes it: the microcontrollers chapter's blink
# program (taken from doc/tutorial.md) with the core and the bare
# backend, for Cortex-M0, linked with and without function sections.
#
#   sh test/mcu/blink-size.sh OUTDIR
set -eu
out=$1
cc=${MCU_CC:-arm-none-eabi-gcc}
flags="-std=c99 -Os -mthumb -mcpu=cortex-m0 -ffreestanding -fno-builtin
    -nostdinc -isystem $($cc -print-file-name=include) -Iinclude"
rm -rf "$out"
mkdir -p "$out"
awk '/^## Microcontrollers/ {m = 1} m && /^```c$/ {p = 1; next}
     p && /^```$/ {exit} p' doc/tutorial.md > "$out/blink.c"
for v in sections whole; do
    extra=
    [ $v = sections ] && extra="-ffunction-sections -fdata-sections"
    mkdir -p "$out/$v"
    # shellcheck disable=SC2086
    $cc $flags $extra -c "$out/blink.c" -o "$out/$v/blink.o"
    # shellcheck disable=SC2086
    $cc $flags $extra -fno-tree-loop-distribute-patterns -c test/mcu/mem.c \
        -o "$out/$v/mem.o"
    for f in lib/core/*.c lib/bare/*.c; do
        o=$(basename "$(dirname "$f")")_$(basename "$f" .c).o
        # shellcheck disable=SC2086
        $cc $flags $extra -c "$f" -o "$out/$v/$o"
    done
    $cc -mthumb -mcpu=cortex-m0 -nostdlib -e main -Wl,--gc-sections \
        -o "$out/$v.elf" "$out/$v"/*.o -lgcc
done
printf '  blink, function sections and --gc-sections: %s bytes of .text\n' \
    "$(arm-none-eabi-size "$out/sections.elf" | awk 'NR == 2 {print $1}')"
printf '  blink, whole objects:                       %s bytes of .text\n' \
    "$(arm-none-eabi-size "$out/whole.elf" | awk 'NR == 2 {print $1}')"
