#!/bin/sh
# Every public function and macro is documented: each HOP_API function,
# each public static inline function and each HOP_ macro of include/hop.h
# and include/hop/*.h (not the private hop__/HOP__ ones, not header
# guards) appears in a heading or a code block of doc/reference/*.md.
#
#   sh test/tools/documented.sh
set -u
hdrs="include/hop.h include/hop/*.h"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
    for h in $hdrs; do
        # (a declaration may span lines: join them)
        tr '\n' ' ' <"$h" | grep -oE '(HOP_API|static inline)[^;{(]*\(' |
            sed -E 's/\($//; s/.*[^A-Za-z0-9_]([A-Za-z_][A-Za-z0-9_]*)$/\1/'
    done
    grep -hoE '^[[:space:]]*#[[:space:]]*define[[:space:]]+HOP_[A-Z0-9_]+' \
        $hdrs | awk '{print $NF}'
} | grep -v -e '^hop__' -e '^HOP__' | grep -vE '^HOP(_[A-Z0-9]+)*_H$' |
    sort -u >"$tmp/names"
awk 'FNR == 1 {inb = 0} /^```/ {inb = !inb; next} inb || /^##+ /' \
    doc/reference/*.md >"$tmp/text"
missing=0
while read -r n; do
    if ! grep -qw -- "$n" "$tmp/text"; then
        echo "doc/reference: $n is not documented"
        missing=$((missing + 1))
    fi
done <"$tmp/names"
[ "$missing" -eq 0 ] || exit 1
echo "== documented: $(wc -l <"$tmp/names") public functions and macros"
