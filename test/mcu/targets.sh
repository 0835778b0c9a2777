#!/bin/sh
# test/mcu/targets.sh: the figures test/mcu/configs.sh measured, held to
# doc/porting.md's table "Configurations against the targets". Each line
# of FIGURES, "size <words> <kind>=<bytes>", has a row in the table whose
# first cell is `<words>` and whose next cells are what it measures, the
# published figure and the target. Prints each figure beside the
# published one and the target; fails when a figure has no row, or is
# above its published figure (a growth must update porting.md; a shrink
# passes, with a note to publish the new figure). A figure above its
# target passes: the targets say where the project is going.
#
#   sh test/mcu/targets.sh FIGURES
set -eu
figures=$1
doc=doc/porting.md
[ -s "$figures" ] || { echo "$figures: no figures" >&2; exit 1; }
awk -v doc="$doc" '
    FILENAME == doc {
        if ($0 !~ /^\| `[^`]+` \|/)
            next
        n = split($0, c, "|")
        key = c[2]; gsub(/^ *`|` *$/, "", key)
        pub = c[4]; gsub(/ /, "", pub)
        tgt = c[5]; gsub(/ /, "", tgt)
        if (n >= 6 && pub ~ /^[0-9]+$/ && tgt ~ /^[0-9]+$/) {
            published[key] = pub + 0; target[key] = tgt + 0
        }
        next
    }
    /^size / {
        split($NF, kv, "=")
        key = $2
        for (i = 3; i < NF; i++)
            key = key " " $i
        got = kv[2] + 0
        if (!(key in published)) {
            printf "%s does not publish `%s` in its table of configurations\n",
                doc, key
            bad = 1
            next
        }
        note = ""
        if (got > published[key]) {
            note = "  ABOVE the published figure: update " doc
            bad = 1
        } else if (got < published[key])
            note = "  (below the published figure: publish it)"
        if (got <= target[key])
            met = "target met"
        else
            met = sprintf("%.2f times the target", got / target[key])
        printf "  %-16s %6d bytes, published %6d, target %6d, %s%s\n", key,
            got, published[key], target[key], met, note
        seen++
    }
    END {
        if (seen == 0 && !bad) {
            print "no figure to check"
            exit 1
        }
        exit bad
    }' "$doc" "$figures" || {
    echo "targets: a measured size is above what $doc publishes, or unpublished" >&2
    exit 1
}
