#!/usr/bin/env bash
# The unit and e2e suites on another Node major: `scripts/ci-node.sh 22` (CI runs it besides the
# machine's Node 20) or `scripts/ci-node.sh 24`. That Node comes from the npm registry's `node`
# package when the machine has no `node<major>` on the PATH; the checkout is copied to
# .tmp/node<major>/tree and installed there with that Node, so native modules (better-sqlite3) are
# built for its ABI from the headers that package ships, without touching the Node 20
# node_modules. Prints the test runner's last line, `N passed, N failed`.
set -euo pipefail
major="${1:?usage: scripts/ci-node.sh <node major, e.g. 22 or 24>}"
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.tmp/node$major"
mkdir -p "$work"
if command -v "node$major" >/dev/null 2>&1; then
  node_bin=$(command -v "node$major")
else
  node_bin="$work/node_modules/node/bin/node"
  [ -x "$node_bin" ] || npm install --prefix "$work" --no-save --no-audit --no-fund "node@$major" >/dev/null
fi
nodedir=$(dirname "$(dirname "$(find "$work/node_modules" -path '*/include/node/node_api.h' | head -n 1)")")/..
bindir=$(dirname "$node_bin")
echo "node $("$node_bin" --version) ($node_bin)"

tree="$work/tree"
mkdir -p "$tree"
# Tracked and new files, not node_modules or .tmp: the tree mirrors the working copy.
git ls-files -co --exclude-standard -z | tar --null -cf - -T - | tar -xf - -C "$tree"
cd "$tree"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  PATH="$bindir:$PATH" npm_config_nodedir="$(cd "$nodedir" && pwd)" npm ci --prefer-offline --no-audit --no-fund >/dev/null
fi
# Two spec files at a time: this pass holds no timing-sensitive suite (crash, starvation, load),
# and the e2e files mostly wait on their servers, so it keeps CI within its time budget.
PATH="$bindir:$PATH" STEPSTONE_TEST_CONCURRENCY=2 "$node_bin" scripts/run-tests.mjs --unit-e2e
