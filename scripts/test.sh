#!/usr/bin/env bash
# `npm test`: sets up what the suites need (Kafka jars and a throwaway broker on 127.0.0.1,
# a build of the service for the e2e and fault suites), runs the typecheck, the format check and every jest
# suite, and stops the broker. Non-zero exit when anything fails. Extra args go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# npm puts node_modules/.bin first on PATH: this is the Node.js 24 that every suite runs on.
echo "== runtime: node $(node --version) ($(command -v node))"

# A broker of its own (state dir and ports), so a developer's broker on 9092 is left alone.
export KAFKA_DIR="${TEST_KAFKA_DIR:-$PWD/.kafka/test}"
export KAFKA_PORT="${TEST_KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${TEST_KAFKA_CONTROLLER_PORT:-19093}"
export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}"

# Headless Chromium for the browser suites (test/browser): Debian's package, installed when missing
# and this user may (root with apt-get, as on CI); otherwise install it yourself or set CHROMIUM_PATH.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium (Debian) for the browser suites"
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "== chromium not found: the browser suites (test/browser) will fail; install Debian's chromium or set CHROMIUM_PATH" >&2
  fi
fi

# schemathesis (PyPI, pinned) for test/e2e/schemathesis.e2e.spec.ts, in .venv/schemathesis: installed
# here when missing so a failing install shows before the suites run (the spec would install it too).
# (An assignment, not echo "$(...)": a failed install then stops the run.)
schemathesis_command="$(bash scripts/schemathesis/setup.sh)"
echo "== schemathesis: $("$schemathesis_command" --version)"

bash scripts/kafka/kafka.sh fetch
bash scripts/kafka/kafka.sh reset
bash scripts/kafka/kafka.sh start
trap 'bash scripts/kafka/kafka.sh stop' EXIT

echo "== typecheck"
npm run --silent typecheck
echo "== format"
npm run --silent format:check
echo "== build"
npm run --silent build
echo "== jest"
npm run --silent test:jest -- --ci "$@"
