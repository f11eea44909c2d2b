#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the web SDK's browser test (test/client/web/), which drives
# it with playwright-core (no browser download: playwright's own builds are not used). Idempotent: does nothing when
# it is already there. Needs root or passwordless sudo to install; otherwise says what to run and fails.
set -euo pipefail
CHROMIUM="${WEUNION_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "ensure-chromium: $CHROMIUM is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine; update only when the first attempt fails.
$SUDO apt-get install -y --no-install-recommends chromium >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends chromium >/dev/null; }
[ -x "$CHROMIUM" ] || { echo "ensure-chromium: installed, but $CHROMIUM is still missing" >&2; exit 1; }
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
