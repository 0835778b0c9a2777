#!/bin/sh
# test/mcu/blink-size.sh: the .text of a minimal program, as
# doc/porting.md publishes it: the microcontrollers chapter's blink
# program (taken from doc/tutorial.md) with the core and the bare
# backend, for Cortex-M0, linked with and without function sections.
# With function sections, it also says where the bytes come from: the
# input sections of .text, .rodata and .ARM.exidx in the link map, summed
# per core object, for the bare backend, libgcc and the program's own
# objects (blink.o, mem.o); the rest is alignment.
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
    for f in lib/gen/*.c lib/sched/*.c lib/sync/*.c lib/bare/*.c; do
        o=$(basename "$(dirname "$f")")_$(basename "$f" .c).o
        # shellcheck disable=SC2086
        $cc $flags $extra -c "$f" -o "$out/$v/$o"
    done
    $cc -mthumb -mcpu=cortex-m0 -nostdlib -e main -Wl,--gc-sections \
        -Wl,-Map,"$out/$v.map" -o "$out/$v.elf" "$out/$v"/*.o -lgcc
done
printf '  blink, function sections and --gc-sections: %s bytes of .text\n' \
    "$(arm-none-eabi-size "$out/sections.elf" | awk 'NR == 2 {print $1}')"
total=$(arm-none-eabi-size "$out/sections.elf" | awk 'NR == 2 {print $1}')
awk -v total="$total" '
    function hex(s,    n, i) {
        n = 0; s = toupper(substr(s, 3))
        for (i = 1; i <= length(s); i++)
            n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
        return n
    }
    function add(size, file,    k) {
        if (file ~ /libgcc\.a/) k = "libgcc"
        else if (file ~ /\/(gen|sched|sync)_[a-z]*\.o$/) {
            k = file; sub(/.*\//, "", k); sub(/\.o$/, "", k)
            core[k] += size; k = "core"
        } else if (file ~ /\/bare_[a-z]*\.o$/) k = "bare"
        else k = "own"
        sum[k] += size
    }
    /^[^ ]/ { out = ($1 == ".text" || $1 == ".rodata" || $1 == ".ARM.exidx") }
    !out { next }
    /^ \.[^ ]+$/ { name = 1; next }
    name && NF == 3 && $1 ~ /^0x/ { add(hex($2), $3); name = 0; next }
    /^ \.[^ ]+ +0x/ && NF == 4 { add(hex($3), $4) }
    { name = 0 }
    END {
        n = 0
        for (k in core) names[++n] = k
        for (i = 1; i <= n; i++)        # by size, largest first
            for (j = i + 1; j <= n; j++)
                if (core[names[j]] > core[names[i]]) {
                    t = names[i]; names[i] = names[j]; names[j] = t
                }
        s = ""
        for (i = 1; i <= n; i++)
            if (core[names[i]] > 0)
                s = s (s == "" ? "" : ", ") names[i] " " core[names[i]]
        printf "    core %d (%s)\n", sum["core"], s
        printf "    bare backend %d, libgcc %d, blink.c and mem.c %d, alignment %d\n",
            sum["bare"], sum["libgcc"], sum["own"],
            total - sum["core"] - sum["bare"] - sum["libgcc"] - sum["own"]
    }' "$out/sections.map"
printf '  blink, whole objects:                       %s bytes of .text\n' \
    "$(arm-none-eabi-size "$out/whole.elf" | awk 'NR == 2 {print $1}')"
