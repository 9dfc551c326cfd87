#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine with Node 20: npm packages, and
# Debian's AWS CLI and boto3 (the e2e suite drives the real `aws stepfunctions` and boto3), Debian's
# PostgreSQL server (the specs start a private cluster on 127.0.0.1: test/support/postgres.ts) and Debian's
# chromium (the console's browser tests drive it with playwright-core; no browser download). Idempotent.
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
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    # Only the binaries are wanted: no system-wide cluster on port 5432.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
    fi
    (apt-get update && apt-get install -y postgresql) || echo "warning: could not install postgresql; the PostgreSQL tests will fail"
  fi
fi
if ! python3 -c 'import boto3' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update && apt-get install -y python3-boto3) || echo "warning: could not install python3-boto3; the boto3 tests will fail"
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update && apt-get install -y chromium) || echo "warning: could not install chromium; the console's browser tests will fail"
  fi
fi
