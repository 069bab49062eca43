#!/usr/bin/env bash
# Runs a command with the project's toolchain: Node >= 22 and the pinned pnpm, installing both into
# the git-ignored .toolchain/ folder when the machine lacks them (a fresh machine here has Node 20 and
# npm only). Then installs the workspace from the lockfile. Sourced by scripts/run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLCHAIN="$ROOT/.toolchain"
NODE_VERSION="24.21.0"   # Node 24 LTS, shipped as a binary by the node-linux-<arch> npm package
PNPM_VERSION="12.4.2"    # keep in step with "packageManager" in package.json

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ "$(node_major)" -ge 22 ]; then return; fi
  local arch
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) echo "toolchain: no Node package for $(uname -m); install Node >= 22 by hand" >&2; exit 1 ;;
  esac
  local bin="$TOOLCHAIN/node/node_modules/node-linux-$arch/bin"
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$NODE_VERSION" ]; then
    echo "toolchain: Node $(node --version 2>/dev/null || echo none) is older than 22; fetching Node $NODE_VERSION from the npm registry" >&2
    mkdir -p "$TOOLCHAIN/node"
    npm install --prefix "$TOOLCHAIN/node" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-$arch@$NODE_VERSION" >&2
  fi
  export PATH="$bin:$PATH"
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then return; fi
  local bin="$TOOLCHAIN/pnpm/node_modules/.bin"
  if [ ! -x "$bin/pnpm" ] || [ "$("$bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
    echo "toolchain: installing pnpm $PNPM_VERSION into .toolchain/" >&2
    mkdir -p "$TOOLCHAIN/pnpm"
    npm install --prefix "$TOOLCHAIN/pnpm" --no-save --no-audit --no-fund --loglevel=error \
      "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$bin:$PATH"
}

ensure_workspace() {
  # The lockfile is the contract: CI and fresh clones install exactly what was tested.
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
}

ensure_node
ensure_pnpm
export COREPACK_ENABLE_STRICT=0
# Nothing here phones home: the only network these machines reach is the package registries.
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ensure_workspace
