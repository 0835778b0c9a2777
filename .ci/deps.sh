#!/bin/sh
# .ci/deps.sh PACKAGE...: make sure the Debian packages are installed.
#
# Installed ones are left alone. Missing ones are installed with apt-get
# when run as root (with `apt-get update` first if the install needs it);
# otherwise the script prints the exact install line and fails.
set -u
missing=""
for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "hop: missing packages:$missing" >&2
    echo "hop: install them with:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "hop: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing || exit 1
fi
