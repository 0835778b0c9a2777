#!/bin/sh
# The strata by their symbols: which objects may reference which.
#
#   sh test/tools/layering.sh OBJDIR
#
# OBJDIR holds the library's objects as lib/<folder>/<file>.o. Includes
# can be worked around; the references the compiler leaves in each object
# cannot, so each rule is checked on `nm` output:
#
#   gen    references hop symbols of gen only (it knows no loop, task or
#          time);
#   sched  references gen and sched, and of gen's private symbols only
#          those lib/gen/driver.h declares;
#   sync   references only what the public headers declare (the waitable
#          extension API, as a user's own primitive would);
#   libevent, bare, io
#          reference no private (hop__) symbol of another folder that the
#          public headers (hop/backend.h among them) do not declare.
#
# No two private headers of lib/ share a name. Exits 1 on the first
# folder that breaks a rule, listing what it references.
set -eu
obj=${1:?usage: layering.sh OBJDIR}
NM=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Symbols each folder defines and references.
for d in gen sched sync libevent bare io; do
    : >"$tmp/$d.def"
    : >"$tmp/$d.und"
    for o in "$obj"/lib/$d/*.o; do
        [ -f "$o" ] || continue
        $NM -g --defined-only "$o" | awk '{print $NF}' >>"$tmp/$d.def"
        $NM -u "$o" | awk '{print $NF}' >>"$tmp/$d.und"
    done
    sort -u -o "$tmp/$d.def" "$tmp/$d.def"
    grep '^hop_' "$tmp/$d.und" | sort -u >"$tmp/$d.hop" || true
    # What the folder references from outside itself.
    comm -23 "$tmp/$d.hop" "$tmp/$d.def" >"$tmp/$d.out"
done
[ -s "$tmp/gen.def" ] || { echo "layering: no objects under $obj/lib"; exit 1; }

# Names the public headers declare, and those driver.h declares.
grep -ohw 'hop_[A-Za-z0-9_]*' include/hop.h include/hop/*.h | sort -u \
    >"$tmp/public"
grep -ohw 'hop_[A-Za-z0-9_]*' lib/gen/driver.h | sort -u >"$tmp/driver"

fail=0
bad() {
    echo "layering: $1"
    sed 's/^/    /' "$2"
    fail=1
}

# gen: nothing from outside.
[ -s "$tmp/gen.out" ] && bad "lib/gen references symbols of other strata:" \
    "$tmp/gen.out"

# sched: gen's public symbols, or the driver interface.
comm -23 "$tmp/sched.out" "$tmp/gen.def" >"$tmp/x"
[ -s "$tmp/x" ] && bad "lib/sched references symbols above it:" "$tmp/x"
grep '^hop__' "$tmp/sched.out" | sort -u >"$tmp/y" || true
cat "$tmp/public" "$tmp/driver" | sort -u >"$tmp/allowed"
comm -23 "$tmp/y" "$tmp/allowed" >"$tmp/x"
[ -s "$tmp/x" ] && bad "lib/sched uses private symbols of lib/gen that \
lib/gen/driver.h does not declare:" "$tmp/x"

# sync: the public API of gen and sched only.
cat "$tmp/gen.def" "$tmp/sched.def" | sort -u >"$tmp/below"
comm -23 "$tmp/sync.out" "$tmp/below" >"$tmp/x"
[ -s "$tmp/x" ] && bad "lib/sync references symbols outside gen and sched:" \
    "$tmp/x"
comm -23 "$tmp/sync.out" "$tmp/public" >"$tmp/x"
[ -s "$tmp/x" ] && bad "lib/sync uses what the public headers do not \
declare:" "$tmp/x"

# libevent, bare, io: no private symbol of another folder outside the
# public headers. (io is built on libevent: hop_libevent_* is public.)
for d in libevent bare io; do
    grep '^hop__' "$tmp/$d.out" | sort -u >"$tmp/y" || true
    comm -23 "$tmp/y" "$tmp/public" >"$tmp/x"
    [ -s "$tmp/x" ] && bad "lib/$d uses private symbols that the public \
headers (hop/backend.h) do not declare:" "$tmp/x"
    # and nothing of gen's and sched's that is not public
    cat "$tmp/gen.def" "$tmp/sched.def" | sort -u >"$tmp/core"
    comm -12 "$tmp/$d.out" "$tmp/core" | comm -23 - "$tmp/public" >"$tmp/x"
    [ -s "$tmp/x" ] && bad "lib/$d uses symbols of the core that no public \
header declares:" "$tmp/x"
done

# No two private headers share a name.
find lib -name '*.h' | sed 's|.*/||' | sort | uniq -d >"$tmp/x"
[ -s "$tmp/x" ] && bad "private headers that share a name:" "$tmp/x"

[ "$fail" -eq 0 ] && echo "== layering: the strata's symbols point one way"
exit "$fail"
