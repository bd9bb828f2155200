#!/usr/bin/env bash
# Refresh the query editor's vendored CodeMirror 5 (src/seccoop/server/static/vendor/codemirror/)
# from the npm package: `scripts/vendor-codemirror.sh [version]` (default: the one recorded in
# VENDORED.md). Only built files are copied; nothing is fetched by the pages at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
target=src/seccoop/server/static/vendor/codemirror
version=${1:-$(sed -n 's/^version: //p' "$target/VENDORED.md")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "codemirror@$version" >/dev/null && tar xzf codemirror-*.tgz)
files=(LICENSE lib/codemirror.js lib/codemirror.css mode/sparql/sparql.js
       addon/hint/show-hint.js addon/hint/show-hint.css addon/lint/lint.js addon/lint/lint.css
       addon/edit/matchbrackets.js addon/display/placeholder.js)
for file in "${files[@]}"; do
    mkdir -p "$target/$(dirname "$file")"
    cp "$work/package/$file" "$target/$file"
done
sed -i "s/^version: .*/version: $version/" "$target/VENDORED.md"
echo "vendored codemirror@$version into $target"
