# build-aux/common.sh: sourced by build-aux/run and build-aux/test.
#
# SPDX-FileCopyrightText: 2026 The Tincan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# shellcheck shell=bash

TINCAN_SOURCE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building and running needs.
TINCAN_RUN_PACKAGES=(
  gcc
  gettext
  libadwaita-1-dev
  libglib2.0-dev
  libgtk-4-dev
  libjson-glib-dev
  libqrencode-dev
  libsoup-3.0-dev
  libsqlite3-dev
  libxml2-utils # xmllint, for the xml-stripblanks resource preprocessing
  meson
  ninja-build
  pkg-config
)

# What the test suites need on top: data validators, a headless X server for widget tests,
# Node.js for the Socket.IO client conformance tests, clang for the sanitizer CI job.
TINCAN_TEST_PACKAGES=(
  appstream
  chromium # the browser tests (tests/browser/) drive /usr/bin/chromium
  clang
  desktop-file-utils
  nodejs
  npm
  xauth
  xvfb
)

# Installed when the distribution has them (Ubuntu names clang's runtime differently).
TINCAN_TEST_OPTIONAL_PACKAGES=(
  libclang-rt-14-dev
)

# Packages that also count as present when their command is on PATH: NodeSource's nodejs bundles
# npm and conflicts with Debian's npm package.
declare -A TINCAN_PACKAGE_COMMAND=(
  [nodejs]=node
  [npm]=npm
)

tincan_package_installed ()
{
  local command=${TINCAN_PACKAGE_COMMAND[$1]:-}

  if [ -n "$command" ] && command -v "$command" >/dev/null; then
    return 0
  fi
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

tincan_apt_get ()
{
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  elif command -v sudo >/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    echo "tincan: need root or sudo to run apt-get $*" >&2
    return 1
  fi
}

# tincan_ensure_packages run|test
#
# Installs whatever is missing with apt-get; does nothing (and needs no network) when all is there.
tincan_ensure_packages ()
{
  local required=("${TINCAN_RUN_PACKAGES[@]}") optional=() missing=() missing_optional=() p

  if [ "$1" = test ]; then
    required+=("${TINCAN_TEST_PACKAGES[@]}")
    optional+=("${TINCAN_TEST_OPTIONAL_PACKAGES[@]}")
  fi

  if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
    echo "tincan: not a Debian/Ubuntu system; install the equivalents of these yourself:" >&2
    echo "  ${required[*]}" >&2
    return 0
  fi

  for p in "${required[@]}"; do
    tincan_package_installed "$p" || missing+=("$p")
  done
  for p in "${optional[@]}"; do
    tincan_package_installed "$p" || missing_optional+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ]; then
    return 0
  fi

  echo "tincan: installing ${missing[*]} ${missing_optional[*]}" >&2
  tincan_apt_get update
  for p in "${missing_optional[@]}"; do
    if apt-cache show "$p" >/dev/null 2>&1; then
      missing+=("$p")
    else
      echo "tincan: optional package $p is not available here, skipping it" >&2
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    tincan_apt_get install -y "${missing[@]}"
  fi
}

# tincan_check_meson: the project needs Meson >= 1.0 (Ubuntu 22.04 ships 0.61).
tincan_check_meson ()
{
  local version

  version=$(meson --version)
  if [ "${version%%.*}" -lt 1 ]; then
    echo "tincan: Meson $version is too old, 1.0 or newer is needed (pipx install meson)" >&2
    return 1
  fi
}

# tincan_configure BUILDDIR [MESON_SETUP_ARGS...]
#
# Sets BUILDDIR up once and reuses it afterwards (`meson compile` regenerates by itself). When the
# arguments differ from those it was set up with, it is reconfigured with the new ones.
tincan_configure ()
{
  local builddir=$1 stamp
  shift
  stamp="$builddir/meson-private/tincan-setup-args"

  # Explicit returns: callers may run this as an `if` condition, where set -e is off.
  if [ -f "$builddir/meson-private/coredata.dat" ]; then
    if [ $# -gt 0 ] && [ "$(cat "$stamp" 2>/dev/null)" != "$*" ]; then
      meson setup --reconfigure "$builddir" "$TINCAN_SOURCE_ROOT" "$@" || return
      printf '%s' "$*" > "$stamp"
    fi
    return 0
  fi

  meson setup "$builddir" "$TINCAN_SOURCE_ROOT" "$@" || return
  printf '%s' "$*" > "$stamp"
}

# tincan_npm_ci DIR: installs DIR's npm packages from its committed lock file, once: again only
# when the lock file changed since (the stamp records which one was installed).
tincan_npm_ci ()
{
  local dir=$1 stamp=$1/node_modules/.tincan-lock-stamp

  [ -f "$dir/package-lock.json" ] || return 0
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    return 0
  fi
  echo "tincan: npm ci in $dir" >&2
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  cp "$dir/package-lock.json" "$stamp"
}

# Every test folder with its own npm packages (interop and browser tests).
tincan_install_test_node_modules ()
{
  local lock

  for lock in "$TINCAN_SOURCE_ROOT"/tests/*/package-lock.json; do
    [ -f "$lock" ] || continue
    case $lock in
      */tests/bench/*) continue ;;   # benchmarks are not part of the test command
    esac
    tincan_npm_ci "$(dirname "$lock")"
  done
}
