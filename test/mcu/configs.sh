#!/bin/sh
# test/mcu/configs.sh: the configurations of doc/porting.md's table
# "Configurations against the targets", built and measured for Cortex-M0
# (-Os -mthumb, -ffunction-sections -fdata-sections, -Wl,--gc-sections):
#
#   gen     test/mcu/size_gen.c on the generator layer alone;
#   tasks   test/mcu/size_tasks.c on the loop, tasks, timers, sleeps and
#           the bare backend;
#   blink   the microcontrollers chapter's blink program (taken from
#           doc/tutorial.md, as test/mcu/blink-size.sh does) on the core
#           and the bare backend;
#   loop32 small, task32 small
#           sizeof(hop_loop) and sizeof(hop_task) on 32-bit ARM with the
#           small configuration's knobs (test/mcu/sizes.c, read by nm -S).
#
# For gen and tasks the figure is the .text, .rodata and .ARM.exidx that
# hop's own objects (the lib/ sources) bring to the image, summed from the
# link map's input sections; for blink, the .text of the whole image (the
# program, hop, mem.c and libgcc; entry main, no startup code), as
# blink-size.sh measures it. Each program is also linked as an image for
# QEMU microbit with test/mcu's startup code, semihosting port and mem*
# functions: OUTDIR/<name>.elf, whose exit status is 0 only when the
# program's results are right (make check-mcu runs them). The objects
# are the same in both links.
#
# The knobs and the lib/ sources of each configuration come from the
# environment (mk/mcu.mk sets them; no number and no lib/ path is written
# here): KNOBS_GEN, KNOBS_TASKS, KNOBS_BLINK, KNOBS_SMALL, SRC_GEN,
# SRC_TASKS, SRC_BLINK, and MCU_CFLAGS (without -mcpu). Prints a line per
# configuration saying where its bytes come from, then, last, the
# machine-readable lines
#
#   size gen cortex-m0 text=<bytes>
#   size tasks cortex-m0 text=<bytes>
#   size blink cortex-m0 text=<bytes>
#   size loop32 small ram=<bytes>
#   size task32 small ram=<bytes>
#
# which it also writes to OUTDIR/figures.
#
#   sh test/mcu/configs.sh OUTDIR
set -eu
out=$1
cc=${MCU_CC:-arm-none-eabi-gcc}
nm=${MCU_NM:-arm-none-eabi-nm}
size=${MCU_SIZE:-arm-none-eabi-size}
cpu=cortex-m0
: "${MCU_CFLAGS:?}" "${SRC_GEN:?}" "${SRC_TASKS:?}" "${SRC_BLINK:?}"
: "${KNOBS_SMALL:?}"
KNOBS_GEN=${KNOBS_GEN-} KNOBS_TASKS=${KNOBS_TASKS-} KNOBS_BLINK=${KNOBS_BLINK-}
sections="-ffunction-sections -fdata-sections"
rm -rf "$out"
mkdir -p "$out"
awk '/^## Microcontrollers/ {m = 1} m && /^```c$/ {p = 1; next}
     p && /^```$/ {exit} p' doc/tutorial.md > "$out/blink.c"
test -s "$out/blink.c"

# cc_o SRC OBJ KNOBS [FLAGS...]: one object of a configuration.
cc_o() {
    src=$1 obj=$2 knobs=$3
    shift 3
    # shellcheck disable=SC2086
    $cc $MCU_CFLAGS -mcpu=$cpu $sections $knobs "$@" -c "$src" -o "$obj"
}

# hop_part MAP: the bytes of .text, .rodata and .ARM.exidx input
# sections that come from the objects in a lib/ folder, then the same per
# object, largest first ("gen 1234 (gen_gen 800, ...)").
hop_part() {
    awk '
    function hex(s,    n, i) {
        n = 0; s = toupper(substr(s, 3))
        for (i = 1; i <= length(s); i++)
            n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
        return n
    }
    function add(size, file,    k) {
        if (file !~ /\/lib\/[a-z]+_[a-z_]+\.o$/)
            return
        k = file; sub(/.*\//, "", k); sub(/\.o$/, "", k)
        part[k] += size; total += size
    }
    /^[^ ]/ { out = ($1 == ".text" || $1 == ".rodata" || $1 == ".ARM.exidx") }
    !out { next }
    /^ \.[^ ]+$/ { name = 1; next }
    name && NF == 3 && $1 ~ /^0x/ { add(hex($2), $3); name = 0; next }
    /^ \.[^ ]+ +0x/ && NF == 4 { add(hex($3), $4) }
    { name = 0 }
    END {
        n = 0
        for (k in part) if (part[k] > 0) names[++n] = k
        for (i = 1; i <= n; i++)        # by size, largest first
            for (j = i + 1; j <= n; j++)
                if (part[names[j]] > part[names[i]]) {
                    t = names[i]; names[i] = names[j]; names[j] = t
                }
        s = ""
        for (i = 1; i <= n; i++)
            s = s (s == "" ? "" : ", ") names[i] " " part[names[i]]
        printf "%d (%s)\n", total, s
    }' "$1"
}

# The startup code, semihosting port and mem* functions, compiled once.
mkdir -p "$out/common"
cc_o test/mcu/start.c "$out/common/start.o" ""
cc_o test/mcu/semihost.c "$out/common/semihost.o" ""
cc_o test/mcu/mem.c "$out/common/mem.o" "" -fno-tree-loop-distribute-patterns

for cfg in gen tasks blink; do
    case $cfg in
    gen) knobs=$KNOBS_GEN srcs=$SRC_GEN prog=test/mcu/size_gen.c;;
    tasks) knobs=$KNOBS_TASKS srcs=$SRC_TASKS prog=test/mcu/size_tasks.c;;
    blink) knobs=$KNOBS_BLINK srcs=$SRC_BLINK prog=$out/blink.c;;
    esac
    d=$out/$cfg
    mkdir -p "$d/lib"
    for f in $srcs; do
        o=$(basename "$(dirname "$f")")_$(basename "$f" .c).o
        cc_o "$f" "$d/lib/$o" "$knobs"
    done
    # The program's __FILE__ strings do not depend on OUTDIR: blink.c's
    # is "blink.c".
    cc_o "$prog" "$d/$cfg.o" "$knobs" -Itest/mcu -fmacro-prefix-map="$out/="
    # The image for QEMU microbit.
    $cc -mthumb -mcpu=$cpu -nostdlib -T test/mcu/microbit.ld \
        -Wl,--no-warn-rwx-segments -Wl,--gc-sections -Wl,-Map,"$out/$cfg.map" \
        -o "$out/$cfg.elf" "$d/$cfg.o" "$out/common"/*.o "$d"/lib/*.o -lgcc
    if [ $cfg = blink ]; then
        # The program alone, as blink-size.sh links it: no startup code.
        $cc -mthumb -mcpu=$cpu -nostdlib -e main -Wl,--gc-sections \
            -Wl,-Map,"$out/blink-alone.map" -o "$out/blink-alone.elf" \
            "$d/$cfg.o" "$out/common/mem.o" "$d"/lib/*.o -lgcc
        text=$($size "$out/blink-alone.elf" | awk 'NR == 2 {print $1}')
        printf '  blink, %s: the whole image %s bytes, of which hop %s\n' \
            "${knobs:-default knobs}" "$text" \
            "$(hop_part "$out/blink-alone.map")"
    else
        part=$(hop_part "$out/$cfg.map")
        text=${part%% *}
        printf '  %s, %s: hop %s, in an image of %s bytes\n' "$cfg" \
            "${knobs:-default knobs}" "$part" \
            "$($size "$out/$cfg.elf" | awk 'NR == 2 {print $1}')"
    fi
    printf 'size %s %s text=%s\n' $cfg $cpu "$text" >> "$out/figures"
done

# sizeof on 32-bit ARM with the small configuration's knobs.
# shellcheck disable=SC2086
$cc -std=c99 -mthumb -mcpu=$cpu -ffreestanding -nostdinc \
    -isystem "$($cc -print-file-name=include)" -Iinclude -fno-common \
    $KNOBS_SMALL -c test/mcu/sizes.c -o "$out/sizes.o"
$nm -S "$out/sizes.o" > "$out/sizes.nm"
for t in loop task; do
    bytes=$(awk -v s="sz_hop_$t" '$4 == s {
            n = 0; h = toupper($2)
            for (i = 1; i <= length(h); i++)
                n = n * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
            print n
        }' "$out/sizes.nm")
    [ -n "$bytes" ] || { echo "configs.sh: no sz_hop_$t in sizes.o" >&2; exit 1; }
    printf 'size %s32 small ram=%s\n' $t "$bytes" >> "$out/figures"
done
# shellcheck disable=SC2086
set -- $KNOBS_SMALL
printf '  small configuration: %s\n' "$*"
cat "$out/figures"
