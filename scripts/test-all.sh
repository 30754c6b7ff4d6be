#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine (as root) for the whole test suite and runs it:
# PostGIS and Chromium from the distribution, PostgreSQL on 127.0.0.1:5432, a fresh database with
# the postgis extension, `npm ci`, then every test — the database-facing ones on both engines.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST=127.0.0.1
PGPORT=5432
TEST_DB=grid_console_test
export DEBIAN_FRONTEND=noninteractive

step() { printf '\n== %s\n' "$*"; }

need_packages=()
dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || need_packages+=(postgresql-15-postgis-3)
dpkg -s chromium >/dev/null 2>&1 || need_packages+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_packages+=(fonts-noto-cjk)
if [ ${#need_packages[@]} -gt 0 ]; then
  step "installing ${need_packages[*]}"
  apt-get update -qq
  apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

step "PostgreSQL on $PGHOST:$PGPORT"
if ! pg_isready -h "$PGHOST" -p "$PGPORT" -q; then
  if ! command -v pg_ctlcluster >/dev/null; then
    apt-get update -qq && apt-get install -y -qq postgresql-15 >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect 15 main start || pg_ctlcluster 15 main start
  for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p "$PGPORT" -q && break; sleep 1; done
fi
pg_isready -h "$PGHOST" -p "$PGPORT"

step "Redis on 127.0.0.1:6379 (the scale-out test runs two server processes sharing it)"
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.5; done
fi
echo "Redis is up"

step "fresh database $TEST_DB with PostGIS"
psql_admin() { runuser -u postgres -- psql -h "$PGHOST" -p "$PGPORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
psql_admin -d postgres -c "DROP DATABASE IF EXISTS $TEST_DB WITH (FORCE)"
psql_admin -d postgres -c "CREATE DATABASE $TEST_DB"
psql_admin -d "$TEST_DB" -c "CREATE EXTENSION postgis"
psql_admin -d "$TEST_DB" -c "SELECT 'PostGIS ' || postgis_lib_version() || ' on PostgreSQL ' || current_setting('server_version')"

step "npm ci"
npm ci --no-audit --no-fund

step "typecheck, lint, unit tests, integration tests on the embedded engine"
npm test

step "integration tests on PostgreSQL $(psql_admin -d "$TEST_DB" -c 'SHOW server_version') + PostGIS"
DATABASE_URL="postgres://postgres@$PGHOST:$PGPORT/$TEST_DB" npm run test:integration

if [ -f test/e2e/.enabled ] || ls test/e2e/*.test.ts >/dev/null 2>&1; then
  step "browser tests (Chromium)"
  npm run test:e2e
fi

step "all test suites passed"
