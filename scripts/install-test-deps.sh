#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine with Node 20: npm packages, and
# Debian's AWS CLI (the e2e suite drives the real `aws stepfunctions`). Idempotent.
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
# boto3 for the Python client test (test/e2e/python-clients.e2e.spec.ts).
if ! python3 -c 'import boto3' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update && apt-get install -y python3-boto3) || echo "warning: could not install python3-boto3; the boto3 test will fail"
  fi
fi
