#!/usr/bin/env bash
# Builds FerretDB (the MongoDB-compatible server the @automl/connector-mongodb tests run against)
# once, into the git-ignored .toolchain/ferretdb-<version>-<patch hash>/ folder, and prints the
# binary's path on stdout. Idempotent: when the binary for this version and these patches exists,
# it only prints the path. Concurrent callers wait on one lock, so the build runs once.
#
# Why a build and not `go install`: the module zip lacks build/version/version.txt (the binary
# panics at start without it), and v1.24.2 needs the patches in scripts/ferretdb/ (see their headers).
# Needs go (>= 1.24), patch and the Go module proxy. A cold build takes about 5 minutes on 2 cores.
#
# Usage: scripts/ferretdb.sh            build if missing, print the binary's path
#        scripts/ferretdb.sh --path     print where the binary is or would be, build nothing
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="v1.24.2"
MODULE="github.com/FerretDB/FerretDB"
PATCH_DIR="$ROOT/scripts/ferretdb"

# The cache key covers the version and every patch, so editing a patch builds a new binary.
patch_hash() {
  (echo "$VERSION"; cat "$PATCH_DIR"/*.patch) | sha256sum | cut -c1-12
}
OUT_DIR="$ROOT/.toolchain/ferretdb-$VERSION-$(patch_hash)"
BIN="$OUT_DIR/ferretdb"

if [ "${1:-}" = "--path" ]; then echo "$BIN"; exit 0; fi
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || { echo "ferretdb: go is not installed; the MongoDB tests need it to build FerretDB" >&2; exit 1; }
command -v patch >/dev/null 2>&1 || { echo "ferretdb: patch is not installed" >&2; exit 1; }

mkdir -p "$OUT_DIR"
exec 9>"$OUT_DIR/.lock"
flock 9
# Another caller may have finished the build while this one waited for the lock.
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

echo "ferretdb: building FerretDB $VERSION with $(ls "$PATCH_DIR"/*.patch | wc -l) patch(es) into $OUT_DIR (about 5 minutes, once)" >&2
MOD_DIR="$(go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -d "$MOD_DIR" ] || { echo "ferretdb: go mod download gave no module directory" >&2; exit 1; }

# The module cache is read-only: build from a writable copy.
cp -R "$MOD_DIR" "$WORK/src"
chmod -R u+w "$WORK/src"
echo "$VERSION" > "$WORK/src/build/version/version.txt"
for p in "$PATCH_DIR"/*.patch; do
  patch --quiet -p1 -d "$WORK/src" < "$p"
done
(cd "$WORK/src" && go build -trimpath -o "$WORK/ferretdb" ./cmd/ferretdb)

# Rename into place last, so a binary at $BIN is always a complete one.
mv "$WORK/ferretdb" "$BIN.tmp"
mv "$BIN.tmp" "$BIN"
echo "ferretdb: built $BIN" >&2
echo "$BIN"
