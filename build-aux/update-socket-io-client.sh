#!/usr/bin/env bash
# build-aux/update-socket-io-client.sh [VERSION]: vendor the official socket.io browser client.
#
# Fetches the npm package socket.io-client at an exact version, checks the tarball against the
# registry's dist.integrity, and copies the browser bundles the server hands out (the files the
# Node socket.io server's serveClient option serves) plus the licence into sio/client-dist/.
# Builds (Flatpak included) must work offline, so the result is committed; nothing here runs at
# build time. Needs node and npm. Bump PINNED_VERSION (or pass a version) and rerun to update.
#
# SPDX-FileCopyrightText: 2026 The Tincan authors
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

PINNED_VERSION=4.8.4
PACKAGE=socket.io-client

version=${1:-$PINNED_VERSION}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "update-socket-io-client: '$version' is not an exact version (x.y.z)" >&2
  exit 1
fi

source_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$source_root/sio/client-dist"
files=(
  socket.io.js
  socket.io.js.map
  socket.io.min.js
  socket.io.min.js.map
  socket.io.esm.min.js
  socket.io.esm.min.js.map
)

for tool in npm node tar; do
  if ! command -v "$tool" >/dev/null; then
    echo "update-socket-io-client: '$tool' is required" >&2
    exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Ask the registry first, so the check below compares against its word and not npm pack's.
expected=$(npm view --silent "$PACKAGE@$version" dist.integrity)
if ! [[ $expected =~ ^sha512-[A-Za-z0-9+/]+=*$ ]]; then
  echo "update-socket-io-client: unexpected dist.integrity '$expected'" >&2
  exit 1
fi

tarball=$(cd "$tmp" && npm pack --silent "$PACKAGE@$version" | tail -n 1)
tarball="$tmp/$tarball"

actual=$(node -e '
  const crypto = require("crypto");
  const fs = require("fs");
  const digest = crypto.createHash("sha512").update(fs.readFileSync(process.argv[1]));
  process.stdout.write("sha512-" + digest.digest("base64"));
' "$tarball")

if [ "$actual" != "$expected" ]; then
  echo "update-socket-io-client: integrity mismatch for $PACKAGE@$version" >&2
  echo "  registry: $expected" >&2
  echo "  tarball:  $actual" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$tmp"
pkg="$tmp/package"

packed_version=$(node -p 'require(process.argv[1]).version' "$pkg/package.json")
packed_license=$(node -p 'require(process.argv[1]).license' "$pkg/package.json")
if [ "$packed_version" != "$version" ]; then
  echo "update-socket-io-client: tarball holds version $packed_version, not $version" >&2
  exit 1
fi
if [ "$packed_license" != "MIT" ]; then
  echo "update-socket-io-client: licence is '$packed_license', expected MIT; check before vendoring" >&2
  exit 1
fi

mkdir -p "$dest"
for f in "${files[@]}"; do
  install -m 0644 "$pkg/dist/$f" "$dest/$f"
done
install -m 0644 "$pkg/LICENSE" "$dest/LICENSE"
# Read by the server at run time (sio_client_bundle_get_version(), the ETags).
printf '%s\n' "$version" >"$dest/VERSION"

# shellcheck disable=SC2016 # the backticks below are Markdown, not command substitution
cat >"$dest/README.md" <<EOF
# Vendored socket.io browser client

These files are the official Socket.IO browser client, copied **unmodified** from the npm package
[\`$PACKAGE\`](https://www.npmjs.com/package/$PACKAGE) at exactly version **$version**:

| | |
|---|---|
| Package | \`$PACKAGE@$version\` |
| Tarball | \`https://registry.npmjs.org/$PACKAGE/-/$PACKAGE-$version.tgz\` |
| Integrity | \`$expected\` |
| Licence | MIT (see \`LICENSE\`, copied from the package) |

Files taken from the package's \`dist/\`:

$(printf -- '- `%s`\n' "${files[@]}")

\`VERSION\` holds the version string (written by the script, not part of the package).

Tincan compiles them into the sio library (\`sio-client-dist.gresource.xml\`) and the server
serves them at \`<path>socket.io.js\` etc., as the Node \`socket.io\` server's \`serveClient\`
option does. They are vendored so that builds, including the Flatpak build, work offline.

Do not edit these files. To update, change \`PINNED_VERSION\` in
\`build-aux/update-socket-io-client.sh\` and run it; it checks the tarball against the registry's
\`dist.integrity\` before copying anything.
EOF

echo "Vendored $PACKAGE@$version ($expected) into $dest"
