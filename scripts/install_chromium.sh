#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests. Playwright drives it through
# executable_path=/usr/bin/chromium (its own browser download cannot run here).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: no apt-get here; install Chromium and set PARTA_CHROMIUM=/path/to/chromium" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "browser tests: run 'apt-get install chromium' as root to enable them" >&2; exit 0
  fi
fi
echo "Installing Debian's chromium for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
