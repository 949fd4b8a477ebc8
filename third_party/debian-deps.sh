#!/usr/bin/env bash
# Installs the Debian 12 packages mailjobs builds and tests with, if any is missing.
# Run by `make` (as root it installs; otherwise it says what to run). apt-get update runs once.
set -euo pipefail
packages=(
  g++ make pkg-config file
  libsqlite3-dev libsqlitecpp-dev libcxxopts-dev libinih-dev nlohmann-json3-dev catch2
  libssl-dev libc-ares-dev zlib1g-dev libminizip-dev dpkg-dev
  sqlite3 python3 python3-aiosmtpd lighttpd lighttpd-mod-webdav dnsmasq-base curl ca-certificates tzdata openssl time
  clang libclang-rt-14-dev  # make fuzz: libFuzzer and its sanitizer runtimes come with clang
  postgresql-15  # tests on the PostgreSQL backend (tests/servers/postgres.sh); mailjobs links its own libpq
  chromium nodejs  # tests/cli/dashboard-browser.sh: headless chromium driven by puppeteer-core (npm, pinned)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm: Debian's package, unless a nodejs that bundles its own npm is installed (the two conflict).
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "mailjobs: error: missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "mailjobs: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
