#!/bin/sh
# test/mcu/sizeof.sh: sizeof of hop's public structs, as the table of
# doc/porting.md publishes them: on 32-bit ARM (Cortex-M0) and on the
# host, with the row's knobs and with HOP_CONF_TRACE=0 added. Nothing is
# run: test/mcu/sizes.c is compiled, and `nm -S` reads the size of each
# of its sz_<type> arrays.
#
# The first rows have the default knobs, one per type of sizes.c. A row
# of one knob shows the types whose size it changes; a row of two knobs,
# the types whose size differs from both one-knob rows.
#
#   sh test/mcu/sizeof.sh OUTDIR
set -eu
out=$1
mcc=${MCU_CC:-arm-none-eabi-gcc}
mnm=${MCU_NM:-arm-none-eabi-nm}
hcc=${CC:-cc}
hnm=${NM:-nm}
rows='HOP_CONF_TIMER_BITS=1
HOP_CONF_TASK_NAMES=0
HOP_CONF_ERRMSG=0
HOP_CONF_GROUP_ERRORS=1
HOP_CONF_TASK_NAMES=0,HOP_CONF_ERRMSG=0
HOP_CONF_TIMER_BITS=1,HOP_CONF_ERRMSG=0'
rm -rf "$out"
mkdir -p "$out"

# One line per type and cell: "row type column bytes" (row "-" for the
# default knobs, columns 1 to 4 as in the table).
for row in - $rows; do
    flags=
    [ "$row" = - ] || flags=$(echo "$row" | sed 's/^/-D/; s/,/ -D/g')
    for col in 1 2 3 4; do
        extra=
        [ $col -le 2 ] || extra=-DHOP_CONF_TRACE=0
        o=$out/$col.o
        # shellcheck disable=SC2086
        case $col in
        1|3) $mcc -std=c99 -mthumb -mcpu=cortex-m0 -ffreestanding \
                 -nostdinc -isystem "$($mcc -print-file-name=include)" \
                 -Iinclude -fno-common $flags $extra -c test/mcu/sizes.c -o "$o"
             $mnm -S "$o" > "$out/nm";;
        *)   $hcc -std=c99 -Iinclude -fno-common $flags $extra \
                 -c test/mcu/sizes.c -o "$o"
             $hnm -S "$o" > "$out/nm";;
        esac
        awk -v r="$row" -v c=$col '$4 ~ /^sz_/ {
                n = 0; h = toupper($2)
                for (i = 1; i <= length(h); i++)
                    n = n * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
                print r, substr($4, 4), c, n
            }' "$out/nm" >> "$out/cells"
    done
done

# The types in the order of sizes.c, then the table.
sed -n 's/^SZ(\([a-z_]*\));$/\1/p' test/mcu/sizes.c > "$out/types"
# shellcheck disable=SC2016
printf '| type | 32-bit | host | 32-bit, `HOP_CONF_TRACE=0` | host, `HOP_CONF_TRACE=0` |\n'
awk -v rows="$(printf '%s\n' "$rows" | tr '\n' ' ')" '
    FILENAME == ARGV[1] { v[$1, $2, $3] = $4; next }
    { types[++nt] = $1 }
    function cells(r, t) {
        return v[r, t, 1] " | " v[r, t, 2] " | " v[r, t, 3] " | " v[r, t, 4]
    }
    function label(r, t,    s, k, n, i) {
        s = "`" t "`"
        if (r == "-")
            return s
        n = split(r, k, ",")
        for (i = 1; i <= n; i++)
            s = s ", `" k[i] "`"
        return s
    }
    END {
        for (i = 1; i <= nt; i++)
            printf "| %s | %s |\n", label("-", types[i]), cells("-", types[i])
        nr = split(rows, rs, " ")
        for (j = 1; j <= nr; j++) {
            r = rs[j]
            n = split(r, k, ",")
            for (i = 1; i <= nt; i++) {
                t = types[i]
                show = 1
                if (n == 1)
                    show = cells(r, t) != cells("-", t)
                else
                    for (m = 1; m <= n; m++)
                        if (cells(r, t) == cells(k[m], t))
                            show = 0
                if (show)
                    printf "| %s | %s |\n", label(r, t), cells(r, t)
            }
        }
    }' "$out/cells" "$out/types"
