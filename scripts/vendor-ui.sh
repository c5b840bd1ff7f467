#!/usr/bin/env bash
# Refreshes the front-end libraries of the web chat page from npm, at the
# versions pinned below, into templates/page/vendor/. The page loads them from
# the bot itself: nothing is fetched at run time and there is no build step.
#
# Usage: scripts/vendor-ui.sh   (needs npm, tar and gzip; run from anywhere)
# To upgrade a library, change its version here, run the script, then run
# the browser tests (go test ./cmd/botgen -run Browser).
set -euo pipefail

MARKED=18.2.1            # Markdown to HTML
DOMPURIFY=3.4.18         # HTML sanitiser
PLOTLY=4.1.2             # charts (plotly.js-dist-min)

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/templates/page/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch PACKAGE VERSION: unpacks the npm tarball into $work/PACKAGE.
fetch() {
	local dir="$work/$1"
	mkdir -p "$dir"
	(cd "$dir" && npm pack --silent "$1@$2" >/dev/null)
	tar -xzf "$dir"/*.tgz -C "$dir"
}

fetch marked "$MARKED"
fetch dompurify "$DOMPURIFY"
fetch plotly.js-dist-min "$PLOTLY"

rm -rf "$vendor"
mkdir -p "$vendor/marked" "$vendor/dompurify" "$vendor/plotly"

cp "$work/marked/package/lib/marked.umd.js" "$work/marked/package/LICENSE" "$vendor/marked/"
cp "$work/dompurify/package/dist/purify.min.js" "$work/dompurify/package/LICENSE" "$work/dompurify/package/LICENSE-MPL" "$vendor/dompurify/"
# Plotly is by far the largest library: it is stored gzip-compressed, which
# keeps every bot binary about 3 MB smaller; the page's handler serves it
# as is to browsers that accept gzip (all of them) and inflates it otherwise.
gzip -9 -n -c "$work/plotly.js-dist-min/package/plotly.min.js" >"$vendor/plotly/plotly.min.js.gz"
cp "$work/plotly.js-dist-min/package/LICENSE" "$vendor/plotly/"

cat >"$vendor/VERSIONS" <<END
# Front-end libraries of the web chat page, written by scripts/vendor-ui.sh.
marked $MARKED (MIT) marked/marked.umd.js
dompurify $DOMPURIFY (Apache-2.0 or MPL-2.0) dompurify/purify.min.js
plotly.js-dist-min $PLOTLY (MIT) plotly/plotly.min.js.gz
END
echo "vendored into $vendor:"
(cd "$vendor" && find . -type f | sort | xargs ls -l)
