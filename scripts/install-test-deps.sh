#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine with Node 20: npm packages, and
# Debian's AWS CLI (the e2e suite drives the real `aws stepfunctions`) and Debian's chromium (the
# console's browser tests drive it with playwright-core; no browser download). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if ! command -v aws >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update && apt-get install -y awscli) || echo "warning: could not install awscli; the AWS CLI tests will fail"
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update && apt-get install -y chromium) || echo "warning: could not install chromium; the console's browser tests will fail"
  fi
fi
