#!/bin/sh
# .ci/deps-cross.sh: the cross compilers, qemu-user and Check for armhf
# (32-bit little-endian) and s390x (64-bit big-endian), for the Check
# suite under qemu-user (make check-armhf, check-s390x).
#
# Installed packages are left alone. Missing ones are installed when run
# as root, after adding the foreign architectures and `apt-get update`;
# otherwise the script prints the exact commands and fails. The update's
# status is advisory (one mirror index mid-sync once made it exit 100
# while the install worked): what counts is that the install worked.
set -u
ARCHS="armhf s390x"
PKGS="gcc-arm-linux-gnueabihf libc6-dev-armhf-cross gcc-s390x-linux-gnu \
libc6-dev-s390x-cross qemu-user check:armhf check:s390x"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "hop: missing packages:$missing" >&2
    echo "hop: install them with:" >&2
    for a in $ARCHS; do
        echo "    sudo dpkg --add-architecture $a" >&2
    done
    echo "    sudo apt-get update" >&2
    echo "    sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
echo "hop: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Wait for dpkg's lock rather than fail (make -j can run .ci/deps.sh
# for check-mcu's other packages at the same time).
lock="-o DPkg::Lock::Timeout=300"
added=""
for a in $ARCHS; do
    if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
        dpkg --add-architecture "$a" || exit 1
        added=1
    fi
done
# shellcheck disable=SC2086
if [ -n "$added" ] ||
   ! apt-get $lock install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
    apt-get $lock update -q >/dev/null 2>&1 ||
        echo "hop: apt-get update failed; trying the install anyway" >&2
    # shellcheck disable=SC2086
    apt-get $lock install -y -q --no-install-recommends $missing || exit 1
fi
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        echo "hop: $p did not install" >&2
        exit 1
    fi
done
