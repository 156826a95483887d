#!/usr/bin/env bash
# The whole test suite: every crate's tests on SQLite and PostgreSQL, then the
# browser tests. It makes sure what the tests need is there first: PostgreSQL
# running (installed from Debian's packages when missing), Chromium, and the
# browser tests' Node packages.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh

ensure_postgres
ensure_mosquitto
ensure_chromium
ensure_e2e_packages
ensure_report_tools

export KECHUANG_TEST_PG="${KECHUANG_TEST_PG:-$PG_URL}"
echo "== cargo test (PostgreSQL at ${KECHUANG_TEST_PG%%@*}@…)"
cargo test --workspace --locked

echo "== browser tests"
cargo build -p kechuang --locked
(cd tests/e2e && KECHUANG_BIN="$PWD/../../target/debug/kechuang" npm test)
echo "== all tests passed"
