#!/usr/bin/env bash
# Fetches the pinned front-end files with npm and copies the minified builds and
# their licences into web/assets/vendor/, where the binary embeds them. Run it
# only to change a version; the results are committed, so builds need no network.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=web/assets/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { # package@version file-in-package target-name
  (cd "$tmp" && npm pack --silent "$1" >/dev/null)
  local tgz; tgz=$(ls "$tmp"/*.tgz | head -n1)
  mkdir -p "$tmp/x" && tar -xzf "$tgz" -C "$tmp/x"
  cp "$tmp/x/package/$2" "$dest/$3"
  cp "$tmp/x/package/LICENSE" "$dest/$3.LICENSE" 2>/dev/null || cp "$tmp/x/package/LICENSE.md" "$dest/$3.LICENSE"
  rm -rf "$tmp/x" "$tgz"
}
mkdir -p "$dest"
fetch echarts@6.1.0 dist/echarts.min.js echarts.min.js
fetch htmx.org@2.0.11 dist/htmx.min.js htmx.min.js
ls -l "$dest"
