#!/bin/sh
# Install every Debian 12 package itnexus needs to build and to run its tests
# against real peers.  Safe to run again: apt-get skips what is present.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --build  only what the build needs
set -eu

BUILD_PKGS="build-essential autoconf automake libtool pkg-config
  libglib2.0-dev libglib2.0-dev-bin libxml2-dev libxml2-utils
  libavahi-client-dev libavahi-glib-dev libssl-dev libidn-dev libisal-dev
  libfuse3-dev fuse3 libsqlite3-dev libpcap-dev libgtk-4-dev
  clang libclang-rt-14-dev libfuzzer-14-dev"
# Peers and tools the integration tests start themselves.
TEST_PKGS="tgt open-isns-server open-isns-utils libiscsi-bin qemu-utils qemu-block-extra
  tshark avahi-daemon avahi-utils dbus iproute2 e2fsprogs procps psmisc
  xvfb"

pkgs=$BUILD_PKGS
[ "${1:-}" = "--build" ] || pkgs="$pkgs $TEST_PKGS"

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages:$missing (run as root to install them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# Refresh the package lists once when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
  apt-get update -q
fi
apt-get install -y -q --no-install-recommends $missing
