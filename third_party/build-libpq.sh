#!/usr/bin/env bash
# Build a static libpq (PostgreSQL's C client) from Debian's postgresql-15 SOURCE package, pinned to
# one exact Debian version, without GSSAPI, LDAP, readline, ICU, zlib or NLS; OpenSSL for TLS.
# Debian's own libpq.a cannot be linked statically: it needs Kerberos and LDAP archives that Debian
# does not ship (issue 19). Only the client library is built (src/port, src/common, libpq).
#
#   usage: third_party/build-libpq.sh OUTDIR        (e.g. out/third_party)
#
# Outputs: OUTDIR/lib/{libpq,libpgcommon,libpgport}.a, OUTDIR/include/{libpq-fe.h,postgres_ext.h,
#          pg_config_ext.h}, OUTDIR/.libpq-<version>.stamp; work tree and log: OUTDIR/src/libpq/
#
# Idempotent (stamp = version + hash of this script), serialised with flock. The deb-src entry is
# the one build-curl.sh sets up (the Makefile runs it first); see third_party/README.md.
set -euo pipefail

# ---- the pin ---------------------------------------------------------------
PG_DEB_VERSION="15.18-0+deb12u1"   # `apt-cache showsrc postgresql-15`: bookworm (the point-release archive)
PG_ORIG_SHA256="11df0df97fe3ea4ba9a791faaf39cee1d2fe571e78885b5b55d8517d27c323b4"
# -----------------------------------------------------------------------------

JOBS="${JOBS:-2}"
PROG="build-libpq.sh"
die() { echo "$PROG: error: $*" >&2; exit 1; }
[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 OUTDIR"
mkdir -p "$1"
OUTDIR="$(cd "$1" && pwd)"
STAMP="$OUTDIR/.libpq-${PG_DEB_VERSION}.stamp"
UPSTREAM="${PG_DEB_VERSION%-*}"
STAMP_LINE="libpq ${PG_DEB_VERSION} recipe-sha256 $(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"

is_built() {
    [[ -f "$STAMP" && -f "$OUTDIR/lib/libpq.a" && -f "$OUTDIR/include/libpq-fe.h" ]] && [[ "$(head -n1 "$STAMP")" == "$STAMP_LINE" ]]
}
is_built && exit 0
exec 9>"$OUTDIR/.libpq.lock"
flock 9
is_built && exit 0

WORK="$OUTDIR/src/libpq"
rm -rf "$WORK" && mkdir -p "$WORK/dl"
LOG="$WORK/build-libpq.log"
: >"$LOG"
run() {
    echo "+ $*" >>"$LOG"
    if ! "$@" >>"$LOG" 2>&1; then
        echo "$PROG: FAILED: $*" >&2
        tail -n 30 "$LOG" >&2
        exit 1
    fi
}
start=$(date +%s)

# 1. Tools: configure needs perl (generated headers) and the compiler; bzip2 for the tarball.
missing=()
for p in dpkg-dev build-essential libssl-dev perl bzip2; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    [[ $(id -u) -eq 0 ]] || die "missing packages ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# 2. The source package, checked: apt verifies the .dsc through the signed index, the .dsc's
#    sha256 covers every file, and the orig tarball must match the pin.
(cd "$WORK/dl" && run apt-get source --download-only "postgresql-15=${PG_DEB_VERSION}") ||
    die "cannot download postgresql-15=${PG_DEB_VERSION} (is a deb-src entry configured? third_party/build-curl.sh adds one)"
DSC="$WORK/dl/postgresql-15_${PG_DEB_VERSION}.dsc"
[[ -f "$DSC" ]] || die "no $DSC after download"
grep -q "^Version: ${PG_DEB_VERSION}$" "$DSC" || die ".dsc version is not ${PG_DEB_VERSION}"
while read -r sha size name; do
    [[ "$(sha256sum "$WORK/dl/$name" | cut -d' ' -f1)" == "$sha" ]] || die "sha256 mismatch for $name"
done < <(awk '/^Checksums-Sha256:/ {on = 1; next} /^[^ ]/ {on = 0} on && NF == 3 {print}' "$DSC")
orig="$WORK/dl/postgresql-15_${UPSTREAM}.orig.tar.bz2"
got=$(sha256sum "$orig" | cut -d' ' -f1)
[[ "$got" == "$PG_ORIG_SHA256" ]] || die "orig tarball sha256 is $got, not the pin PG_ORIG_SHA256 ($PG_ORIG_SHA256)"
# Debian's patches are applied (dpkg-source), as in the package Debian ships.
run dpkg-source --no-check -x "$DSC" "$WORK/postgresql"

# 3. Configure for a client library only, nothing that pulls in NSS-bound or absent archives.
cd "$WORK/postgresql"
run ./configure --with-openssl --without-gssapi --without-ldap --without-readline --without-icu \
    --without-zlib --without-lz4 --without-zstd --without-libxml --without-pam --without-selinux \
    --without-systemd --without-llvm --without-perl --without-python --without-tcl --disable-nls \
    --disable-rpath CFLAGS="-O2 -fPIC"
run make -j"$JOBS" -C src/backend generated-headers
run make -j"$JOBS" -C src/port
run make -j"$JOBS" -C src/common
run make -j"$JOBS" -C src/interfaces/libpq all-static-lib

mkdir -p "$OUTDIR/lib" "$OUTDIR/include"
cp src/interfaces/libpq/libpq.a "$OUTDIR/lib/libpq.a"
# libpq's own link (its Makefile's SHLIB_LINK_INTERNAL) takes the _shlib variants: frontend code.
cp src/common/libpgcommon_shlib.a "$OUTDIR/lib/libpgcommon.a"
cp src/port/libpgport_shlib.a "$OUTDIR/lib/libpgport.a"
cp src/interfaces/libpq/libpq-fe.h src/include/postgres_ext.h src/include/pg_config_ext.h "$OUTDIR/include/"

# 4. Verify: a static program that links the three archives and runs.
cat >"$WORK/verify.c" <<'EOF'
#include <libpq-fe.h>
#include <stdio.h>
int main(void) {
    char *err = NULL;
    PQconninfoOption *o = PQconninfoParse("postgresql://u@127.0.0.1:5432/d", &err);
    if (!o) return 2;
    PQconninfoFree(o);
    printf("%d\n", PQlibVersion());
    return PQlibVersion() >= 150000 ? 0 : 1;
}
EOF
run gcc -static -I"$OUTDIR/include" -o "$WORK/verify" "$WORK/verify.c" -L"$OUTDIR/lib" -lpq -lpgcommon -lpgport -lssl -lcrypto -lpthread
run "$WORK/verify"
echo "$STAMP_LINE" >"$STAMP"
echo "$PROG: libpq ${UPSTREAM} built in $(( $(date +%s) - start )) s: $(du -k "$OUTDIR/lib/libpq.a" | cut -f1) KiB"
