#!/usr/bin/env bash
# The unit and e2e suites on Node 22 (CI runs them besides Node 20). Node 22 comes from the npm
# registry's `node` package when the machine has none; the checkout is copied to .tmp/node22/tree
# and installed there with Node 22, so native modules (better-sqlite3) are built for its ABI from
# the headers that package ships, without touching the Node 20 node_modules. Prints the test
# runner's last line, `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.tmp/node22"
mkdir -p "$work"
if command -v node22 >/dev/null 2>&1; then
  node22=$(command -v node22)
else
  node22="$work/node_modules/node/bin/node"
  [ -x "$node22" ] || npm install --prefix "$work" --no-save --no-audit --no-fund node@22 >/dev/null
fi
nodedir=$(dirname "$(dirname "$(find "$work/node_modules" -path '*/include/node/node_api.h' | head -n 1)")")/..
bindir=$(dirname "$node22")
echo "node $("$node22" --version) ($node22)"

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
PATH="$bindir:$PATH" STEPSTONE_TEST_CONCURRENCY=2 "$node22" scripts/run-tests.mjs --unit-e2e
