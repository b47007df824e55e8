#!/usr/bin/env bash
# Re-fetches the vendored front-end assets from the npm registry. Pages never load from a CDN:
# the files below are committed under platform/arena/core/static/vendor/ so the site works offline.
set -euo pipefail
PICO=2.1.1
HTMX=2.0.11
dest="$(cd "$(dirname "$0")/.." && pwd)/platform/arena/core/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent "@picocss/pico@$PICO" "htmx.org@$HTMX"
cp node_modules/@picocss/pico/css/pico.min.css "$dest/pico-$PICO.min.css"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx-$HTMX.min.js"
echo "vendored pico $PICO and htmx $HTMX into $dest"
