#!/usr/bin/env bash
# Build a static, minimal libcurl (http, https, smtp, smtps only) from
# Debian's curl SOURCE package, pinned to one exact Debian version.
#
#   usage: third_party/build-curl.sh OUTDIR        (e.g. out/third_party)
#
# Outputs: OUTDIR/lib/libcurl.a, OUTDIR/include/curl/*.h,
#          OUTDIR/lib/pkgconfig/libcurl.pc, OUTDIR/.curl-<version>.stamp
# Work tree and log: OUTDIR/src/ (log: OUTDIR/src/build-curl.log)
#
# Idempotent: if the stamp for the pinned version and the outputs exist it
# exits 0 at once. See third_party/README.md for how to bump the pin.
set -euo pipefail

# ---- the pin ---------------------------------------------------------------
# Debian source version of "curl" (as offered by `apt-cache showsrc curl`).
CURL_DEB_VERSION="7.88.1-10+deb12u15"
# sha256 of the upstream tarball (curl_<upstream>.orig.tar.gz) as listed in
# the .dsc. Belt and braces on top of apt's signed-index check; if you bump
# the version, the script prints the new value on mismatch.
CURL_ORIG_SHA256="cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7"
# -----------------------------------------------------------------------------

JOBS="${JOBS:-2}"
PROG="build-curl.sh"

die() { echo "$PROG: error: $*" >&2; exit 1; }
note() { echo "$PROG: $*"; }

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 OUTDIR"

mkdir -p "$1"
OUTDIR="$(cd "$1" && pwd)"
STAMP="$OUTDIR/.curl-${CURL_DEB_VERSION}.stamp"
UPSTREAM_VERSION="${CURL_DEB_VERSION%-*}"   # 7.88.1-10+deb12u15 -> 7.88.1
UPSTREAM_VERSION="${UPSTREAM_VERSION#*:}"    # drop an epoch, if any

# The stamp records the version and a hash of this script, so editing the
# recipe (e.g. configure flags) without bumping the version rebuilds too.
RECIPE_SHA256=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)
STAMP_LINE="curl ${CURL_DEB_VERSION} recipe-sha256 ${RECIPE_SHA256}"

is_built() {
    [[ -f "$STAMP" && -f "$OUTDIR/lib/libcurl.a" && -f "$OUTDIR/include/curl/curl.h" ]] \
        && [[ "$(head -n1 "$STAMP")" == "$STAMP_LINE" ]]
}

# Fast path: built once, reuse.
if is_built; then
    exit 0
fi

# Serialise concurrent invocations on the same OUTDIR.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$OUTDIR/.curl.lock"
    flock 9
    if is_built; then exit 0; fi
fi

SRCROOT="$OUTDIR/src"
mkdir -p "$SRCROOT"
LOG="$SRCROOT/build-curl.log"
: >"$LOG"
START_TS=$(date +%s)

# Run a command with its output going to the log; on failure show the tail.
run() {
    echo "+ $*" >>"$LOG"
    if ! "$@" >>"$LOG" 2>&1; then
        echo "$PROG: FAILED: $*" >&2
        echo "---- last 30 lines of $LOG ----" >&2
        tail -n 30 "$LOG" >&2
        exit 1
    fi
}

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

# ---- 1. host packages --------------------------------------------------------
# dpkg-dev: apt-get source / dpkg-source; the rest: compile + static link +
# the final `file` check. No autotools: the shipped ./configure is used.
NEEDED_PKGS=(dpkg-dev patch build-essential pkg-config libssl-dev libc-ares-dev zlib1g-dev xz-utils file)
missing=()
for p in "${NEEDED_PKGS[@]}"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ "$st" != "install ok installed" ]]; then
        missing+=("$p")
    fi
done

APT_UPDATED=0
apt_update() {
    if [[ $APT_UPDATED -eq 0 ]]; then
        run apt-get update
        APT_UPDATED=1
    fi
}

if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $IS_ROOT -eq 1 ]]; then
        note "installing build deps: ${missing[*]}"
        apt_update
        run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    else
        die "missing packages ${missing[*]}; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fi
fi

# ---- 2. deb-src entry --------------------------------------------------------
have_deb_src() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f "$f" ]] || continue
        grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] || continue
        grep -Eiq '^Types:.*(^|[[:space:]])deb-src([[:space:]]|$)' "$f" && return 0
    done
    return 1
}

SRC_LIST=/etc/apt/sources.list.d/mailjobs-src.sources
if ! have_deb_src; then
    BIN_SOURCES=/etc/apt/sources.list.d/debian.sources
    [[ $IS_ROOT -eq 1 ]] || die "no deb-src entry configured; run as root once: sudo $0 $1 (it adds $SRC_LIST and runs apt-get update)"
    [[ -f "$BIN_SOURCES" ]] || die "no deb-src entry and no $BIN_SOURCES to derive one from; add a deb-src line for Debian bookworm main and run apt-get update"
    note "adding $SRC_LIST (deb-src twin of $BIN_SOURCES)"
    # Copy each stanza whose Types include "deb", turned into deb-src; keep
    # URIs/Suites/Components/Signed-By (and comments) as they are.
    tmp_src=$(mktemp)
    awk '
        function flush() {
            if (n > 0 && isdeb) { if (out++) print ""; for (i = 1; i <= n; i++) print buf[i] }
            n = 0; isdeb = 0
        }
        /^[[:space:]]*$/ { flush(); next }
        {
            line = $0
            if (tolower(line) ~ /^types:/) {
                t = line; sub(/^[^:]*:/, "", t)
                if (t ~ /(^|[[:space:]])deb([[:space:]]|$)/) isdeb = 1
                line = "Types: deb-src"
            }
            buf[++n] = line
        }
        END { flush() }
    ' "$BIN_SOURCES" >"$tmp_src"
    [[ -s "$tmp_src" ]] || { rm -f "$tmp_src"; die "found no 'Types: deb' stanza in $BIN_SOURCES"; }
    { echo "# Added by mailjobs third_party/build-curl.sh: source packages for the curl recipe."
      cat "$tmp_src"; } >"$SRC_LIST"
    chmod 644 "$SRC_LIST"
    rm -f "$tmp_src"
    APT_UPDATED=0
    apt_update
fi

# The pinned source must be known to apt (lists may be stale or missing).
# (capture first: grep -q on a pipe would SIGPIPE apt-cache under pipefail)
src_known() {
    local out
    out=$(apt-cache showsrc curl 2>/dev/null || true)
    grep -qx "Version: ${CURL_DEB_VERSION}" <<<"$out"
}
if ! src_known; then
    if [[ $IS_ROOT -eq 1 ]]; then
        apt_update
    fi
    if ! src_known; then
        offered=$(apt-cache showsrc curl 2>/dev/null | sed -n 's/^Version: //p' | sort -u | tr '\n' ' ' || true)
        if [[ $IS_ROOT -eq 1 ]]; then
            die "apt offers no curl source ${CURL_DEB_VERSION} (offered: ${offered:-none}); bump CURL_DEB_VERSION in $0"
        else
            die "apt offers no curl source ${CURL_DEB_VERSION} (offered: ${offered:-none}); run: sudo apt-get update (or bump CURL_DEB_VERSION)"
        fi
    fi
fi

# ---- 3. download + verify + extract -----------------------------------------
DL="$SRCROOT/dl-${CURL_DEB_VERSION}"
rm -rf "$DL"
mkdir -p "$DL"
# apt drops privileges to _apt for downloads; let it write here.
if [[ $IS_ROOT -eq 1 ]] && id _apt >/dev/null 2>&1; then
    chown _apt "$DL" 2>/dev/null || true
fi
note "fetching curl source ${CURL_DEB_VERSION}"
(cd "$DL" && run apt-get source --download-only "curl=${CURL_DEB_VERSION}")

DSC_VERSION="${CURL_DEB_VERSION#*:}"          # file names carry no epoch
DSC="$DL/curl_${DSC_VERSION}.dsc"
[[ -f "$DSC" ]] || die "expected $DSC after download; got: $(cd "$DL" && echo *)"

got_version=$(sed -n 's/^Version:[[:space:]]*//p' "$DSC" | head -n1)
[[ "$got_version" == "$CURL_DEB_VERSION" ]] \
    || die "version mismatch: .dsc says '$got_version', pinned '$CURL_DEB_VERSION'"

# Check every file the .dsc lists against its Checksums-Sha256 entry.
orig_sha=""
n_checked=0
while read -r sha size name; do
    [[ -n "$name" ]] || continue
    [[ -f "$DL/$name" ]] || die "file listed in .dsc missing: $name"
    actual=$(sha256sum "$DL/$name" | cut -d' ' -f1)
    [[ "$actual" == "$sha" ]] || die "sha256 mismatch for $name: .dsc $sha, file $actual"
    actual_size=$(stat -c %s "$DL/$name")
    [[ "$actual_size" == "$size" ]] || die "size mismatch for $name: .dsc $size, file $actual_size"
    case "$name" in
        *.orig.tar.*.asc) ;;
        *.orig.tar.*) orig_sha="$sha" ;;
    esac
    n_checked=$((n_checked + 1))
done < <(awk '/^Checksums-Sha256:/ {f=1; next} /^[^ ]/ {f=0} f && NF==3 {print $1, $2, $3}' "$DSC")
[[ $n_checked -gt 0 ]] || die "no Checksums-Sha256 entries in $DSC"
[[ -n "$orig_sha" ]] || die "no orig tarball listed in $DSC"
if [[ -n "$CURL_ORIG_SHA256" && "$orig_sha" != "$CURL_ORIG_SHA256" ]]; then
    die "orig tarball sha256 is $orig_sha, pinned CURL_ORIG_SHA256=$CURL_ORIG_SHA256 (update the pin if you bumped the version)"
fi
echo "verified $n_checked files of $(basename "$DSC"); orig sha256 $orig_sha" >>"$LOG"

WORK="$SRCROOT/curl-${DSC_VERSION}"
rm -rf "$WORK"
# --no-check: apt already verified the .dsc through the signed archive index
# and the hashes were checked above; there is no keyring for a signature check.
run dpkg-source --no-check --skip-patches -x "$DSC" "$WORK"
cd "$WORK"

# Apply Debian's quilt series the way debian/rules does for the OpenSSL
# flavour (libcurl4): everything except the last two entries, which turn the
# tree into the GnuTLS and NSS flavours.
[[ "$(cat debian/source/format)" == "3.0 (quilt)" ]] || die "unexpected source format: $(cat debian/source/format)"
mapfile -t SERIES < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' debian/patches/series)
n_series=${#SERIES[@]}
[[ $n_series -ge 2 ]] || die "debian/patches/series has only $n_series entries"
[[ "${SERIES[n_series-2]}" == *gnutls* && "${SERIES[n_series-1]}" == *nss* ]] \
    || die "series no longer ends in the gnutls/nss flavour patches (ends: ${SERIES[n_series-2]}, ${SERIES[n_series-1]}); review debian/rules and this script"
APPLIED=("${SERIES[@]:0:n_series-2}")
for entry in "${APPLIED[@]}"; do
    read -r pname popts <<<"$entry"
    # shellcheck disable=SC2086  # popts: optional per-patch options, e.g. -p0
    run patch ${popts:--p1} -F0 -N -t -s --no-backup-if-mismatch -i "debian/patches/$pname"
done
echo "applied ${#APPLIED[@]} Debian patches (skipped ${SERIES[n_series-2]}, ${SERIES[n_series-1]})" >>"$LOG"

# ---- 4. configure ------------------------------------------------------------
[[ -x ./configure ]] || die "no shipped ./configure in the source; this recipe does not run autoreconf"

# The shipped ./configure and Makefile.in files are used as they are (no
# autotools). That is only right if no applied patch changes the build-system
# inputs of lib/ and include/. Known exceptions: the two configure.ac patches
# below only touch the LDAP / GSS-API checks, both disabled here. A new patch
# touching these files needs a review (and possibly autoreconf).
SAFE_BUILDSYS_PATCHES=" Use-OpenLDAP-specific-functionality.patch build-Divide-mit-krb5-gssapi-link-flags-between-LDFLAGS-a.patch "
for entry in "${APPLIED[@]}"; do
    read -r pname _ <<<"$entry"
    touched=$(sed -n 's/^+++ [^/]*\/\([^[:space:]]*\).*/\1/p' "debian/patches/$pname" \
        | grep -E '^(configure\.ac|acinclude\.m4|m4/.*|lib/Makefile\.(am|inc)|include/(curl/)?Makefile\.am|lib/curl_config\.h\.in)$' || true)
    if [[ -n "$touched" && "$SAFE_BUILDSYS_PATCHES" != *" $pname "* ]]; then
        die "Debian patch $pname changes build-system input(s) ${touched//$'\n'/ }; the shipped ./configure would not see it. Review it; if harmless add it to SAFE_BUILDSYS_PATCHES in $0"
    fi
done
# Patching gave those inputs fresh mtimes; date them back so make does not try
# to re-run aclocal/automake/autoconf (not installed).
find . \( -name configure.ac -o -name Makefile.am -o -name Makefile.inc -o -name '*.m4' \) \
    -not -path './debian/*' -exec touch -h -d '2000-01-01 00:00:00 UTC' {} +

HELP=$(./configure --help)
has_opt() { grep -Eq -- "(^|[[:space:],])$1([[:space:]=,\[]|$)" <<<"$HELP"; }

CONF=(
    --prefix="$OUTDIR"
    --disable-shared --enable-static
    --disable-dependency-tracking
    --with-openssl --enable-ares --with-zlib
    --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt
    --with-ca-path=/etc/ssl/certs
)
# Switch off everything that mailjobs does not use; only the options this
# configure knows are passed (unknown ones would only warn).
for o in \
    --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
    --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
    --disable-gopher --disable-mqtt --disable-smb --disable-websockets \
    --disable-manual --disable-docs --disable-libcurl-option \
    --disable-ntlm --disable-ntlm-wb --disable-kerberos-auth --disable-negotiate-auth \
    --disable-tls-srp --disable-sspi --disable-netrc --disable-doh --disable-aws \
    --without-gssapi --without-libidn2 --without-libpsl --without-brotli \
    --without-zstd --without-nghttp2 --without-nghttp3 --without-ngtcp2 \
    --without-quiche --without-msh3 --without-hyper --without-librtmp \
    --without-libssh2 --without-libssh --without-wolfssh --without-libgsasl \
    --without-gnutls --without-nss --without-wolfssl --without-mbedtls \
    --without-bearssl --without-rustls --without-zsh-functions-dir \
    --without-fish-functions-dir; do
    if has_opt "$o"; then
        CONF+=("$o")
    else
        # both spellings of the pair may be listed as --enable-X / --with-X
        case "$o" in
            --disable-*) has_opt "--enable-${o#--disable-}" && CONF+=("$o") ;;
            --without-*) has_opt "--with-${o#--without-}" && CONF+=("$o") ;;
        esac
    fi
done
echo "configure args: ${CONF[*]}" >>"$LOG"
note "configuring"
run ./configure "${CONF[@]}"

# ---- 5. build + install (lib and headers only) -------------------------------
note "building lib/ (make -j$JOBS)"
run make -C lib -j"$JOBS"

rm -rf "$OUTDIR/include/curl"
rm -f "$OUTDIR"/lib/libcurl.* "$OUTDIR"/.curl-*.stamp
run make -C lib install
run make -C include install
rm -f "$OUTDIR/lib/libcurl.la"
mkdir -p "$OUTDIR/lib/pkgconfig"
cp libcurl.pc "$OUTDIR/lib/pkgconfig/libcurl.pc"

[[ -f "$OUTDIR/lib/libcurl.a" ]] || die "install produced no $OUTDIR/lib/libcurl.a"
[[ -f "$OUTDIR/include/curl/curl.h" ]] || die "install produced no $OUTDIR/include/curl/curl.h"

# ---- 6. verify: static link + protocol list -----------------------------------
VDIR="$SRCROOT/verify"
rm -rf "$VDIR"
mkdir -p "$VDIR"
cat >"$VDIR/curlcheck.c" <<'EOF'
#include <stdio.h>
#include <curl/curl.h>
int main(void) {
    curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
    const char *const *p;
    printf("version %s\n", d->version);
    printf("ssl %s\n", d->ssl_version ? d->ssl_version : "-");
    printf("libz %s\n", d->libz_version ? d->libz_version : "-");
    printf("ares %s\n", d->ares ? d->ares : "-");
    printf("asynchdns %d\n", (d->features & CURL_VERSION_ASYNCHDNS) ? 1 : 0);
    printf("protocols");
    for (p = d->protocols; *p; ++p) printf(" %s", *p);
    printf("\n");
    return 0;
}
EOF
LINK_LIBS=(-lssl -lcrypto -lcares -lz -lpthread)
echo "+ gcc -static (verify)" >>"$LOG"
if ! gcc -static -DCURL_STATICLIB -I"$OUTDIR/include" -o "$VDIR/curlcheck" "$VDIR/curlcheck.c" \
        "$OUTDIR/lib/libcurl.a" "${LINK_LIBS[@]}" >"$VDIR/link.txt" 2>&1; then
    cat "$VDIR/link.txt" >>"$LOG"
    cat "$VDIR/link.txt" >&2
    die "static link of the verify program failed"
fi
cat "$VDIR/link.txt" >>"$LOG"
# Same link with every object of libcurl.a pulled in, so that glibc's
# static-link warnings (getaddrinfo, getpwuid, dlopen, ...) of ANY part of
# libcurl show up; with c-ares as resolver, libcurl itself must cause none.
echo "+ gcc -static --whole-archive libcurl.a (verify)" >>"$LOG"
if ! gcc -static -DCURL_STATICLIB -I"$OUTDIR/include" -o "$VDIR/curlcheck-whole" "$VDIR/curlcheck.c" \
        -Wl,--whole-archive "$OUTDIR/lib/libcurl.a" -Wl,--no-whole-archive "${LINK_LIBS[@]}" \
        >"$VDIR/link-whole.txt" 2>&1; then
    cat "$VDIR/link-whole.txt" >>"$LOG"
    cat "$VDIR/link-whole.txt" >&2
    die "whole-archive static link of the verify program failed"
fi
cat "$VDIR/link-whole.txt" >>"$LOG"
# "ld: /path/libX.a(obj.o): in function `f':" + "...: warning: Using 'sym' ..."
# -> "libX.a(obj.o) f: sym"
awk '
    /: in function `/ { where = $0; sub(/^.*\//, "", where); sub(/: in function `/, " ", where); sub(/.:$/, "", where); next }
    /warning: Using .[a-z_0-9]+. in statically linked/ {
        sym = $0; sub(/^.*Using ./, "", sym); sub(/. in statically.*$/, "", sym)
        print where ": " sym
    }' "$VDIR/link-whole.txt" | sort -u >"$VDIR/static-warnings.txt"
if grep -q '^libcurl\.a' "$VDIR/static-warnings.txt"; then
    grep '^libcurl\.a' "$VDIR/static-warnings.txt" >&2
    die "libcurl.a itself uses glibc functions that need shared libraries at run time in a static binary (see above)"
fi
"$VDIR/curlcheck" >"$VDIR/out.txt" 2>&1 || { cat "$VDIR/out.txt" >&2; die "verify program failed to run"; }
cat "$VDIR/out.txt" >>"$LOG"

protos=$(sed -n 's/^protocols //p' "$VDIR/out.txt" | tr ' ' '\n' | sort | tr '\n' ' ')
[[ "$protos" == "http https smtp smtps " ]] \
    || die "protocol list is '${protos% }', want exactly 'http https smtp smtps'"
grep -q '^ssl OpenSSL/' "$VDIR/out.txt" || die "libcurl is not built against OpenSSL: $(grep '^ssl' "$VDIR/out.txt")"
grep -q '^ares [0-9]' "$VDIR/out.txt" || die "libcurl is not using c-ares"
grep -q '^libz [0-9]' "$VDIR/out.txt" || die "libcurl is built without zlib"
ftype=$(file -b "$VDIR/curlcheck")
grep -q 'statically linked' <<<"$ftype" || die "verify binary is not statically linked: $ftype"

# ---- 7. done -------------------------------------------------------------------
{ echo "$STAMP_LINE"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) orig-sha256 ${orig_sha}"; } >"$STAMP"
ELAPSED=$(( $(date +%s) - START_TS ))
note "libcurl ${CURL_DEB_VERSION} -> $OUTDIR (${ELAPSED}s, libcurl.a $(du -h "$OUTDIR/lib/libcurl.a" | cut -f1))"
note "protocols: ${protos% }; $(grep '^ssl' "$VDIR/out.txt"), c-ares $(sed -n 's/^ares //p' "$VDIR/out.txt")"
if [[ -s "$VDIR/static-warnings.txt" ]]; then
    note "glibc static-link warnings, none from libcurl.a (object function: symbol):"
    sed 's/^/  /' "$VDIR/static-warnings.txt"
fi
