#!/bin/sh
# test/mcu/published.sh: every size test/mcu/size_asserts.c asserts is in
# doc/porting.md's table, in its row and column. An assertion
# SIZE32<_KNOBS>[_TRACE0](type, bytes) names its cell: the row of type
# with the knobs KNOBS (none: the default row), and the "32-bit" column,
# or "32-bit, HOP_CONF_TRACE=0" with _TRACE0. Prints how many sizes it
# found; fails when one is missing from the table or when there are fewer
# than MIN.
#
#   sh test/mcu/published.sh MIN
set -eu
min=$1
src=test/mcu/size_asserts.c
doc=doc/porting.md
n=0
list=$(sed -n 's/^SIZE32\([_A-Z0-9]*\)(\([a-z_]*\), \([0-9]*\));$/x\1 \2 \3/p' "$src")
[ -n "$list" ] || { echo "$src: no assertion found" >&2; exit 1; }
while read -r kind type bytes; do
    case $kind in
    *_TRACE0) col='[0-9]+ \| [0-9]+ \| '; kind=${kind%_TRACE0};;
    *) col=;;
    esac
    row='`'$type'`'
    for k in $(echo "${kind#x}" | tr _ ' '); do
        case $k in
        TIMER1) knob=HOP_CONF_TIMER_BITS=1;;
        NAMES0) knob=HOP_CONF_TASK_NAMES=0;;
        ERRMSG0) knob=HOP_CONF_ERRMSG=0;;
        GROUPERR1) knob=HOP_CONF_GROUP_ERRORS=1;;
        *) echo "$src: unknown knob $k in $kind" >&2; exit 1;;
        esac
        row="$row, \`$knob\`"
    done
    grep -qE "^\| $row \| $col$bytes \|" "$doc" || {
        echo "$doc does not publish $type = $bytes in the row $row" \
            "(${col:+HOP_CONF_TRACE=0, }32-bit)" >&2
        exit 1
    }
    n=$((n + 1))
done <<EOF
$list
EOF
[ "$n" -ge "$min" ] || { echo "$src: $n sizes, fewer than $min" >&2; exit 1; }
echo "$n"
