#!/bin/sh
# Make Debian's chromium available for the browser tests (with --driver: chromium-driver too, for
# Selenium). Installs them with apt-get when missing and we are root; otherwise exits 1 with a
# reason on stderr (the browser tests then skip and print that reason).
set -u
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
PACKAGES="chromium"
if [ "${1:-}" = "--driver" ]; then
    PACKAGES="chromium chromium-driver"
    if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
        exit 0
    fi
elif [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "$PACKAGES not installed and we are not root, so they cannot be installed (apt-get install $PACKAGES)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$PACKAGES not installed and there is no apt-get to install them" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends $PACKAGES >/tmp/ensure_chromium.log 2>&1; then
    apt-get update >>/tmp/ensure_chromium.log 2>&1 && \
        apt-get install -y --no-install-recommends $PACKAGES fonts-dejavu-core >>/tmp/ensure_chromium.log 2>&1
fi
if [ -x "$CHROMIUM" ] && { [ "$PACKAGES" = "chromium" ] || [ -x "$CHROMEDRIVER" ]; }; then
    exit 0
fi
echo "apt-get could not install $PACKAGES; see /tmp/ensure_chromium.log" >&2
exit 1
