#!/bin/sh
# Make Debian's chromium available for the browser tests.
# Installs it with apt-get when /usr/bin/chromium is missing and we are root; otherwise exits 1
# with a reason on stderr (the browser tests then skip and print that reason).
set -u
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "chromium is not installed at $CHROMIUM and we are not root, so it cannot be installed (apt-get install chromium)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is not installed at $CHROMIUM and there is no apt-get to install it" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium >/tmp/ensure_chromium.log 2>&1; then
    apt-get update >>/tmp/ensure_chromium.log 2>&1 && \
        apt-get install -y --no-install-recommends chromium fonts-dejavu-core >>/tmp/ensure_chromium.log 2>&1
fi
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
echo "apt-get could not install chromium; see /tmp/ensure_chromium.log" >&2
exit 1
